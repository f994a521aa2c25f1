import Foundation
import Testing
@testable import LeakguardCore

/// Issue 8's redaction matrix: every check, two and three secrets on a line, every private key
/// container, every format, every mode, stdout and --report-path: no planted value, and no
/// 12-character piece of any key body, appears in any output.
@Suite(.serialized) struct RedactionMatrixTests {
    struct Fixture {
        var dir: String
        /// Every value that must never be printed, and the random bodies of which no
        /// 12-character piece may be printed (a format's fixed prefix is public).
        var planted: [String]
        var bodies: [String]
    }

    /// A repository whose first commit is clean and whose second adds every kind of secret
    /// (staged first, so the same content serves --staged, then committed for --git/--range).
    static func makeFixture() throws -> Fixture {
        var keys = RandomKeys()
        let dir = TestSupport.makeTempDirectory("redact")
        try TestSupport.git(["init", "-q", "-b", "main"], cwd: dir)
        TestSupport.write("# app\n", to: dir + "/README.md")
        try TestSupport.git(["add", "-A"], cwd: dir)
        try TestSupport.git(["commit", "-qm", "init"], cwd: dir)

        var planted: [String] = []
        var bodies: [String] = []
        func plant(_ v: String) -> String {
            planted.append(v)
            var body = Substring(v)
            for prefix in ["sk-ant-api03-", "sk-proj-", "ghp_", "AKIA"] where body.hasPrefix(prefix) { body = body.dropFirst(prefix.count) }
            bodies.append(String(body))
            return v
        }
        // Two and three secrets on one line, in config and shell form.
        let id = plant(keys.awsKeyID()), secret = plant(keys.awsSecret()), gh = plant(keys.githubToken())
        TestSupport.write("""
            [default]
            aws_access_key_id=\(id) aws_secret_access_key=\(secret)
            export GITHUB_TOKEN=\(gh) AWS_KEY=\(plant(keys.awsKeyID())) OPENAI_API_KEY=\(plant(keys.openAIKey()))

            """, to: dir + "/deploy/credentials.ini")
        // Every PEM container; bodies are the secret.
        var pemText = ""
        for (label, size, headers) in [("RSA PRIVATE KEY", 600, []), ("EC PRIVATE KEY", 160, []),
                                       ("DSA PRIVATE KEY", 400, []), ("PRIVATE KEY", 64, []),
                                       ("ENCRYPTED PRIVATE KEY", 300, []), ("OPENSSH PRIVATE KEY", 300, []),
                                       ("PGP PRIVATE KEY BLOCK", 500, ["Version: test"]),
                                       ("RSA PRIVATE KEY", 600, ["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,0011223344556677"])] as [(String, Int, [String])] {
            let block = keys.pem(label, bytes: size, headers: headers)
            planted += block.body; bodies += block.body
            pemText += block.text + "\n\n"
        }
        TestSupport.write(pemText, to: dir + "/keys/all.pem")
        let puttyBody = [keys.string(RandomKeys.base64, 64), keys.string(RandomKeys.base64, 44)]
        planted += puttyBody; bodies += puttyBody
        TestSupport.write("""
            PuTTY-User-Key-File-2: ssh-rsa
            Encryption: none
            Comment: test
            Public-Lines: 1
            \(keys.string(RandomKeys.base64, 64))
            Private-Lines: 2
            \(puttyBody[0])
            \(puttyBody[1])
            Private-MAC: \(keys.string(Array("0123456789abcdef"), 40))

            """, to: dir + "/keys/id.ppk")
        // The AI rules: a hard-coded key on the call line, and a call without backoff on a line
        // that also holds a key; the same in a notebook.
        let aiKey = plant(keys.anthropicKey())
        let inline = plant(keys.openAIKey())
        TestSupport.write("""
            import anthropic
            import openai

            client = anthropic.Anthropic(api_key="\(aiKey)", max_retries=0)
            def ask(q):
                return client.messages.create(model="claude-3-5-sonnet-latest", max_tokens=64, messages=[{"role": "user", "content": q}])

            def other(q):
                return openai.OpenAI(api_key="\(inline)", max_retries=0).chat.completions.create(model="gpt-4o", messages=[])

            """, to: dir + "/app/llm.py")
        let nbKey = plant(keys.openAIKey())
        let cell = "import openai\\n\", \"client = openai.OpenAI(api_key=\\\"\(nbKey)\\\", max_retries=0)\\n\", \"client.chat.completions.create(model=\\\"gpt-4o\\\", messages=[])"
        TestSupport.write("""
            {"cells": [{"cell_type": "code", "metadata": {}, "source": ["\(cell)"], "outputs": [], "execution_count": null}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

            """, to: dir + "/notebooks/demo.ipynb")
        // A committed .env with a key in it.
        TestSupport.write("OPENAI_API_KEY=\(plant(keys.openAIKey()))\n", to: dir + "/.env")
        try TestSupport.git(["add", "-A"], cwd: dir)
        return Fixture(dir: dir, planted: planted, bodies: bodies)
    }

