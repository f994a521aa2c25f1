import Foundation
import Testing
@testable import LeakguardCore

/// The reference's hard cases, every protection form and every SDK family, through the real
/// binary: each case in fixtures/ai-cases (one file each, its first line naming the AI rules it
/// must produce; PythonCheckTests reads the same files in process) is copied with its
/// `{{alnum:32}}` placeholder filled, one scan reads them all, and each file must produce
/// exactly the expected AI rules.
@Suite struct AIBackoffCasesTests {
    struct Case { var name: String; var code: String; var expected: [String] }

    static let cases: [Case] = {
        let dir = TestSupport.packageRoot.appendingPathComponent("fixtures/ai-cases").path
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".py.txt") }.sorted()
        return names.map { name in
            let text = (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8)) ?? ""
            let header = text.prefix { $0 != "\n" }
            let expected = header.dropFirst("# expect:".count).split(separator: " ").map(String.init).filter { $0 != "nothing" }
            let code = ExampleTemplate.expand(text, seed: "ai-cases")
            return Case(name: String(name.dropLast(7)), code: code, expected: expected)
        }
    }()

    @Test func theCasesAreThere() {
        #expect(Self.cases.count >= 46)
        #expect(Self.cases.allSatisfy { !$0.code.contains("{{") })
    }

    @Test func everyCaseThroughTheBinary() throws {
        let dir = TestSupport.makeTempDirectory("aicases")
        defer { TestSupport.removeTree(dir) }
        for c in Self.cases { TestSupport.write(c.code, to: dir + "/\(c.name).py") }
        // Case 8: a file that does not parse must not stop the scan.
        TestSupport.write("import openai\ndef broken(:\n    openai.ChatCompletion.create(\n\"\"\"unterminated\n", to: dir + "/zz_broken.py")
        TestSupport.write(String(repeating: "(", count: 5000) + "\nimport openai\n", to: dir + "/zz_deep.py")
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        #expect(out.status == 1, "\(out.stderr)")
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        for c in Self.cases {
            let got = findings.filter { $0["file"] as? String == "\(c.name).py" && $0["category"] as? String == "ai" }
                .compactMap { $0["rule"] as? String }.sorted()
            #expect(got == c.expected.sorted(), "\(c.name): expected \(c.expected), got \(got)")
        }
        let summary = try #require(try TestSupport.parseJSON(out.stdout)["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == Self.cases.count + 2, "every file was read, the broken ones too")
    }
}
