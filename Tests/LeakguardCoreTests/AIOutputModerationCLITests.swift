import Foundation
import Testing
@testable import LeakguardCore

/// `ai-output-unmoderated` and `leakguard ai inventory` through the real binary: the fixture apps,
/// every report format and scan mode, suppression, config, exit codes and redaction. The rule's
/// examples (every source form, sink family and moderation form) run through the binary in
/// `AIBackoffCLITests.everyRuleExampleBehavesThroughTheBinary`.
@Suite struct AIOutputModerationCLITests {
    static let rule = "ai-output-unmoderated"
    static let fixtures = TestSupport.packageRoot.appendingPathComponent("fixtures/ai-apps").path
    static let keyPlaceholder = "__FAKE_OPENAI_KEY__"

    /// A copy of the fixture apps outside this repository (whose config allowlists fixtures/),
    /// with a generated fake key where the tweet scheduler hard-codes one.
    static func fixtureCopy(key: String) -> String {
        let dir = TestSupport.makeTempDirectory("ai-apps")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? [] where name.hasSuffix(".py") {
            let text = (try? String(contentsOfFile: fixtures + "/" + name, encoding: .utf8)) ?? ""
            TestSupport.write(text.replacingOccurrences(of: keyPlaceholder, with: key), to: dir + "/" + name)
        }
        return dir
    }

    /// A key of the shape OpenAI issues, made at run time (the same every run, so the redacted
    /// form in the expected output is stable).
    static let fakeKey: String = {
        var keys = RandomKeys()
        return keys.openAIKey()
    }()

    @Test func fixtureAppsGiveTheExpectedFindings() throws {
        let dir = Self.fixtureCopy(key: Self.fakeKey)
        defer { TestSupport.removeTree(dir) }
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        let found = Set(findings.filter { $0["rule"] as? String == Self.rule }.map { "\($0["file"]!):\($0["line"]!)" })
        #expect(found == ["fastapi_stream.py:28", "flask_chatbot.py:25", "streamlit_app.py:17", "tweet_scheduler.py:30"], "\(found)")
        // The Slack bot moderates its answers; the batch job publishes nothing.
        #expect(!found.contains { $0.hasPrefix("slack_bot.py") || $0.hasPrefix("batch_job.py") })
        let severities = Set(findings.filter { $0["rule"] as? String == Self.rule }.compactMap { $0["severity"] as? String })
        #expect(severities == ["note"])
        let chatbot = findings.first { $0["file"] as? String == "flask_chatbot.py" && $0["rule"] as? String == Self.rule }
        #expect((chatbot?["message"] as? String ?? "").contains("checks the input, not the model's output"))
    }

    /// `ai inventory` of the fixture apps, in every format, is the checked expected output
    /// (`UPDATE_EXPECTED=1` rewrites it), and shows the hard-coded key only redacted.
    @Test(arguments: ["text", "json", "markdown"])
    func inventoryMatchesTheExpectedOutput(format: String) throws {
        let dir = Self.fixtureCopy(key: Self.fakeKey)
        defer { TestSupport.removeTree(dir) }
        let out = try TestSupport.leakguard(["ai", "inventory", "--format", format, dir])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(!out.stdout.contains(Self.fakeKey), "the full key is in the \(format) inventory")
        #expect(!out.stdout.contains(String(Self.fakeKey.prefix(12))), "too much of the key is in the \(format) inventory")
        #expect(out.stdout.contains("sk-p…"), "the redacted key is missing from the \(format) inventory")
        let ext = ["text": "txt", "json": "json", "markdown": "md"][format]!
        let expectedPath = Self.fixtures + "/expected/inventory.\(ext)"
        if ProcessInfo.processInfo.environment["UPDATE_EXPECTED"] == "1" {
            TestSupport.write(out.stdout, to: expectedPath)
        }
        let expected = (try? String(contentsOfFile: expectedPath, encoding: .utf8)) ?? ""
        #expect(out.stdout == expected, "ai inventory --format \(format) differs from fixtures/ai-apps/expected/inventory.\(ext); if the change is intended, rerun with UPDATE_EXPECTED=1")
    }

    @Test func inventoryCountsProvidersAndFlagsTheGaps() throws {
        let dir = Self.fixtureCopy(key: Self.fakeKey)
        defer { TestSupport.removeTree(dir) }
        let out = try TestSupport.leakguard(["ai", "inventory", "--format", "json", dir])
        let json = try TestSupport.parseJSON(out.stdout)
        let providers = try #require(json["providers"] as? [[String: Any]])
        #expect(providers.compactMap { $0["name"] as? String } == ["anthropic", "google-genai", "groq", "litellm", "openai"])
        for provider in providers {
            #expect((provider["usagePolicy"] as? String ?? "").hasPrefix("https://"), "\(provider["name"]!) has no usage policy link")
            #expect((provider["rateLimits"] as? String ?? "").hasPrefix("https://"), "\(provider["name"]!) has no rate-limit link")
        }
        let calls = providers.flatMap { $0["calls"] as? [[String: Any]] ?? [] }
        let tweet = try #require(calls.first { $0["file"] as? String == "tweet_scheduler.py" })
        #expect(tweet["tokenCap"] is NSNull)
        #expect((tweet["keySources"] as? [[String: Any]])?.first?["kind"] as? String == "literal")
        let outputs = try #require(tweet["outputs"] as? [[String: Any]])
        #expect(outputs.first?["moderated"] as? Bool == false)
        let slack = try #require(calls.first { $0["file"] as? String == "slack_bot.py" && $0["moderationCheck"] as? Bool == false })
        #expect((slack["outputs"] as? [[String: Any]])?.first?["moderated"] as? Bool == true)
        #expect((slack["keySources"] as? [[String: Any]])?.first?["detail"] as? String == "ANTHROPIC_API_KEY")
    }

