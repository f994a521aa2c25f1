import Foundation
import Testing
@testable import LeakguardCore

/// `scan --validate` through the real binary against a mock provider on 127.0.0.1: every
/// built-in validator, in every kind of answer a provider can give.
@Suite struct ValidationMockTests {
    /// Short delays so retries and timeouts cost little; honoured only with the test server.
    static let timing = "timeout=1,base=0.01,cap=0.2,interval=0,concurrency=16,attempts=3"

    /// The built-in rules, loaded once (a load takes a while in a debug build).
    static let builtIn: [Rule] = try! ConfigLoader.builtIn().rules
    static let validatorRules: [Rule] = builtIn.filter { $0.validator != nil }

    /// A fake secret line for `rule`: its first example, expanded with `seed`.
    static func fakeLine(_ rule: String, seed: String) -> String {
        ExampleTemplate.expand(builtIn.first { $0.id == rule }!.examples[0], seed: seed)
    }

    /// One file per validator rule holding its first example (plus the key id that AWS's
    /// secret-only rule pairs with), so each rule's finding can be told apart.
    static func makeFixture() throws -> String {
        let dir = TestSupport.makeTempDirectory("validate")
        for rule in validatorRules {
            var text = fakeLine(rule.id, seed: "validate/\(rule.id)") + "\n"
            if let pair = rule.validator?.pair {
                text += fakeLine(pair.rule, seed: "validate/pair/\(rule.id)") + "\n"
            }
            TestSupport.write(text, to: "\(dir)/\(rule.id).txt")
        }
        return dir
    }

    /// A scenario where each validator's host answers `answer(validator)`.
    static func byHost(_ answers: (Validator) -> [[String: Any]]) -> [String: Any] {
        var table: [String: Any] = [:]
        for rule in validatorRules { table[rule.validator!.host] = answers(rule.validator!) }
        return ["byHost": table]
    }

