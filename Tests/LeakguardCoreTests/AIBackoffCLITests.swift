import Foundation
import PythonCheck
import Testing
@testable import LeakguardCore

/// The AI-backoff check through the real binary: every rule's examples, reports, suppression, config.
@Suite struct AIBackoffCLITests {
    /// Writes every example of every rule to its own file, scans once, and checks each file.
    @Test func everyRuleExampleBehavesThroughTheBinary() throws {
        let dir = TestSupport.makeTempDirectory("ai")
        defer { TestSupport.removeTree(dir) }
        var expectations: [(file: String, rule: String, positive: Bool, line: Int?, column: Int?)] = []
        for rule in PythonCheck.rules {
            for (i, example) in rule.examples.enumerated() {
                let (code, marker) = example.source
                let file = "pos_\(rule.id)_\(i).py"
                TestSupport.write(code, to: dir + "/" + file)
                var line: Int?, column: Int?
                if let marker {
                    let before = String(decoding: Array(code.utf8)[..<marker], as: UTF8.self)
                    let lines = before.components(separatedBy: "\n")
                    line = lines.count
                    column = lines.last!.count + 1
                }
                expectations.append((file, rule.id, true, line, column))
            }
            for (i, example) in rule.negativeExamples.enumerated() {
                let file = "neg_\(rule.id)_\(i).py"
                TestSupport.write(example.source.code, to: dir + "/" + file)
                expectations.append((file, rule.id, false, nil, nil))
            }
        }
        #expect(expectations.count >= 10)
        let out = try TestSupport.leakguard(["scan", "--format", "json", "--no-redact", dir])
        #expect(out.status == 1, "\(out.stderr)")
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        for e in expectations {
            let hits = findings.filter { $0["file"] as? String == e.file && $0["rule"] as? String == e.rule }
            if e.positive {
                #expect(!hits.isEmpty, "\(e.rule): example \(e.file) not reported")
                if let line = e.line, let column = e.column {
                    #expect(hits.contains { $0["line"] as? Int == line && $0["column"] as? Int == column },
                            "\(e.rule): \(e.file) expected at \(line):\(column), got \(hits.map { "\($0["line"]!):\($0["column"]!)" })")
                }
                #expect(hits.allSatisfy { $0["category"] as? String == "ai" })
            } else {
                #expect(hits.isEmpty, "\(e.rule): negative example \(e.file) was reported")
            }
        }
    }

    /// A file with more AI calls than the per-file limit: the scan and the inventory say where
    /// they stopped, in the report's warnings as on stderr.
    @Test func aiCallLimitIsAWarning() throws {
        let dir = TestSupport.makeTempDirectory("ai-limit")
        defer { TestSupport.removeTree(dir) }
        let limit = PythonCheckConfig().maxAICallSites
        TestSupport.write("import openai\n" + String(repeating: "openai.OpenAI().chat.completions.create(model='m', messages=[])\n", count: limit + 1),
                          to: dir + "/calls.py")
        let stopped = "calls.py: AI-backoff check stopped early: more than \(limit) AI calls (the limit per file): the calls from line \(limit + 2) on were not checked"
        let scan = try TestSupport.leakguard(["scan", "--format", "json", dir])
        let warnings = try #require(try TestSupport.parseJSON(scan.stdout)["warnings"] as? [String])
        #expect(warnings.contains { $0.hasSuffix(stopped) }, "\(warnings)")
        #expect(scan.stderr.contains(stopped), "\(scan.stderr)")
        let inventory = try TestSupport.leakguard(["ai", "inventory", dir])
        #expect(inventory.stderr.contains("calls.py: AI inventory stopped early: more than \(limit) AI calls"), "\(inventory.stderr)")
    }

    static let unprotected = """
    import openai

    def ask(prompt):
        return openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": prompt}])
    """

    @Test func findingsInTextJSONAndSARIFAndSuppression() throws {
        let dir = TestSupport.makeTempDirectory("ai2")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(Self.unprotected, to: dir + "/app.py")
        let text = try TestSupport.leakguard(["scan", dir])
        #expect(text.status == 1)
        #expect(text.stdout.contains("ai-backoff-missing"))
        #expect(text.stdout.contains("app.py"))
        let json = try TestSupport.parseJSON(try TestSupport.leakguard(["scan", "-f", "json", dir]).stdout)
        let f = try #require((json["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "ai-backoff-missing" })
        #expect(f["category"] as? String == "ai")
        #expect(f["line"] as? Int == 4)
        let sarif = try TestSupport.leakguard(["scan", "-f", "sarif", dir]).stdout
        #expect(sarif.contains("\"ruleId\": \"ai-backoff-missing\""))
        #expect(sarif.contains("\"id\": \"ai-rate-limit-swallowed\""), "SARIF rule table lists the AI rules")
        // leakguard:allow on the call line suppresses it.
        TestSupport.write(Self.unprotected.replacingOccurrences(of: "prompt}])", with: "prompt}])  # leakguard:allow"), to: dir + "/app.py")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0)
    }

    @Test func configTurnsRulesOffAndChangesSeverity() throws {
        let dir = TestSupport.makeTempDirectory("ai3")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(Self.unprotected, to: dir + "/app.py")
        TestSupport.write("[ai]\nseverity = { \"ai-backoff-missing\" = \"note\" }\n", to: dir + "/.leakguard.toml")
        let noted = try TestSupport.parseJSON(try TestSupport.leakguard(["scan", "-f", "json", dir]).stdout)
        #expect((noted["findings"] as? [[String: Any]])?.first?["severity"] as? String == "note")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0, "a note is below the default --fail-on warning")
        TestSupport.write("[ai]\ndisabledRules = [\"ai-backoff-missing\"]\n", to: dir + "/.leakguard.toml")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0)
        TestSupport.write("[ai]\nenabled = false\n", to: dir + "/.leakguard.toml")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0)
    }

    @Test func strictModeAndCustomDecorator() throws {
        let dir = TestSupport.makeTempDirectory("ai4")
        defer { TestSupport.removeTree(dir) }
        let sdkDefault = """
        from openai import OpenAI
        client = OpenAI()

        def ask(prompt):
            return client.chat.completions.create(model="gpt-4o", messages=[])
        """
        TestSupport.write(sdkDefault, to: dir + "/app.py")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0, "openai>=1 retries 429 by default")
        TestSupport.write("[ai]\nstrict = true\n", to: dir + "/.leakguard.toml")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 1, "strict requires explicit backoff")
        let decorated = """
        from openai import OpenAI
        from myproject.retry import with_backoff
        client = OpenAI()

        @with_backoff
        def ask(prompt):
            return client.chat.completions.create(model="gpt-4o", messages=[])
        """
        TestSupport.write(decorated, to: dir + "/app.py")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 1, "an unknown decorator is not backoff")
        TestSupport.write("[ai]\nstrict = true\ndecorators = [\"with_backoff\"]\n", to: dir + "/.leakguard.toml")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0, "a configured decorator counts as backoff")
    }

    @Test func extraSDKFromConfig() throws {
        let dir = TestSupport.makeTempDirectory("ai5")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("""
        from mycorp.llm import Client
        c = Client()
        def go():
            return c.generate("hi")
        """, to: dir + "/app.py")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0)
        TestSupport.write("""
        [[ai.sdks]]
        module = "mycorp.llm"
        constructors = ["Client"]
        calls = ["generate"]
        retriesByDefault = false
        """, to: dir + "/.leakguard.toml")
        let out = try TestSupport.leakguard(["scan", dir])
        #expect(out.status == 1, "\(out.stdout)")
        #expect(out.stdout.contains("ai-backoff-missing"))
    }
}
