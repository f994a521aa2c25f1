import Foundation
import Testing
@testable import LeakguardCore

/// The SARIF fields GitHub code scanning reads to title, rank and explain an alert, checked on a
/// history scan's report: schema-valid, read by `sarif` (sarif-tools), and complete per rule.
@Suite struct SARIFCodeScanningTests {
    static func historyReport() throws -> (GitTestRepo, String, commit: String) {
        let repo = try GitTestRepo("sarif-cs")
        repo.write("hello\n", to: "README.md")
        try repo.commit("base")
        repo.write(try FakeKeys.line("sarif-cs") + "\n", to: "settings.py")
        let commit = try repo.commit("add settings")
        let out = try TestSupport.leakguard(["scan", "--git", "--format", "sarif", "--report-path", "leakguard.sarif", "-q", repo.path], cwd: repo.path)
        #expect(out.status == 1, "\(out.stderr)")
        return (repo, repo.path + "/leakguard.sarif", commit)
    }

    static var schemaPath: String {
        let shared = TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/sarif/sarif-schema-2.1.0.json").path
        return FileManager.default.fileExists(atPath: shared) ? shared
            : TestSupport.packageRoot.appendingPathComponent("fixtures/sarif-schema-2.1.0.json").path
    }

    @Test func everyRuleHasWhatCodeScanningShows() throws {
        let (repo, report, commit) = try Self.historyReport()
        defer { repo.remove() }
        let validate = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
        errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(doc))
        for e in errors[:20]: print(list(e.path), e.message)
        sys.exit(1 if errors else 0)
        """
        let valid = try TestSupport.run("/usr/bin/env", ["python3", "-c", validate, Self.schemaPath, report])
        #expect(valid.status == 0, "SARIF invalid: \(valid.stdout) \(valid.stderr)")

        let doc = try TestSupport.parseJSON(try String(contentsOfFile: report, encoding: .utf8))
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.count > 600)
        for rule in rules {
            let id = rule["id"] as? String ?? "?"
            #expect((rule["shortDescription"] as? [String: Any])?["text"] as? String != nil, "\(id)")
            #expect((rule["fullDescription"] as? [String: Any])?["text"] as? String != nil, "\(id)")
            let help = rule["help"] as? [String: Any]
            #expect((help?["text"] as? String)?.contains("How to fix") == true, "\(id) has no help text")
            #expect((help?["markdown"] as? String)?.contains("**How to allow**") == true, "\(id) has no help markdown")
            #expect((rule["helpUri"] as? String)?.hasPrefix("https://") == true, "\(id)")
            #expect((rule["defaultConfiguration"] as? [String: Any])?["level"] as? String != nil, "\(id)")
            let properties = rule["properties"] as? [String: Any]
            let tags = properties?["tags"] as? [String] ?? []
            #expect(tags.first == "security", "\(id): tags \(tags)")
            let severity = Double(properties?["security-severity"] as? String ?? "")
            #expect(severity.map { (0.1...10).contains($0) } == true, "\(id) has no security-severity")
        }
        // A secret rule's help says how to rotate that kind of key (the rule file's `rotate`).
        let fake = try #require(rules.first { $0["id"] as? String == FakeKeys.ruleID })
        let rotate = try #require(try ConfigLoader.builtIn().rules.first { $0.id == FakeKeys.ruleID }?.rotate)
        #expect(((fake["help"] as? [String: Any])?["text"] as? String)?.contains(rotate) == true)

        let results = try #require(run["results"] as? [[String: Any]])
        let result = try #require(results.first { $0["ruleId"] as? String == FakeKeys.ruleID })
        #expect((result["partialFingerprints"] as? [String: String])?.isEmpty == false)
        #expect(((result["message"] as? [String: Any])?["text"] as? String)?.contains(String(commit.prefix(12))) == true,
                "a history result names its commit in the message")
        let provenance = try #require((run["versionControlProvenance"] as? [[String: Any]])?.first)
        #expect(provenance["revisionId"] as? String == commit)
        #expect((provenance["repositoryUri"] as? String)?.hasPrefix("file://") == true)
        #expect(provenance["branch"] as? String == "main")
    }

    /// `sarif` from the sarif-tools PyPI package reads the report (summary and html).
    @Test func sarifToolsReadsIt() throws {
        guard let sarif = Self.sarifTools() else {
            try Test.cancel("sarif-tools is not installed (scripts/deps --test installs it)")
        }
        let (repo, report, _) = try Self.historyReport()
        defer { repo.remove() }
        let summary = try TestSupport.run(sarif[0], Array(sarif.dropFirst()) + ["summary", report])
        #expect(summary.status == 0, "\(summary.stdout)\(summary.stderr)")
        #expect(summary.stdout.contains("Error: 1") || summary.stdout.contains("error: 1"), "\(summary.stdout)")
        let html = repo.path + "/report.html"
        let rendered = try TestSupport.run(sarif[0], Array(sarif.dropFirst()) + ["html", "--output", html, report])
        #expect(rendered.status == 0, "\(rendered.stdout)\(rendered.stderr)")
        let page = (try? String(contentsOfFile: html, encoding: .utf8)) ?? ""
        #expect(page.contains(FakeKeys.ruleID))
    }

    static func sarifTools() -> [String]? {
        let probe = "import sarif, sys; sys.exit(0)"
        guard (try? TestSupport.run("/usr/bin/env", ["python3", "-c", probe]))?.status == 0 else { return nil }
        return ["/usr/bin/env", "python3", "-m", "sarif"]
    }

    @Test func ruleMetadataHelpFollowsTheCategory() {
        let secret = RuleMetadata(id: "x", category: .secret, severity: .error, description: "A key", rotate: "Revoke it at example")
        #expect(secret.help.contains("Revoke it at example."))
        #expect(secret.securitySeverity == "9.0")
        let dotenv = DotenvCheck.rules[0]
        #expect(dotenv.help.contains("git rm --cached .env"))
        #expect(RuleMetadata(id: "n", category: .ai, severity: .note, description: "d").securitySeverity == "2.0")
    }
}
