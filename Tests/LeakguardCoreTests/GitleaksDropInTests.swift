import Foundation
import Testing
@testable import LeakguardCore

/// leakguard as a gitleaks drop-in (issue 9): a gitleaks-style config and ignore file behave as
/// they do in gitleaks, and one secret is one finding however many rules match it.
///
/// gitleaks' own default config is not copied here: the test writes an equivalent one in its
/// schema (gitleaks' rule ids, our own regexes), the way a team's `.gitleaks.toml` looks.
@Suite struct GitleaksDropInTests {
    /// A gitleaks-schema config using gitleaks' ids for rules the built-in pack also has.
    static func gitleaksConfig(extendDefault: Bool) -> String {
        (extendDefault ? "[extend]\nuseDefault = true\n\n" : "") + """
        title = "team gitleaks config"

        [[rules]]
        id = "github-pat"
        description = "GitHub personal access token"
        regex = '''ghp_[0-9a-zA-Z]{36}'''
        keywords = ["ghp_"]

        [[rules]]
        id = "aws-access-token"
        description = "AWS access key"
        regex = '''(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}'''
        keywords = ["akia", "asia", "abia", "acca", "a3t"]

        [allowlist]
        paths = ['''(?:^|/)vendor/''']

        """
    }

    static func repo() throws -> (dir: String, github: String, aws: String) {
        let dir = TestSupport.makeTempDirectory("gitleaks")
        var keys = RandomKeys()
        let github = keys.githubToken(), aws = keys.awsKeyID()
        TestSupport.write("token = \"\(github)\"\naws_key = \"\(aws)\"\n", to: dir + "/app/settings.py")
        TestSupport.write("token = \"\(keys.githubToken())\"\n", to: dir + "/vendor/lib.py")
        return (dir, github, aws)
    }

    func findings(_ out: TestSupport.Output) throws -> [[String: Any]] {
        try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
    }