    @Test func inventoryErrorsExitTwo() throws {
        let missing = try TestSupport.leakguard(["ai", "inventory", "/nonexistent/path/for/inventory"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot scan"), "\(missing.stderr)")
        let badFormat = try TestSupport.leakguard(["ai", "inventory", "--format", "sarif", "."])
        #expect(badFormat.status == 2)
    }

    static let app = """
    import streamlit as st
    from openai import OpenAI
    client = OpenAI()
    answer = client.chat.completions.create(model="gpt-4o", messages=[])
    st.write(answer.choices[0].message.content)
    """

    /// A note does not fail the scan (the default --fail-on is warning); config raises it.
    @Test func noteExitCodeAndSeverityConfig() throws {
        let dir = TestSupport.makeTempDirectory("ai-note")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(Self.app, to: dir + "/app.py")
        let plain = try TestSupport.leakguard(["scan", dir])
        #expect(plain.status == 0, "a note fails the scan: \(plain.stdout)")
        #expect(plain.stdout.contains(Self.rule))
        #expect(try TestSupport.leakguard(["scan", "--fail-on", "note", dir]).status == 1)
        TestSupport.write("[ai]\nseverity = { \"ai-output-unmoderated\" = \"warning\" }\n", to: dir + "/.leakguard.toml")
        let raised = try TestSupport.leakguard(["scan", "--format", "json", dir])
        #expect(raised.status == 1)
        let findings = try TestSupport.parseJSON(raised.stdout)["findings"] as? [[String: Any]] ?? []
        #expect(findings.first { $0["rule"] as? String == Self.rule }?["severity"] as? String == "warning")
        TestSupport.write("[ai]\nseverity = { \"ai-output-unmoderated\" = \"off\" }\n", to: dir + "/.leakguard.toml")
        let off = try TestSupport.leakguard(["scan", dir])
        #expect(off.status == 0)
        #expect(!off.stdout.contains(Self.rule), "\(off.stdout)")
    }

    @Test func projectSinksAndModerationFromConfig() throws {
        let dir = TestSupport.makeTempDirectory("ai-config")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("""
            from openai import OpenAI
            from notify import publish
            from safety import is_safe
            client = OpenAI()
            text = client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content
            publish(text)
            if is_safe(text):
                publish(text.upper())
            """, to: dir + "/bot.py")
        let none = try TestSupport.leakguard(["scan", dir])
        #expect(!none.stdout.contains(Self.rule), "publish() is not a built-in sink: \(none.stdout)")
        TestSupport.write("""
            [ai]
            moderation = ["is_safe"]
            [[ai.sinks]]
            pattern = "notify:publish"
            label = "notify.publish"
            family = "chat"
            """, to: dir + "/.leakguard.toml")
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        let findings = (try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == Self.rule }
        #expect(findings.map { $0["line"] as? Int } == [6], "\(findings)")
        #expect((findings.first?["message"] as? String ?? "").contains("notify.publish"))
        TestSupport.write("[ai]\n[[ai.sinks]]\npattern = \"x\"\nfamily = \"carrier-pigeon\"\n", to: dir + "/.leakguard.toml")
        let bad = try TestSupport.leakguard(["scan", dir])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("family must be one of"), "\(bad.stderr)")
    }

    @Test func everyFormatSuppressionAndMode() throws {
        let dir = TestSupport.makeTempDirectory("ai-modes")
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["init", "-q", "-b", "main"], cwd: dir)
        TestSupport.write("# app\n", to: dir + "/README.md")
        try TestSupport.git(["add", "-A"], cwd: dir)
        try TestSupport.git(["commit", "-qm", "base"], cwd: dir)
        TestSupport.write(Self.app, to: dir + "/app.py")
        try TestSupport.git(["add", "-A"], cwd: dir)
        let staged = try TestSupport.leakguard(["scan", "--staged", "--format", "json", dir])
        #expect(staged.stdout.contains(Self.rule), "staged: \(staged.stdout)")
        try TestSupport.git(["commit", "-qm", "app"], cwd: dir)
        for mode in [["--git"], ["--range", "HEAD~1..HEAD"], []] {
            let out = try TestSupport.leakguard(["scan"] + mode + ["--format", "json", dir])
            #expect(out.stdout.contains("\"\(Self.rule)\""), "\(mode): \(out.stdout)")
        }
        for format in ["text", "json", "sarif", "junit", "markdown", "html"] {
            let out = try TestSupport.leakguard(["scan", "--format", format, dir])
            #expect(out.stdout.contains(Self.rule), "\(format) report lacks the finding")
        }
        TestSupport.write(Self.app.replacingOccurrences(of: "st.write(answer.choices[0].message.content)",
                                                        with: "st.write(answer.choices[0].message.content)  # leakguard:allow reviewed: internal demo"),
                          to: dir + "/app.py")
        let allowed = try TestSupport.leakguard(["scan", dir])
        #expect(!allowed.stdout.contains(Self.rule), "leakguard:allow did not suppress: \(allowed.stdout)")
    }

    @Test func htmlReportHasAnInventorySection() throws {
        let dir = Self.fixtureCopy(key: Self.fakeKey)
        defer { TestSupport.removeTree(dir) }
        let out = try TestSupport.leakguard(["scan", "--format", "html", dir])
        #expect(out.stdout.contains("AI inventory"), "no inventory section")
        try HTMLChecks.wellFormed(out.stdout)
        #expect(out.stdout.contains("https://openai.com/policies/usage-policies/"))
        #expect(!out.stdout.contains(Self.fakeKey), "the full key is in the HTML report")
    }
}