    /// Every 12-character piece of every planted value that the output holds.
    static func leaks(_ output: String, _ planted: [String], bodies: [String]) -> [String] {
        var found: [String] = []
        for value in planted where output.contains(value) { found.append("whole value \(value.prefix(6))…") }
        for value in bodies {
            let chars = Array(value)
            guard chars.count >= 12 else { continue }
            for i in 0...(chars.count - 12) {
                let piece = String(chars[i..<(i + 12)])
                if output.contains(piece) { found.append("piece \(piece)"); break }
            }
        }
        return found
    }

    @Test func noSecretInAnyFormatModeOrDestination() throws {
        let fixture = try Self.makeFixture()
        defer { TestSupport.removeTree(fixture.dir) }
        let dir = fixture.dir
        // Staged before commit; the others after.
        var runs: [(label: String, args: [String])] = []
        for format in ["text", "json", "sarif", "junit", "markdown"] {
            runs.append(("staged/\(format)", ["scan", "--staged", "--whole-files", "--format", format, dir]))
        }
        var outputs: [(String, String)] = []
        func collect(_ label: String, _ args: [String]) throws {
            let out = try TestSupport.leakguard(args, cwd: dir)
            #expect(out.status == 1, "\(label) should find secrets (exit \(out.status)): \(out.stderr.prefix(400))")
            outputs.append((label, out.stdout + out.stderr))
            if let i = args.firstIndex(of: "--report-path") {
                let file = try String(contentsOfFile: args[i + 1], encoding: .utf8)
                outputs.append((label + " (file)", file))
            }
        }
        for run in runs { try collect(run.label, run.args) }
        try TestSupport.git(["commit", "-qm", "add secrets"], cwd: dir)
        for format in ["text", "json", "sarif", "junit", "markdown"] {
            try collect("tree/\(format)", ["scan", "--format", format, dir])
            try collect("tree/\(format)/redact100", ["scan", "--redact", "100", "--format", format, dir])
            try collect("git/\(format)", ["scan", "--git", "--format", format, dir])
            try collect("range/\(format)", ["scan", "--range", "HEAD~1..HEAD", "--format", format, dir])
            let report = dir + "/../report-\(UUID().uuidString).\(format)"
            try collect("tree/\(format)/report-path", ["scan", "--format", format, "--report-path", report, dir])
            try? FileManager.default.removeItem(atPath: report)
        }
        // A terminal: colour codes and all.
        let tty = try TestSupport.run("/usr/bin/script", ["-qec", "\(TestSupport.binary) scan \(dir)", "/dev/null"],
                                      environment: ["NO_COLOR": ""])
        outputs.append(("tree/text/tty", tty.stdout))
        #expect(tty.stdout.contains("aws-access-key-id"), "the TTY run must show findings: \(tty.stdout.prefix(300))")

        for (label, text) in outputs {
            let leaked = Self.leaks(text, fixture.planted, bodies: fixture.bodies)
            #expect(leaked.isEmpty, "\(label) printed secret material: \(leaked.prefix(3))")
        }
        // Every check took part.
        let all = outputs.map(\.1).joined()
        for rule in ["aws-access-key-id", "aws-secret-access-key", "github-personal-access-token", "private-key-rsa",
                     "private-key-ec", "private-key-openssh", "private-key-pkcs8", "private-key-pgp", "private-key-putty",
                     "ai-key-hardcoded", "ai-backoff-missing", "dotenv-tracked"] {
            #expect(all.contains(rule), "no \(rule) finding in the matrix")
        }
        // With --no-redact the values are there: the matrix would see a leak if redaction failed.
        let raw = try TestSupport.leakguard(["scan", "--no-redact", dir])
        #expect(!Self.leaks(raw.stdout, fixture.planted, bodies: fixture.bodies).isEmpty)
    }

    /// The output guard catches what a renderer would leak: a reporter that prints secrets raw.
    @Test func outputGuardCatchesALeakyRenderer() throws {
        var keys = RandomKeys()
        let secret = keys.githubToken()
        let finding = Finding(ruleID: "github-personal-access-token", category: .secret, severity: .error,
                              message: "token", path: "a.txt", line: 1, column: 1, endLine: 1, endColumn: 41,
                              secret: secret, lineText: "token=\(secret)")
        var report = ScanReport()
        report.findings = [finding]
        struct LeakyReporter: Reporter {
            let raw: String
            func render(_ report: ScanReport, context: ReportContext) -> String { "leaked: \(raw) and message \(report.findings[0].message)" }
        }
        let (prepared, outputGuard) = Redactor(redaction: .prefix).prepare(report)
        let rendered = LeakyReporter(raw: secret).render(prepared, context: ReportContext())
        #expect(rendered.contains(secret), "the leaky reporter must leak for this test to mean anything")
        let guarded = outputGuard.scrub(rendered)
        #expect(!guarded.contains(secret))
        #expect(guarded.contains("ghp_…"))
    }
}