    @Test func aGitleaksConfigWithoutExtendReplacesTheBuiltInPack() throws {
        let (dir, _, _) = try Self.repo()
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(Self.gitleaksConfig(extendDefault: false), to: dir + "/.gitleaks.toml")
        var keys = RandomKeys()
        TestSupport.write("sk_live = \"\(keys.string(RandomKeys.alnum, 10))\"\n", to: dir + "/other.txt")
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        #expect(out.status == 1)
        let rules = Set(try findings(out).compactMap { $0["rule"] as? String })
        // Only the config's own rules (and the non-secret checks) run.
        #expect(rules.isSubset(of: ["github-pat", "aws-access-token", "ai-key-hardcoded", "dotenv-gitignore-missing"]), "\(rules)")
        #expect(rules.contains("github-pat") && rules.contains("aws-access-token"))
        let list = try TestSupport.leakguard(["rules", "list", "--format", "json", dir])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(listed.filter { $0["category"] as? String == "secret" }.count == 2, "rules list shows the rules in effect")
        let check = try TestSupport.leakguard(["rules", "check", dir + "/.gitleaks.toml"])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.contains("2 skipped (no examples)"), "\(check.stdout)")
    }

    @Test func withExtendEachSecretIsReportedOnceAndGitleaksIgnoreIdsSuppress() throws {
        let (dir, _, _) = try Self.repo()
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(Self.gitleaksConfig(extendDefault: true), to: dir + "/.gitleaks.toml")
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        let found = try findings(out)
        let inSettings = found.filter { $0["file"] as? String == "app/settings.py" }
        // Two secrets, two findings, each naming every rule that matched.
        let lines = inSettings.compactMap { $0["line"] as? Int }
        #expect(lines.sorted() == [1, 2], "one finding per secret: \(inSettings.map { $0["rule"] ?? "" })")
        let gh = try #require(inSettings.first { $0["line"] as? Int == 1 })
        let names = [gh["rule"] as? String ?? ""] + (gh["alsoMatched"] as? [String] ?? [])
        #expect(Set(names).isSuperset(of: ["github-personal-access-token", "github-pat"]), "\(names)")
        // A .gitleaksignore entry written with gitleaks' rule ids suppresses both.
        TestSupport.write("app/settings.py:github-pat:1\napp/settings.py:aws-access-token:2\n", to: dir + "/.gitleaksignore")
        let ignored = try findings(try TestSupport.leakguard(["scan", "--format", "json", dir]))
        #expect(!ignored.contains { $0["file"] as? String == "app/settings.py" && ($0["category"] as? String) == "secret" }, "\(ignored)")
    }

    @Test func gitleaksIgnoreIdsSuppressBuiltInFindings() throws {
        let (dir, _, _) = try Self.repo()
        defer { TestSupport.removeTree(dir) }
        // No config at all: built-in rules, but the ignore file speaks gitleaks.
        TestSupport.write("app/settings.py:github-pat:1\n", to: dir + "/.gitleaksignore")
        let out = try findings(try TestSupport.leakguard(["scan", "--format", "json", dir]))
        #expect(!out.contains { $0["file"] as? String == "app/settings.py" && $0["line"] as? Int == 1 })
        #expect(out.contains { $0["file"] as? String == "app/settings.py" && $0["line"] as? Int == 2 })
    }

    @Test func baselinesAcceptGitleaksReportsAndRejectJunk() throws {
        let (dir, _, _) = try Self.repo()
        defer { TestSupport.removeTree(dir) }
        let report = """
            [
              {"Description": "GitHub PAT", "StartLine": 1, "File": "app/settings.py", "RuleID": "github-pat",
               "Fingerprint": "app/settings.py:github-pat:1"}
            ]
            """
        let reportPath = dir + "/gl-report.json"
        TestSupport.write(report, to: reportPath)
        let out = try findings(try TestSupport.leakguard(["scan", "--format", "json", "--baseline", reportPath, dir]))
        #expect(!out.contains { $0["file"] as? String == "app/settings.py" && $0["line"] as? Int == 1 }, "\(out)")
        #expect(out.contains { $0["file"] as? String == "app/settings.py" && $0["line"] as? Int == 2 })
        TestSupport.write("this is not a baseline\n", to: dir + "/junk.txt")
        let junk = try TestSupport.leakguard(["scan", "--baseline", dir + "/junk.txt", dir + "/app"])
        #expect(junk.status == 2)
        #expect(junk.stderr.contains("neither"))
        TestSupport.write("[{\"Foo\": 1}]", to: dir + "/array.json")
        #expect(try TestSupport.leakguard(["scan", "--baseline", dir + "/array.json", dir + "/app"]).status == 2)
    }

    @Test func unknownKeysAndRuleIdsWarn() throws {
        let dir = TestSupport.makeTempDirectory("warn")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("""
            [extend]
            disabledRules = ["github-pat", "no-such-rule"]

            [[rules]]
            id = "mine"
            regex = '''mine_[a-z]{10}'''
            keyword = ["mine_"]

            """, to: dir + "/.leakguard.toml")
        TestSupport.write("hello\n", to: dir + "/a.txt")
        let out = try TestSupport.leakguard(["scan", dir])
        #expect(out.status == 0)
        #expect(out.stderr.contains("no-such-rule"), "\(out.stderr)")
        #expect(!out.stderr.contains("'github-pat'"), "a gitleaks id of a built-in rule is known: \(out.stderr)")
        #expect(out.stderr.contains("unknown key 'keyword'"), "\(out.stderr)")
    }

    /// A provider rule and the AI check on one key: one finding, both rules named.
    @Test func aProviderRuleAndTheAICheckShareOneFinding() throws {
        let dir = TestSupport.makeTempDirectory("onekey")
        defer { TestSupport.removeTree(dir) }
        var keys = RandomKeys()
        let key = keys.openAIKey()
        TestSupport.write("import openai\nclient = openai.OpenAI(api_key=\"\(key)\")\n", to: dir + "/app.py")
        let out = try findings(try TestSupport.leakguard(["scan", "--format", "json", dir]))
        let onLine2 = out.filter { $0["line"] as? Int == 2 }
        #expect(onLine2.count == 1, "\(onLine2.map { $0["rule"] ?? "" })")
        let names = [onLine2.first?["rule"] as? String ?? ""] + (onLine2.first?["alsoMatched"] as? [String] ?? [])
        #expect(names.contains("openai-project-key") && names.contains("ai-key-hardcoded"), "\(names)")
    }
}
