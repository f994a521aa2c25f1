import Foundation
import Testing
@testable import LeakguardCore

/// The command-line habits users expect, each through the real binary.
@Suite struct CLIConventionTests {
    /// A directory with one fake key in `app/config.txt` and one in `vendor/lib.txt`.
    static func tree() throws -> String {
        let dir = TestSupport.makeTempDirectory("conventions")
        TestSupport.write(try FakeKeys.line("conv-app") + "\n", to: dir + "/app/config.txt")
        TestSupport.write(try FakeKeys.line("conv-vendor") + "\n", to: dir + "/vendor/lib.txt")
        return dir
    }

    static func files(_ json: String) throws -> [String] {
        let doc = try TestSupport.parseJSON(json)
        return (doc["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
    }

    @Test func quietPrintsOnlyTheReport() throws {
        let dir = try Self.tree()
        defer { TestSupport.removeTree(dir) }
        let loud = try TestSupport.leakguard(["scan", "--format", "json", "--report-path", dir + "/r.json", dir])
        #expect(loud.stderr.contains("findings"), "the summary line goes to stderr: \(loud.stderr)")
        let quiet = try TestSupport.leakguard(["scan", "-q", "--format", "json", "--report-path", dir + "/r.json", dir])
        #expect(quiet.status == 1)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    @Test func verboseListsSkippedFilesWithReasonsAndTimings() throws {
        let dir = try Self.tree()
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(bytes: [0x7F, 0x45, 0x4C, 0x46, 0, 0, 1, 2, 0, 0], to: dir + "/tool.bin")
        let text = try TestSupport.leakguard(["scan", "-v", dir])
        #expect(text.stdout.contains("skipped: tool.bin (binary"), "\(text.stdout)")
        #expect(text.stderr.contains("secret rules; scan "), "\(text.stderr)")
        let json = try TestSupport.leakguard(["scan", "--verbose", "--format", "json", dir])
        #expect(json.stderr.contains("skipped tool.bin (binary"), "\(json.stderr)")
        let both = try TestSupport.leakguard(["scan", "-v", "-q", dir])
        #expect(both.status == 2)
    }

    @Test func enableDisableAndExcludeChooseRulesAndPaths() throws {
        let dir = try Self.tree()
        defer { TestSupport.removeTree(dir) }
        let all = try TestSupport.leakguard(["scan", "--format", "json", dir])
        #expect(try Self.files(all.stdout).contains("vendor/lib.txt"))
        let excluded = try TestSupport.leakguard(["scan", "--format", "json", "--exclude", "vendor", dir])
        #expect(try !Self.files(excluded.stdout).contains("vendor/lib.txt"))
        #expect(try Self.files(excluded.stdout).contains("app/config.txt"))
        let globbed = try TestSupport.leakguard(["scan", "--format", "json", "--exclude", "**/*.txt", dir])
        #expect(try Self.files(globbed.stdout).isEmpty, "\(globbed.stdout)")
        #expect(globbed.status == 0)

        let disabled = try TestSupport.leakguard(["scan", "--format", "json", "--disable-rule", FakeKeys.ruleID, dir])
        let doc = try TestSupport.parseJSON(disabled.stdout)
        let rules = (doc["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(!rules.contains(FakeKeys.ruleID))
        let only = try TestSupport.leakguard(["scan", "--format", "json", "--enable-rule", FakeKeys.ruleID, dir])
        let onlyRules = Set((try TestSupport.parseJSON(only.stdout)["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String })
        #expect(onlyRules == [FakeKeys.ruleID])

        let typo = try TestSupport.leakguard(["scan", "--disable-rule", String(FakeKeys.ruleID.dropLast()), dir])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean '\(FakeKeys.ruleID)'"), "\(typo.stderr)")
        #expect(!typo.stderr.contains("--config"), "a flag's typo is not fixed with --config")
    }

    @Test func aMistypedSubcommandIsNotTakenAsAPath() throws {
        let dir = TestSupport.makeTempDirectory("typo")
        defer { TestSupport.removeTree(dir) }
        let scna = try TestSupport.leakguard(["scna"], cwd: dir)
        #expect(scna.status == 2)
        #expect(scna.stderr.contains("did you mean 'scan'"), "\(scna.stderr)")
        let nested = try TestSupport.leakguard(["rules", "lsit"], cwd: dir)
        #expect(nested.status == 2)
        #expect(nested.stderr.contains("did you mean 'leakguard rules list'"), "\(nested.stderr)")
        // A directory of that name is still scanned.
        TestSupport.write("hello\n", to: dir + "/scna/a.txt")
        #expect(try TestSupport.leakguard(["scna"], cwd: dir).status == 0)
    }

    @Test(arguments: [
        (["--redact", "0"], "1 to 100"), (["--redact", "101"], "1 to 100"),
        (["--threads", "0"], "1 to 1024"), (["--max-file-size", "ten"], "not a size"),
        (["--exclude", ""], "needs a glob"),
    ])
    func numericAndListOptionsAreValidated(arguments: [String], message: String) throws {
        let out = try TestSupport.leakguard(["scan"] + arguments + ["."])
        #expect(out.status == 2)
        #expect(out.stderr.contains(message), "\(out.stderr)")
    }

    @Test func junitFailsOnlyAtOrAboveFailOn() throws {
        let dir = TestSupport.makeTempDirectory("junit-failon")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write(try FakeKeys.line("junit") + "\n", to: dir + "/config.txt")
        let config = "[extend]\nuseDefault = true\n[[rules]]\nid = \"hello-note\"\nregex = 'hello-world-marker'\nkeywords = [\"hello-world-marker\"]\nseverity = \"note\"\n"
        TestSupport.write(config, to: dir + "/.leakguard.toml")
        TestSupport.write("hello-world-marker\n", to: dir + "/notes.txt")
        let out = try TestSupport.leakguard(["scan", "--format", "junit", "--fail-on", "warning", dir])
        #expect(out.status == 1)
        #expect(out.stdout.contains("failures=\"1\""), "\(out.stdout)")
        #expect(out.stdout.contains("<system-out>below --fail-on warning"), "\(out.stdout)")
        let onlyNotes = try TestSupport.leakguard(["scan", "--format", "junit", "--fail-on", "error", "--disable-rule", FakeKeys.ruleID, dir])
        #expect(onlyNotes.status == 0)
        #expect(onlyNotes.stdout.contains("failures=\"0\""), "exit 0 and no failures agree: \(onlyNotes.stdout)")
    }

    @Test func theTextReportToAFileStillSummarisesOnStderr() throws {
        let dir = try Self.tree()
        defer { TestSupport.removeTree(dir) }
        let out = try TestSupport.leakguard(["scan", "--report-path", dir + "/report.txt", dir + "/app"])
        #expect(out.status == 1)
        #expect(out.stdout.isEmpty)
        #expect(out.stderr.contains("1 finding"), "\(out.stderr)")
    }

    @Test func completionScriptsAndTheManPageExist() throws {
        for shell in ["bash", "zsh", "fish"] {
            let out = try TestSupport.leakguard(["--generate-completion-script", shell])
            #expect(out.status == 0)
            #expect(out.stdout.contains("enable-rule"), "\(shell) completion lacks the new flags")
        }
        // docs/leakguard.1 is generated (make man) and stamped with the help it came from.
        let man = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("docs/leakguard.1"), encoding: .utf8)
        let dump = try TestSupport.leakguard(["--experimental-dump-help"])
        let hash = try TestSupport.run("/usr/bin/env", ["python3", "-c", "import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"], stdin: dump.stdout)
        #expect(man.hasPrefix(".\\\" help-sha256: \(hash.stdout.trimmingCharacters(in: .whitespacesAndNewlines))"),
                "docs/leakguard.1 is stale: run `make man`")
    }

    @Test func fixOnATrackedDotenvSaysWhatToRun() throws {
        let repo = try GitTestRepo("fix-tracked")
        defer { repo.remove() }
        repo.write("API_URL=https://example.com\n", to: ".env")
        try repo.commit("add env")
        repo.write(".env\n", to: ".gitignore")
        try repo.commit("ignore it, too late")
        let out = try TestSupport.leakguard(["scan", "--fix", repo.path])
        #expect(out.stderr.contains("git rm --cached .env"), "\(out.stderr)")
        #expect(!out.stderr.contains("nothing to change"))
    }

    @Test func aShallowCloneWarnsUnderGit() throws {
        let origin = try GitTestRepo("shallow-origin")
        defer { origin.remove() }
        for i in 0..<3 { origin.write("v\(i)\n", to: "a.txt"); try origin.commit("c\(i)") }
        let clone = TestSupport.makeTempDirectory("shallow-clone")
        defer { TestSupport.removeTree(clone) }
        try TestSupport.git(["clone", "-q", "--depth", "1", "file://" + origin.path, clone + "/r"], cwd: clone)
        let out = try TestSupport.leakguard(["scan", "--git", clone + "/r"])
        #expect(out.stderr.contains("shallow"), "\(out.stderr)")
        #expect(out.stderr.contains("git fetch --unshallow"))
    }

    @Test func aBadRangeShowsTheRange() throws {
        let repo = try GitTestRepo("bad-range")
        defer { repo.remove() }
        repo.write("a\n", to: "a.txt")
        try repo.commit("a")
        let out = try TestSupport.leakguard(["scan", "--range", "nosuchbranch..HEAD", repo.path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("nosuchbranch..HEAD"), "\(out.stderr)")
    }

    @Test func markdownIsATableWithoutSecrets() throws {
        let dir = try Self.tree()
        defer { TestSupport.removeTree(dir) }
        let out = try TestSupport.leakguard(["scan", "--format", "markdown", "--no-redact", dir + "/app"])
        #expect(out.stdout.contains("| Severity | Rule | Location | Message |"))
        #expect(out.stdout.contains("`config.txt:1`"))
        let secret = try FakeKeys.line("conv-app")
        #expect(!out.stdout.contains(String(secret.suffix(12))), "the table never holds the secret")
    }

    /// `scan --help`, pinned: four sections, each short enough for one 24-line screen.
    @Test func scanHelpFitsOneScreenPerSection() throws {
        let out = try TestSupport.leakguard(["scan", "--help"], environment: ["COLUMNS": "80"])
        #expect(out.status == 0)
        var sections: [String: Int] = [:]
        var current = ""
        for line in out.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), line.hasSuffix(":") { current = String(line); sections[current] = 0 } else if !current.isEmpty, !line.isEmpty { sections[current, default: 0] += 1 }
        }
        #expect(Set(sections.keys) == ["WHAT TO SCAN:", "RULES AND FILES:", "OUTPUT:", "OPTIONS:"], "\(sections)")
        for (title, lines) in sections { #expect(lines <= 22, "\(title) has \(lines) lines") }
        let golden = TestSupport.packageRoot.appendingPathComponent("Tests/golden/scan-help.txt")
        let pinned = try String(contentsOf: golden, encoding: .utf8)
        #expect(out.stdout == pinned, "scan --help changed; if on purpose: leakguard scan --help > \(golden.path) (COLUMNS=80)")
    }
}