    static func liveAnswer(_ v: Validator) -> [String: Any] { ["status": v.live[0], "body": #"{"ok": true}"#] }

    struct Run {
        var output: TestSupport.Output
        var requests: [[String: Any]]
        /// Each validator rule's verdict (status, detail), from the JSON report.
        var verdicts: [String: (String, String)]
    }

    static func run(_ scenario: [String: Any], arguments: [String] = ["--validate"], fixture: String? = nil,
                    timing: String = timing) throws -> Run {
        let mock = try MockProvider(scenario: scenario)
        defer { mock.stop() }
        let dir = try fixture ?? makeFixture()
        defer { if fixture == nil { TestSupport.removeTree(dir) } }
        let output = try TestSupport.leakguard(["scan", dir, "--format", "json"] + arguments, environment: [
            "LEAKGUARD_VALIDATE_TEST_BASE_URL": "http://127.0.0.1:\(mock.port)",
            "LEAKGUARD_VALIDATE_TEST_TIMING": timing,
        ])
        var verdicts: [String: (String, String)] = [:]
        if let findings = (try? TestSupport.parseJSON(output.stdout))?["findings"] as? [[String: Any]] {
            for f in findings {
                guard let rule = f["rule"] as? String, let file = f["file"] as? String, file == "\(rule).txt",
                      let v = f["validation"] as? [String: Any] else { continue }
                verdicts[rule] = (v["status"] as? String ?? "", v["detail"] as? String ?? "")
            }
        }
        return Run(output: output, requests: mock.requests(), verdicts: verdicts)
    }

    /// Every validator rule got `status`, and `detail` passes `check`.
    static func expectAll(_ run: Run, _ status: String, sourceLocation: SourceLocation = #_sourceLocation,
                          _ check: (Rule, String) -> Bool = { _, _ in true }) {
        for rule in validatorRules {
            guard let (got, detail) = run.verdicts[rule.id] else {
                Issue.record("\(rule.id): no validation in the report; stderr: \(run.output.stderr)", sourceLocation: sourceLocation)
                continue
            }
            #expect(got == status, "\(rule.id): \(got) (\(detail))", sourceLocation: sourceLocation)
            #expect(check(rule, detail), "\(rule.id): \(detail)", sourceLocation: sourceLocation)
        }
    }

    @Test func everyValidatorReportsLive() throws {
        let run = try Self.run(Self.byHost { [Self.liveAnswer($0)] }, arguments: ["--validate", "--fail-on-live"])
        Self.expectAll(run, "live")
        #expect(run.output.status == 1, "--fail-on-live fails on a live key")
        // Each request was meant for its rule's host, and only validator hosts were asked.
        let hosts = Set(Self.validatorRules.map { $0.validator!.host })
        for request in run.requests {
            let host = (request["headers"] as? [String: String])?["x-leakguard-test-host"] ?? "(none)"
            #expect(hosts.contains(host), "request meant for \(host)")
        }
        // No secret in what the run printed (reports are redacted; stderr has only counts).
        var configuration = Configuration()
        configuration.rules = Self.builtIn
        let detector = try Detector(configuration: configuration)
        for rule in Self.validatorRules {
            let line = Self.fakeLine(rule.id, seed: "validate/\(rule.id)")
            for finding in RuleExamples.findings(detector, line, DetectorScratch()) where finding.secret.count >= 8 {
                #expect(!run.output.stderr.contains(finding.secret), "\(rule.id): secret on stderr")
                #expect(!run.output.stdout.contains(finding.secret), "\(rule.id): secret in the report")
            }
        }
        #expect(run.output.stderr.contains("validate: "))
    }

    @Test func everyValidatorReportsInvalid() throws {
        let run = try Self.run(Self.byHost { v in [["status": v.invalid[0], "body": #"{"ok": false}"#]] },
                               arguments: ["--validate", "--fail-on-live"])
        Self.expectAll(run, "invalid")
        #expect(run.output.status == 0, "--fail-on-live passes when no key is live: \(run.output.stderr)")
    }

    @Test func rateLimitedThenLive() throws {
        let run = try Self.run(Self.byHost { v in [["status": 429, "headers": ["Retry-After": "0"]], Self.liveAnswer(v)] })
        Self.expectAll(run, "live")
        // Two requests per distinct request: the 429, then the retry.
        let retried = run.requests.filter { ($0["n"] as? Int) == 1 }
        #expect(retried.count * 2 == run.requests.count)
    }

    @Test func serverErrorsGiveUpAsUnknown() throws {
        let run = try Self.run(["answers": [["status": 503]]])
        Self.expectAll(run, "unknown") { _, detail in detail == "HTTP 503 after 3 attempts" }
    }

    @Test func timeoutIsUnknown() throws {
        let run = try Self.run(["answers": [["status": 200, "delay": 2, "body": #"{"ok": true}"#]]], timing: Self.timing.replacingOccurrences(of: "timeout=1", with: "timeout=0.3"))
        Self.expectAll(run, "unknown") { _, detail in detail == "timed out" }
    }

    @Test func redirectToAnotherHostIsNotFollowed() throws {
        let run = try Self.run(["answers": [["status": 302, "headers": ["Location": "http://localhost:1/stolen"]]]])
        Self.expectAll(run, "unknown") { _, detail in detail == "HTTP 302: redirect not followed" }
        #expect(!run.requests.contains { ($0["path"] as? String)?.contains("stolen") == true })
    }

    @Test func malformedAnswersAreUnknown() throws {
        let raw = try Self.run(["answers": [["raw": "this is not HTTP\r\n\r\n"]]])
        Self.expectAll(raw, "unknown")
        // A live status without the JSON field a validator reads is malformed for those validators.
        let html = try Self.run(Self.byHost { v in [["status": v.live[0], "body": "<html>maintenance</html>"]] })
        for rule in Self.validatorRules {
            let (status, detail) = html.verdicts[rule.id] ?? ("(none)", "")
            if rule.validator!.jsonField != nil {
                #expect(status == "unknown" && detail.hasPrefix("malformed answer"), "\(rule.id): \(status) (\(detail))")
            } else {
                #expect(status == "live", "\(rule.id): \(status) (\(detail))")
            }
        }
    }

    /// The scanner people run in hooks links no network code: `--validate` is handed to
    /// leakguard-validate (tested by every test here, which runs `leakguard`).
    @Test func theScannerLinksNoHTTPClient() throws {
        let scanner = try Data(contentsOf: URL(fileURLWithPath: TestSupport.binary))
        let validating = try Data(contentsOf: URL(fileURLWithPath: TestSupport.binary + "-validate"))
        let marker = Data("AsyncHTTPClient".utf8)
        #expect(scanner.range(of: marker) == nil)
        #expect(validating.range(of: marker) != nil)
    }

    @Test func noRequestWithoutValidate() throws {
        let run = try Self.run(Self.byHost { [Self.liveAnswer($0)] }, arguments: [])
        #expect(run.requests.isEmpty)
        #expect(run.verdicts.isEmpty)
        #expect(!run.output.stdout.contains("\"validation\""))
    }

    @Test func eachDistinctSecretIsAskedOnce() throws {
        let dir = TestSupport.makeTempDirectory("validate-once")
        defer { TestSupport.removeTree(dir) }
        let line = try TestSupport.fakeSecretLine(rule: "openai-project-key", seed: "once")
        for name in ["a.py", "b.py", "sub/c.py"] { TestSupport.write(line + "\n", to: "\(dir)/\(name)") }
        let run = try Self.run(["answers": [["status": 200]]], fixture: dir)
        #expect(run.requests.count == 1)
        let findings = try #require(TestSupport.parseJSON(run.output.stdout)["findings"] as? [[String: Any]])
        #expect(findings.filter { ($0["validation"] as? [String: Any])?["status"] as? String == "live" }.count == 3)
    }

    /// A URL in the scanned text that points elsewhere is never where the request goes.
    @Test func urlsInScannedTextDoNotChooseTheHost() throws {
        let dir = TestSupport.makeTempDirectory("validate-hostile")
        defer { TestSupport.removeTree(dir) }
        let webhook = try TestSupport.fakeSecretLine(rule: "slack-webhook-url", seed: "hostile")
        let path = try #require(webhook.firstRange(of: "hooks.slack.com/").map { webhook[$0.upperBound...] })
        TestSupport.write("NOTIFY=https://evil.example/hooks.slack.com/\(path)\n", to: "\(dir)/hook.env")
        let run = try Self.run(["answers": [["status": 400]]], fixture: dir)
        #expect(run.requests.count == 1)
        for request in run.requests {
            #expect((request["headers"] as? [String: String])?["x-leakguard-test-host"] == "hooks.slack.com")
            #expect((request["path"] as? String)?.hasPrefix("/services/") == true)
        }
    }

    @Test func backoffDelaysGrow() throws {
        let dir = TestSupport.makeTempDirectory("validate-backoff")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(try TestSupport.fakeSecretLine(rule: "openai-project-key", seed: "backoff") + "\n", to: "\(dir)/a.py")
        let run = try Self.run(["answers": [["status": 429], ["status": 429], ["status": 503], ["status": 200]]], fixture: dir,
                               timing: "timeout=2,base=0.1,cap=5,interval=0,attempts=4")
        let times = run.requests.compactMap { $0["t"] as? Double }
        try #require(times.count == 4, "\(run.output.stderr)")
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // Retry n waits a random time in [0.1·2ⁿ/2, 0.1·2ⁿ]: 0.05–0.1, 0.1–0.2, 0.2–0.4 s.
        #expect(gaps[0] >= 0.045 && gaps[1] >= 0.095 && gaps[2] >= 0.195, "\(gaps)")
        #expect(gaps[2] > gaps[0], "\(gaps)")
        #expect(run.output.stdout.contains("\"live\""))
    }

    @Test func retryAfterIsHonoured() throws {
        let dir = TestSupport.makeTempDirectory("validate-retry-after")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(try TestSupport.fakeSecretLine(rule: "groq-api-key", seed: "ra") + "\n", to: "\(dir)/a.py")
        let run = try Self.run(["answers": [["status": 429, "headers": ["Retry-After": "1"]], ["status": 200]]], fixture: dir,
                               timing: "timeout=2,base=0.01,interval=0,attempts=3")
        let times = run.requests.compactMap { $0["t"] as? Double }
        try #require(times.count == 2)
        #expect(times[1] - times[0] >= 0.95, "waited \(times[1] - times[0]) s after Retry-After: 1")
        // A Retry-After beyond the cap gives up instead of stalling.
        let long = try Self.run(["answers": [["status": 429, "headers": ["Retry-After": "3600"]]]], fixture: dir)
        #expect(long.requests.count == 1)
        #expect(long.output.stdout.contains("too long to wait"))
    }

    @Test func verdictInEveryFormat() throws {
        let dir = TestSupport.makeTempDirectory("validate-formats")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(try TestSupport.fakeSecretLine(rule: "npm-access-token", seed: "formats") + "\n", to: "\(dir)/.npmrc")
        let mock = try MockProvider(scenario: ["answers": [["status": 200]]])
        defer { mock.stop() }
        let env = ["LEAKGUARD_VALIDATE_TEST_BASE_URL": "http://127.0.0.1:\(mock.port)", "LEAKGUARD_VALIDATE_TEST_TIMING": Self.timing]
        let text = try TestSupport.leakguard(["scan", dir, "--validate"], environment: env)
        #expect(text.stdout.contains("[live (HTTP 200 from registry.npmjs.org)]"), "\(text.stdout)")
        let sarif = try TestSupport.leakguard(["scan", dir, "--validate", "--format", "sarif"], environment: env)
        #expect(sarif.stdout.contains("Validation: live (HTTP 200 from registry.npmjs.org)."))
        #expect(sarif.stdout.contains("\"validation\""))
        let junit = try TestSupport.leakguard(["scan", dir, "--validate", "--format", "junit"], environment: env)
        #expect(junit.stdout.contains("validation: live"))
        let html = try TestSupport.leakguard(["scan", dir, "--validate", "--format", "html"], environment: env)
        #expect(html.stdout.contains("<span class=\"badge v-live\""))
        let markdown = try TestSupport.leakguard(["scan", dir, "--validate", "--format", "markdown"], environment: env)
        #expect(markdown.stdout.contains("(validation: live (HTTP 200 from registry.npmjs.org))"))
    }

    @Test func nonLoopbackOverrideIsRefused() throws {
        let dir = TestSupport.makeTempDirectory("validate-refuse")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(try TestSupport.fakeSecretLine(rule: "npm-access-token", seed: "refuse") + "\n", to: "\(dir)/.npmrc")
        let out = try TestSupport.leakguard(["scan", dir, "--validate"],
                                            environment: ["LEAKGUARD_VALIDATE_TEST_BASE_URL": "http://validation.invalid:80"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("for leakguard's own tests"))
        let noValidate = try TestSupport.leakguard(["scan", dir, "--fail-on-live"])
        #expect(noValidate.status == 2, "--fail-on-live needs --validate")
    }

    @Test func rulesListShowsEachValidator() throws {
        let out = try TestSupport.leakguard(["rules", "list", "--format", "json"])
        let rules = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
        var withValidator = 0
        for rule in rules {
            if let v = rule["validator"] as? [String: Any] {
                withValidator += 1
                #expect(v["method"] is String && v["host"] is String)
            } else {
                #expect(rule["validator"] is NSNull, "\(rule["id"] ?? "?")")
            }
        }
        #expect(withValidator == Self.validatorRules.count)
    }

    @Test func readmeTableIsCurrent() throws {
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let table = RuleListing.validatorTable(try ConfigLoader.builtIn().rules)
        #expect(readme.contains(table), "README's validator table is stale: run scripts/generate-readme-validators")
    }
}

/// The mock provider (Tests/MockProvider/mock_provider.py) on a free loopback port.
final class MockProvider {
    let port: Int
    /// The detached server's pid, for stop().
    let pid: Int32
    let logPath: String

    init(scenario: [String: Any]) throws {
        logPath = NSTemporaryDirectory() + "leakguard-mock-\(UUID().uuidString.prefix(8)).log"
        let json = String(decoding: try JSONSerialization.data(withJSONObject: scenario), as: UTF8.self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestSupport.packageRoot.appendingPathComponent("Tests/MockProvider/mock_provider.py").path,
                             "--scenario", json, "--log", logPath, "--lifetime", "60"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        process.waitUntilExit()
        let fields = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2, let port = Int(fields[0]), let pid = Int32(fields[1]) else {
            throw TestFailure("mock provider did not start")
        }
        self.port = port
        self.pid = pid
    }

    /// The requests received so far, in arrival order.
    func requests() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func stop() {
        // SIGKILL: a test thread's signal mask, inherited by the server, may block SIGTERM.
        kill(pid, SIGKILL)
        try? FileManager.default.removeItem(atPath: logPath)
    }
}
