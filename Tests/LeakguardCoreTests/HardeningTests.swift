import Foundation
import Testing
@testable import LeakguardCore

/// Regression tests for issue 8's defects, through the binary: crashes, hangs, bypasses and
/// silent skips. Hang tests run the binary under `timeout`: exit 124 means it hung.
@Suite(.serialized) struct HardeningTests {
    /// Runs leakguard with a time limit (seconds); status 124 when the limit was hit.
    func leakguard(_ arguments: [String], limit: Int = 20, cwd: String? = nil) throws -> TestSupport.Output {
        try TestSupport.run("/usr/bin/timeout", ["-s", "KILL", String(limit), TestSupport.binary] + arguments, cwd: cwd)
    }

    @Test func secretGroupBeyondThePatternsGroupsIsAConfigError() throws {
        let dir = TestSupport.makeTempDirectory("group")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("""
            [[rules]]
            id = "too-many-groups"
            regex = '''token=([a-z]{8})'''
            secretGroup = 3
            keywords = ["token"]

            """, to: dir + "/.leakguard.toml")
        TestSupport.write(String(repeating: "token=abcdefgh token=(x) ", count: 50) + "\n", to: dir + "/a.txt")
        for _ in 0..<3 {
            let out = try leakguard(["scan", dir])
            #expect(out.status == 2, "exit \(out.status): \(out.stderr)")
            #expect(out.stderr.contains("too-many-groups") && out.stderr.contains("secretGroup"))
        }
        let check = try leakguard(["rules", "check", dir + "/.leakguard.toml"])
        #expect(check.status == 2)
    }

    /// `token` repeated in one long word: the word-start walk was quadratic (39 s at 800 KB,
    /// minutes at 5 MB). Linear now, so 5 MB takes well under the limit.
    @Test func manyKeywordsInOneLongWordIsLinear() throws {
        let dir = TestSupport.makeTempDirectory("quad")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(String(repeating: "token", count: 1_000_000) + "\n", to: dir + "/a.txt")
        TestSupport.write(String(repeating: "secret_token", count: 400_000) + "=x\n", to: dir + "/b.txt")
        let out = try leakguard(["scan", dir], limit: 60)
        #expect(out.status == 0, "exit \(out.status) (124: hung): \(out.stderr.prefix(300))")
    }

