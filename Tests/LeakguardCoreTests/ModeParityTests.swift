import Foundation
import Testing
@testable import LeakguardCore

/// Every check in every mode (issue 10): the same content scanned as a tree, as staged changes,
/// as a commit range and as history gives the same findings — secrets, .env and AI alike.
@Suite struct ModeParityTests {
    @Test func treeStagedRangeAndHistoryAgree() throws {
        let dir = TestSupport.makeTempDirectory("parity")
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["init", "-q", "-b", "main"], cwd: dir)
        TestSupport.write("# service\n", to: dir + "/README.md")
        try TestSupport.git(["add", "-A"], cwd: dir)
        try TestSupport.git(["commit", "-qm", "base"], cwd: dir)

        var keys = RandomKeys()
        let anthropic = keys.anthropicKey(), aws = keys.awsKeyID()
        TestSupport.write("""
            import anthropic

            client = anthropic.Anthropic(api_key="\(anthropic)", max_retries=0)

            def summarize(text):
                return client.messages.create(model="claude-3-5-haiku-latest", max_tokens=256,
                                              messages=[{"role": "user", "content": text}])

            """, to: dir + "/app/llm.py")
        TestSupport.write("region = eu-west-1\naws_access_key_id = \(aws)\n", to: dir + "/deploy/aws.ini")
        TestSupport.write("OPENAI_API_KEY=\(keys.openAIKey())\n", to: dir + "/.env")
        try TestSupport.git(["add", "-A"], cwd: dir)

        func found(_ args: [String]) throws -> Set<String> {
            let out = try TestSupport.leakguard(args + ["--format", "json", dir])
            #expect(out.status == 1, "\(args): exit \(out.status) \(out.stderr)")
            let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
            return Set(findings.compactMap { f -> String? in
                guard let rule = f["rule"] as? String, let file = f["file"] as? String, let line = f["line"] as? Int else { return nil }
                // The tree-only .env check (is it ignored?) has no history equivalent.
                if rule == "dotenv-not-ignored" || rule == "dotenv-gitignore-missing" { return nil }
                return "\(rule) \(file):\(line)"
            })
        }
        let staged = try found(["scan", "--staged", "--whole-files"])
        try TestSupport.git(["commit", "-qm", "add the service"], cwd: dir)
        let tree = try found(["scan"])
        let range = try found(["scan", "--range", "HEAD~1..HEAD"])
        let history = try found(["scan", "--git"])

        #expect(tree.contains { $0.hasPrefix("ai-backoff-missing app/llm.py") }, "\(tree)")
        #expect(tree.contains { $0.hasPrefix("anthropic-api-key app/llm.py:3") }, "\(tree)")
        #expect(tree.contains { $0.hasPrefix("aws-access-key-id deploy/aws.ini:2") }, "\(tree)")
        #expect(history.contains { $0.hasPrefix("dotenv-tracked .env") }, "\(history)")
        #expect(staged == history, "staged \(staged.symmetricDifference(history))")
        #expect(range == history, "range \(range.symmetricDifference(history))")
        // The tree adds the tracked .env's own finding the same way.
        #expect(tree == history, "tree \(tree.symmetricDifference(history))")
    }
}

/// `leakguard scan app/` inside a repository: repository-relative paths and the root's
/// .gitleaksignore and config, as a scan of the root would use.
@Suite struct SubdirectoryScanTests {
    @Test func aSubdirectoryIsScannedAsPartOfItsRepository() throws {
        let dir = TestSupport.makeTempDirectory("subdir")
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["init", "-q"], cwd: dir)
        var keys = RandomKeys()
        TestSupport.write("token = \"\(keys.githubToken())\"\n", to: dir + "/app/llm.py")
        TestSupport.write("aws = \"\(keys.awsKeyID())\"\n", to: dir + "/app/aws.py")
        let sarif = try TestSupport.leakguard(["scan", "--format", "sarif", "app"], cwd: dir)
        #expect(sarif.status == 1)
        #expect(sarif.stdout.contains("\"uri\": \"app/llm.py\"") || sarif.stdout.contains("\"uri\":\"app/llm.py\""), "\(sarif.stdout.prefix(2000))")
        TestSupport.write("app/llm.py:github-personal-access-token:1\n", to: dir + "/.gitleaksignore")
        TestSupport.write("[[rules]]\nid = \"corp\"\nregex = '''corp_[a-z]{12}'''\nkeywords = [\"corp_\"]\n", to: dir + "/.leakguard.toml")
        TestSupport.write("x = 'corp_abcdefghijkl'\n", to: dir + "/app/corp.py")
        let out = try TestSupport.leakguard(["scan", "--format", "json", "app"], cwd: dir)
        let rules = ((try TestSupport.parseJSON(out.stdout))["findings"] as? [[String: Any]] ?? []).map { "\($0["rule"] ?? "") \($0["file"] ?? "")" }
        #expect(!rules.contains("github-personal-access-token app/llm.py"), "the root's .gitleaksignore applies: \(rules)")
        #expect(rules.contains("aws-access-key-id app/aws.py"), "\(rules)")
        #expect(rules.contains("corp app/corp.py"), "the root's config applies: \(rules)")
    }
}
