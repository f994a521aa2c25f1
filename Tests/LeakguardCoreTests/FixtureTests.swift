import Foundation
import Testing
@testable import LeakguardCore

/// `fixtures/planted/` holds one fake secret per built-in rule; scanning it must find every one,
/// at the right line and column, in every report format.
@Suite struct FixtureTests {
    static let pack = try! ConfigLoader.builtIn()
    static let source = TestSupport.packageRoot.appendingPathComponent("fixtures/planted").path
    /// A copy outside this repository: scanned in place, `fixtures/planted` is a subdirectory of
    /// leakguard's own repository, whose config (rightly) allowlists its fixtures.
    static let dir: String = {
        let copy = TestSupport.makeTempDirectory("planted") + "/planted"
        try! FileManager.default.copyItem(atPath: source, toPath: copy)
        return copy
    }()

    /// Where each rule's planted secret is: its example scanned alone, shifted to line 3 after a
    /// 4-space indent.
    static func expected() throws -> [String: (file: String, line: Int, column: Int, text: String)] {
        var out: [String: (String, Int, Int, String)] = [:]
        let scratch = DetectorScratch()
        // Path-scoped rules (.pypirc, kubeconfig, …) need their file name; `rules check` and the
        // rule-pack tests cover their examples.
        for rule in pack.rules where rule.path == nil {
            guard let example = rule.examples.first else { continue }
            let text = ExampleTemplate.expand(example, seed: "fixture/\(rule.id)#0")
            var single = Configuration()
            single.rules = [rule]
            let found = Array(text.utf8).withUnsafeBufferPointer {
                try! Detector(configuration: single).scan(Fragment(bytes: $0, path: "x"), scratch: scratch).findings
            }
            guard let f = found.first else { throw TestFailure("rule \(rule.id)'s first example finds nothing") }
            out[rule.id] = ("\(rule.id).txt", f.line + 2, f.line == 1 ? f.column + 4 : f.column, text)
        }
        return out
    }

    @Test func fixturesAreFresh() throws {
        for (rule, e) in try Self.expected() {
            let path = Self.source + "/" + e.file
            let onDisk = try? String(contentsOfFile: path, encoding: .utf8)
            let want = "# Fake secret planted for rule \(rule) by scripts/generate-fixtures. Not a real credential.\n\n    \(e.text)\n"
            #expect(onDisk == want, "fixtures/planted/\(e.file) is missing or stale: run scripts/generate-fixtures")
        }
    }

    @Test func everyPlantedSecretIsFoundInJSON() throws {
        let out = try TestSupport.leakguard(["scan", "--format", "json", Self.dir])
        #expect(out.status == 1)
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        for (rule, e) in try Self.expected() {
            // One finding per secret: the planted rule speaks for it, or is listed beside the
            // rule that does (then the speaker's column applies).
            let hit = findings.contains {
                $0["file"] as? String == e.file && $0["line"] as? Int == e.line
                    && (($0["rule"] as? String == rule && $0["column"] as? Int == e.column)
                        || ($0["alsoMatched"] as? [String] ?? []).contains(rule))
            }
            #expect(hit, "rule \(rule) not found at \(e.file):\(e.line):\(e.column)")
        }
    }

    @Test func everyPlantedSecretIsFoundInTextAndSARIF() throws {
        let text = try TestSupport.leakguard(["scan", Self.dir]).stdout
        let sarif = try TestSupport.parseJSON(try TestSupport.leakguard(["scan", "--format", "sarif", Self.dir]).stdout)
        let results = try #require(((sarif["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        let sarifKeys = Set(results.compactMap { r -> String? in
            guard let loc = (r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any],
                  let uri = (loc["artifactLocation"] as? [String: Any])?["uri"] as? String,
                  let region = loc["region"] as? [String: Any] else { return nil }
            return "\(r["ruleId"]!)|\(uri)|\(region["startLine"]!)|\(region["startColumn"]!)"
        })
        let sarifAlso = Set(results.flatMap { r -> [String] in
            guard let loc = (r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any],
                  let uri = (loc["artifactLocation"] as? [String: Any])?["uri"] as? String,
                  let region = loc["region"] as? [String: Any] else { return [] }
            let also = (r["properties"] as? [String: Any])?["alsoMatched"] as? [String] ?? []
            return also.map { "\($0)|\(uri)|\(region["startLine"]!)" }
        })
        for (rule, e) in try Self.expected() {
            let section = text.components(separatedBy: "\n\n").first { $0.hasPrefix(e.file + "\n") } ?? ""
            #expect(section.contains("  \(e.line):") && section.contains(rule), "text report lacks \(rule) at \(e.line):\(e.column)")
            #expect(sarifKeys.contains("\(rule)|\(e.file)|\(e.line)|\(e.column)") || sarifAlso.contains("\(rule)|\(e.file)|\(e.line)"),
                    "SARIF lacks \(rule) at \(e.line):\(e.column)")
        }
    }
}
