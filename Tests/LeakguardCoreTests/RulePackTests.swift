import Foundation
import Testing
@testable import LeakguardCore

/// The built-in rules test themselves: every example must be found, every look-alike must not.
@Suite struct RulePackTests {
    static let pack: Configuration = try! ConfigLoader.builtIn()
    static let ruleIDs: [String] = pack.rules.map(\.id)

    @Test(arguments: ruleIDs)
    func examplesBehave(ruleID: String) throws {
        var single = Self.pack
        single.rules = Self.pack.rules.filter { $0.id == ruleID }
        let failures = try RuleExamples.check(single)
        for failure in failures {
            Issue.record(Comment(rawValue: failure.description))
        }
    }

    @Test func everyRuleHasKeywordsExamplesAndNegatives() {
        for rule in Self.pack.rules {
            #expect(!rule.keywords.isEmpty, "rule \(rule.id) has no keywords, so it runs on every file")
            #expect(!rule.examples.isEmpty, "rule \(rule.id) has no example")
            #expect(!rule.negativeExamples.isEmpty, "rule \(rule.id) has no negative example")
            #expect(!rule.description.isEmpty, "rule \(rule.id) has no description")
        }
    }

    @Test func packIsBigEnoughAndAIFirst() {
        #expect(Self.pack.rules.count >= 40)
        let aiRules = Self.pack.rules.filter { $0.tags.contains("ai") }
        #expect(aiRules.count >= 15)
        for id in ["aws-access-key-id", "github-personal-access-token", "private-key", "generic-secret"] {
            #expect(Self.pack.rules.contains { $0.id == id || $0.id.hasPrefix(id) }, "missing rule family \(id)")
        }
    }

    /// A rule's example must also be found by the whole pack, so prefilter and dedupe don't hide it.
    @Test func wholePackFindsEveryExample() throws {
        // Examples are plain text lines; path-scoped rules are checked without their path, as
        // `rules check` does.
        var pack = Self.pack
        for i in pack.rules.indices { pack.rules[i].path = nil }
        let detector = try Detector(configuration: pack)
        let scratch = DetectorScratch()
        for rule in pack.rules {
            for (i, example) in rule.examples.enumerated() {
                let text = ExampleTemplate.expand(example, seed: "\(rule.id)#\(i)")
                let bytes = Array(text.utf8)
                let found = bytes.withUnsafeBufferPointer { detector.scan(Fragment(bytes: $0, path: "x.txt"), scratch: scratch).findings }
                #expect(!found.isEmpty, "full pack found nothing in \(rule.id) example \(i): \(text)")
            }
        }
    }