    @Test func fifosNeverBlock() throws {
        let dir = TestSupport.makeTempDirectory("fifo")
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["init", "-q"], cwd: dir)
        TestSupport.write("print('hi')\n", to: dir + "/app.py")
        for name in [".gitignore", "sub/.gitignore", ".git/info/exclude"] {
            try FileManager.default.createDirectory(atPath: (dir + "/" + name as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            unlink(dir + "/" + name)  // git init writes .git/info/exclude
            #expect(mkfifo(dir + "/" + name, 0o644) == 0)
            let out = try leakguard(["scan", dir])
            #expect(out.status == 0, "FIFO \(name): exit \(out.status) (124: hung) \(out.stderr)")
            unlink(dir + "/" + name)
        }
        for name in [".leakguard.toml", ".gitleaks.toml"] {
            #expect(mkfifo(dir + "/" + name, 0o644) == 0)
            let out = try leakguard(["scan", dir])
            #expect(out.status == 2, "FIFO \(name): exit \(out.status) (124: hung)")
            #expect(out.stderr.contains("not a regular file"))
            unlink(dir + "/" + name)
        }
        #expect(mkfifo(dir + "/pipe", 0o644) == 0)
        let named = try leakguard(["scan", dir + "/pipe"])
        #expect(named.status == 2, "a FIFO named on the command line: exit \(named.status)")
        #expect(named.stderr.contains("FIFO"))
        let inTree = try leakguard(["scan", "--format", "json", dir])
        #expect(inTree.status == 0)
        let skipped = try #require(TestSupport.parseJSON(inTree.stdout)["skipped"] as? [[String: Any]])
        #expect(skipped.contains { ($0["file"] as? String) == "pipe" && ($0["reason"] as? String) == "special" })
        let baseline = try leakguard(["scan", "--baseline", dir + "/pipe", dir + "/app.py"])
        #expect(baseline.status == 2)
    }

    @Test func fixRefusesASymlinkedGitignore() throws {
        let dir = TestSupport.makeTempDirectory("fixlink")
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["init", "-q"], cwd: dir)
        TestSupport.write("PRIVATE=do-not-copy\n", to: dir + "/../outside-\(UUID().uuidString).txt")
        let target = dir + "/../outside-target.txt"
        TestSupport.write("PRIVATE=do-not-copy\n", to: target)
        defer { try? FileManager.default.removeItem(atPath: target) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/.gitignore", withDestinationPath: target)
        TestSupport.write("API_KEY=1\n", to: dir + "/.env")
        let out = try leakguard(["scan", "--fix", dir])
        #expect(out.status == 2, "exit \(out.status): \(out.stderr)")
        #expect(out.stderr.contains("symbolic link"))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/.gitignore")
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink, "the link must be left alone")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "PRIVATE=do-not-copy\n")
        // A dangling link too.
        unlink(dir + "/.gitignore")
        try FileManager.default.createSymbolicLink(atPath: dir + "/.gitignore", withDestinationPath: dir + "/nowhere")
        let dangling = try leakguard(["scan", "--fix", dir])
        #expect(dangling.status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir + "/nowhere"))
    }

    @Test func controlCharactersAreEscapedInTheTextReport() throws {
        let dir = TestSupport.makeTempDirectory("ctrl")
        defer { TestSupport.removeTree(dir) }
        let line = try TestSupport.fakeSecretLine(rule: "github-personal-access-token", seed: "ctrl-\(UUID().uuidString)")
        TestSupport.write("x = 1 \u{1B}[2K\r\(line) \u{1B}]0;title\u{07}\n", to: dir + "/evil\u{1B}[31mname\r.txt")
        let out = try leakguard(["scan", dir])
        #expect(out.status == 1)
        #expect(!out.stdout.contains("\u{1B}"), "raw ESC in the report")
        #expect(!out.stdout.contains("\r"), "raw CR in the report")
        #expect(!out.stdout.contains("\u{07}"))
        #expect(out.stdout.contains("\\u{1B}"))
    }

    @Test func skippedFilesAppearInSARIFAndJUnit() throws {
        let dir = TestSupport.makeTempDirectory("skips")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(String(repeating: "a", count: 4096) + "\n", to: dir + "/big.txt")
        TestSupport.write("ok\n", to: dir + "/small.txt")
        let sarif = try leakguard(["scan", "--max-file-size", "1K", "--format", "sarif", dir])
        #expect(sarif.status == 0)
        let doc = try TestSupport.parseJSON(sarif.stdout)
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        let notes = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
        #expect(notes.contains { (($0["message"] as? [String: Any])?["text"] as? String)?.contains("big.txt") == true })
        let junit = try leakguard(["scan", "--max-file-size", "1K", "--format", "junit", dir])
        #expect(junit.stdout.contains("<skipped message=\"too large"), "\(junit.stdout)")
        #expect(junit.stdout.contains("big.txt"))
    }

    @Test func aDamagedPackReportsGitsCause() throws {
        let dir = TestSupport.makeTempDirectory("pack")
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["init", "-q"], cwd: dir)
        TestSupport.write("hello\n", to: dir + "/a.txt")
        try TestSupport.git(["add", "-A"], cwd: dir)
        try TestSupport.git(["commit", "-qm", "one"], cwd: dir)
        try TestSupport.git(["gc", "-q"], cwd: dir)
        let packs = try FileManager.default.contentsOfDirectory(atPath: dir + "/.git/objects/pack").filter { $0.hasSuffix(".pack") }
        let pack = dir + "/.git/objects/pack/" + (try #require(packs.first))
        chmod(pack, 0o644)
        #expect(truncate(pack, 200) == 0)
        let out = try leakguard(["scan", "--git", dir])
        #expect(out.status == 2)
        #expect(!out.stderr.contains("no commits yet"), "\(out.stderr)")
        #expect(out.stderr.contains("pack") || out.stderr.contains("bad object"), "\(out.stderr)")
    }

    /// A 50 MB one-line file: findings keep a window around the match, not the whole line (the
    /// text report of such a file peaked at 1.08 GB).
    @Test func hugeLinesKeepMemoryAndReportsBounded() throws {
        let dir = TestSupport.makeTempDirectory("huge")
        defer { TestSupport.removeTree(dir) }
        var body = ""
        for i in 0..<8 {
            let line = try TestSupport.fakeSecretLine(rule: "github-personal-access-token", seed: "huge-\(i)-\(UUID().uuidString)")
            body += String(repeating: "abc, ", count: 1_200_000) + line + " "
        }
        TestSupport.write(body + "\n", to: dir + "/min.js")
        for format in ["text", "json"] {
            let out = try TestSupport.run("/usr/bin/time", ["-f", "peak-kb=%M", TestSupport.binary, "scan", "--threads", "1",
                                                            "--max-file-size", "64M", "--format", format, dir])
            #expect(out.status == 1)
            #expect(out.stdout.utf8.count < 30_000, "\(format) report is \(out.stdout.utf8.count) bytes")
            let peak = out.stderr.split(separator: "\n").last { $0.hasPrefix("peak-kb=") }.flatMap { Int($0.dropFirst(8)) } ?? Int.max
            #expect(peak < 300_000, "\(format): peak \(peak) KB for a 48 MB line")
        }
    }

    @Test func utf16AndUTF32TextIsScanned() throws {
        let dir = TestSupport.makeTempDirectory("utf16")
        defer { TestSupport.removeTree(dir) }
        let line = try TestSupport.fakeSecretLine(rule: "github-personal-access-token", seed: "u16-\(UUID().uuidString)")
        let text = "# é notes\r\n\(line)\r\n"
        var le: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { le += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        TestSupport.write(bytes: le, to: dir + "/bom.ps1")
        var be: [UInt8] = []
        for unit in text.utf16 { be += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        TestSupport.write(bytes: be, to: dir + "/nobom.txt")
        var le32: [UInt8] = [0xFF, 0xFE, 0, 0]
        for s in text.unicodeScalars { let v = s.value; le32 += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
        TestSupport.write(bytes: le32, to: dir + "/wide.txt")
        let out = try leakguard(["scan", "--format", "json", dir])
        #expect(out.status == 1)
        let findings = try #require(TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        let column = Array(line.unicodeScalars).count - Array(line.unicodeScalars).drop { $0 != "g" }.count + 1
        for file in ["bom.ps1", "nobom.txt", "wide.txt"] {
            let f = findings.first { ($0["file"] as? String) == file }
            #expect(f != nil, "no finding in \(file)")
            #expect(f?["line"] as? Int == 2)
            #expect(f?["column"] as? Int == column)
        }
    }

    /// A pull request that adds an allow-everything config must not pass the range gate.
    @Test func aRangeCannotSilenceItsOwnGate() throws {
        let dir = TestSupport.makeTempDirectory("gate")
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["init", "-q", "-b", "main"], cwd: dir)
        TestSupport.write("# app\n", to: dir + "/README.md")
        try TestSupport.git(["add", "-A"], cwd: dir)
        try TestSupport.git(["commit", "-qm", "base"], cwd: dir)
        let line = try TestSupport.fakeSecretLine(rule: "github-personal-access-token", seed: "gate-\(UUID().uuidString)")
        TestSupport.write(line + "\n", to: dir + "/leak.txt")
        TestSupport.write("[[allowlists]]\nregexes = ['''.*''']\n", to: dir + "/.leakguard.toml")
        TestSupport.write("leak.txt:github-personal-access-token:1\n", to: dir + "/.gitleaksignore")
        try TestSupport.git(["add", "-A"], cwd: dir)
        try TestSupport.git(["commit", "-qm", "pr"], cwd: dir)
        let gated = try leakguard(["scan", "--range", "HEAD~1..HEAD", "--format", "json", dir])
        #expect(gated.status == 1, "\(gated.stdout) \(gated.stderr)")
        let rules = (try TestSupport.parseJSON(gated.stdout)["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(rules.contains("github-personal-access-token"))
        #expect(rules.filter { $0 == "config-changed" }.count == 2, "\(rules)")
        let head = try leakguard(["scan", "--range", "HEAD~1..HEAD", "--config-from", "head", dir])
        #expect(head.status == 0, "--config-from head applies the change: \(head.stdout)")
    }
}