    /// README's coverage table and docs/rules.md are generated from `rules list --format json`.
    @Test func ruleTablesAreFresh() throws {
        let empty = TestSupport.makeTempDirectory("tables")
        defer { TestSupport.removeTree(empty) }
        let list = try TestSupport.leakguard(["rules", "list", "--format", "json", empty])
        #expect(list.status == 0)
        let check = try TestSupport.run("/usr/bin/env", ["python3", "scripts/rule_table.py", "--check"],
                                        cwd: TestSupport.packageRoot.path, stdin: list.stdout)
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// Issue 9's floor: at least 400 rules and 70 AI/ML-tooling providers.
    @Test func packBreadth() throws {
        let rules = Self.pack.rules
        #expect(rules.count >= 400)
        let aiProviders = Set(rules.filter { $0.tags.first == "ai" }.compactMap { $0.tags.dropFirst().first })
        #expect(aiProviders.count >= 70, "\(aiProviders.count) AI providers")
        #expect(rules.allSatisfy { $0.rotate != nil }, "every rule says where to rotate: \(rules.filter { $0.rotate == nil }.map(\.id))")
    }

    /// The compiled pack (Swift values) says exactly what the TOML says.
    @Test func compiledPackEqualsTheParsedText() throws {
        let compiled = try ConfigLoader.builtIn(), parsed = try ConfigLoader.builtInFromText()
        #expect(compiled.rules.count == parsed.rules.count)
        #expect(compiled.allowlists.count == parsed.allowlists.count)
        for (a, b) in zip(compiled.rules, parsed.rules) {
            #expect(a.id == b.id && a.regex == b.regex && a.secretGroup == b.secretGroup && a.entropy == b.entropy, "\(a.id)")
            #expect(a.keywords == b.keywords && a.path == b.path && a.tags == b.tags && a.severity == b.severity, "\(a.id)")
            #expect(a.multiline == b.multiline && a.anchor == b.anchor && a.origin == b.origin, "\(a.id)")
            #expect(a.examples == b.examples && a.negativeExamples == b.negativeExamples, "\(a.id)")
            #expect(a.gitleaksIDs == b.gitleaksIDs && a.rotate == b.rotate && a.description == b.description, "\(a.id)")
            #expect(a.allowlists.map(\.regexes) == b.allowlists.map(\.regexes) && a.allowlists.map(\.stopwords) == b.allowlists.map(\.stopwords), "\(a.id)")
            #expect(a.allowlists.map(\.paths) == b.allowlists.map(\.paths) && a.allowlists.map(\.condition) == b.allowlists.map(\.condition), "\(a.id)")
            #expect(a.allowlists.map(\.regexTarget) == b.allowlists.map(\.regexTarget), "\(a.id)")
            #expect(validatorSummary(a.validator) == validatorSummary(b.validator), "\(a.id)")
        }
    }

    /// Everything a validator says, in a comparable form (tables sorted by key).
    func validatorSummary(_ v: Validator?) -> String {
        guard let v else { return "none" }
        func sorted(_ pairs: [(String, String)]) -> String { pairs.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",") }
        var body = "none"
        switch v.body {
        case .form(let fields)?: body = "form:" + sorted(fields)
        case .json(let fields)?: body = "json:" + sorted(fields)
        case nil: break
        }
        return [v.method.rawValue, v.url, v.host, sorted(v.headers), v.basicAuth ?? "-", body, v.capture ?? "-",
                v.pair.map { "\($0.rule)>\($0.variable)" } ?? "-",
                v.signature.map { "\($0.function.rawValue)/\($0.region)/\($0.service)/\($0.keyID)" } ?? "-",
                "\(v.live)", "\(v.invalid)", v.jsonField ?? "-"].joined(separator: " | ")
    }

    @Test func generatedFileIsFresh() throws {
        let rulesDir = TestSupport.packageRoot.appendingPathComponent("rules")
        let names = try FileManager.default.contentsOfDirectory(atPath: rulesDir.path).filter { $0.hasSuffix(".toml") }.sorted()
        #expect(names == BuiltInRules.files.map(\.name),
                "rules/*.toml and the built-in copy differ: run scripts/generate-builtin-rules")
        for (name, text) in BuiltInRules.files {
            let onDisk = try String(contentsOf: rulesDir.appendingPathComponent(name), encoding: .utf8)
            #expect(onDisk == text, "rules/\(name) changed since it was embedded: run scripts/generate-builtin-rules")
        }
    }

    @Test func templatesExpandDeterministically() {
        let a = ExampleTemplate.expand("k={{hex:32}} {{alnum:5}}", seed: "s")
        let b = ExampleTemplate.expand("k={{hex:32}} {{alnum:5}}", seed: "s")
        #expect(a == b)
        #expect(a.count == "k=".count + 32 + 1 + 5)
        #expect(a.dropFirst(2).prefix(32).allSatisfy { "0123456789abcdef".contains($0) })
        #expect(ExampleTemplate.expand("{{hex:8}}", seed: "t") != ExampleTemplate.expand("{{hex:8}}", seed: "u"))
        #expect(ExampleTemplate.expand("{{nope:3}}", seed: "s") == "{{nope:3}}")
    }
}
