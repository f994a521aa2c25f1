import Foundation
import Testing
@testable import LeakguardCore

/// A throwaway git repository made with the real git (fixed identity, no user config), and the
/// real leakguard binary run inside it.
struct GitTestRepo {
    let path: String
    /// Commit dates advance by an hour per commit, so history order is the order of creation.
    private let clock = Counter()

    final class Counter: @unchecked Sendable { var value = 0 }

    init(_ label: String, bare: Bool = false) throws {
        path = TestSupport.makeTempDirectory(label)
        try TestSupport.git(["init", "-q", "-b", "main"] + (bare ? ["--bare"] : []), cwd: path)
    }

    init(existing path: String) { self.path = path }

    func remove() { TestSupport.removeTree(path) }

    @discardableResult
    func git(_ arguments: String..., environment: [String: String] = [:]) throws -> TestSupport.Output {
        try TestSupport.git(arguments, cwd: path, environment: environment)
    }

    func write(_ text: String, to relative: String) { TestSupport.write(text, to: path + "/" + relative) }

    func read(_ relative: String) -> String? { try? String(contentsOfFile: path + "/" + relative, encoding: .utf8) }

    /// Commits what is staged (after `git add -A` when `all`); returns the new commit's id.
    @discardableResult
    func commit(_ message: String, all: Bool = true, author: String = "Test Author", email: String = "author@example.com",
                extra: [String] = []) throws -> String {
        if all { try git("add", "-A") }
        clock.value += 1
        let date = "\(1_700_000_000 + clock.value * 3600) +0000"
        try TestSupport.git(["commit", "-q", "--allow-empty", "--no-verify", "-m", message] + extra, cwd: path, environment: [
            "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
        ])
        return try git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs leakguard here.
    func leakguard(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> TestSupport.Output {
        try TestSupport.leakguard(arguments, cwd: cwd ?? path, environment: environment)
    }

    /// Runs a scan with JSON output and returns (exit status, findings, summary).
    func scan(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws
        -> (status: Int32, findings: [[String: Any]], summary: [String: Any], output: TestSupport.Output) {
        let out = try leakguard(["scan"] + arguments + ["--format", "json"], cwd: cwd, environment: environment)
        guard out.status != 2 else { throw TestFailure("leakguard failed: \(out.stderr)") }
        let json = try TestSupport.parseJSON(out.stdout)
        return (out.status, json["findings"] as? [[String: Any]] ?? [], json["summary"] as? [String: Any] ?? [:], out)
    }
}

/// Fake keys from a rule's example template (never a real-looking literal in the sources).
enum FakeKeys {
    static let ruleID: String = {
        let config = try! ConfigLoader.builtIn()
        for id in ["github-pat-classic", "anthropic-api-key", "openai-project-key"]
        where config.rules.contains(where: { $0.id == id && !$0.examples.isEmpty }) { return id }
        fatalError("no built-in rule to make fake keys with")
    }()

    static func line(_ seed: String) throws -> String {
        try TestSupport.fakeSecretLine(rule: ruleID, seed: seed)
    }
}

extension Array where Element == [String: Any] {
    /// Findings of the fake-key rule only (generic rules may add their own).
    var fake: [[String: Any]] { filter { $0["rule"] as? String == FakeKeys.ruleID } }
}

@Suite struct GitStagedScanTests {
    @Test func scansTheIndexNotTheWorkingTree() throws {
        let repo = try GitTestRepo("staged-index")
        defer { repo.remove() }
        repo.write("hello\n", to: "app.txt")
        try repo.commit("start")

        // Staged, then removed from the working file: still what would be committed.
        repo.write("hello\n" + (try FakeKeys.line("index")) + "\n", to: "app.txt")
        try repo.git("add", "app.txt")
        repo.write("hello\n", to: "app.txt")
        let staged = try repo.scan(["--staged"])
        #expect(staged.status == 1)
        #expect(staged.findings.fake.count == 1)
        #expect(staged.findings.fake.first?["file"] as? String == "app.txt")
        #expect(staged.findings.fake.first?["line"] as? Int == 2)

        // Only in the working tree, not staged: not reported.
        try repo.git("reset", "-q")
        repo.write("hello\n" + (try FakeKeys.line("worktree")) + "\n", to: "app.txt")
        repo.write(try FakeKeys.line("untracked") + "\n", to: "untracked.txt")
        let unstaged = try repo.scan(["--staged"])
        #expect(unstaged.status == 0)
        #expect(unstaged.findings.isEmpty)
    }

    @Test func reportsOnlyAddedLinesUnlessWholeFiles() throws {
        let repo = try GitTestRepo("staged-lines")
        defer { repo.remove() }
        let legacy = try FakeKeys.line("legacy")
        repo.write("one\n\(legacy)\nthree\n", to: "config.txt")
        try repo.commit("legacy secret")

        repo.write("one\n\(legacy)\nthree\nfour\n", to: "config.txt")
        try repo.git("add", "config.txt")
        #expect(try repo.scan(["--staged"]).status == 0)
        let whole = try repo.scan(["--staged", "--whole-files"])
        #expect(whole.status == 1)
        #expect(whole.findings.fake.map { $0["line"] as? Int } == [2])

        let added = try FakeKeys.line("added")
        repo.write("zero\none\n\(legacy)\nthree\nfour\n\(added)\n", to: "config.txt")
        try repo.git("add", "config.txt")
        let result = try repo.scan(["--staged"])
        #expect(result.status == 1)
        #expect(result.findings.fake.map { $0["line"] as? Int } == [6])

        // A user's diff.interHunkContext must not turn the legacy line between two edits into an added one.
        try repo.git("config", "diff.interHunkContext", "10")
        let fused = try repo.scan(["--staged"])
        #expect(fused.findings.fake.map { $0["line"] as? Int } == [6])
    }

    @Test func firstCommitOfAnEmptyRepository() throws {
        let repo = try GitTestRepo("staged-empty")
        defer { repo.remove() }
        #expect(try repo.scan(["--staged"]).status == 0)
        repo.write("a\n" + (try FakeKeys.line("first")) + "\n", to: "src/first.txt")
        try repo.git("add", "-A")
        let result = try repo.scan(["--staged"])
        #expect(result.status == 1)
        #expect(result.findings.fake.first?["file"] as? String == "src/first.txt")
        #expect(result.findings.fake.first?["line"] as? Int == 2)
    }

    @Test func renamesReportOnlyWhatTheyAdd() throws {
        let repo = try GitTestRepo("staged-rename")
        defer { repo.remove() }
        let legacy = try FakeKeys.line("rename-legacy")
        let body = (1...20).map { "line \($0) of a file long enough for rename detection" }.joined(separator: "\n")
        repo.write("\(legacy)\n\(body)\n", to: "old name.txt")
        try repo.commit("start")

        try repo.git("mv", "old name.txt", "new name.txt")
        #expect(try repo.scan(["--staged"]).status == 0)

        let added = try FakeKeys.line("rename-added")
        repo.write("\(legacy)\n\(body)\n\(added)\n", to: "new name.txt")
        try repo.git("add", "-A")
        let result = try repo.scan(["--staged"])
        #expect(result.status == 1)
        #expect(result.findings.fake.count == 1)
        #expect(result.findings.fake.first?["file"] as? String == "new name.txt")
        #expect(result.findings.fake.first?["line"] as? Int == 22)
    }

    @Test func deletionsAndBinaryFilesAreNotScanned() throws {
        let repo = try GitTestRepo("staged-binary")
        defer { repo.remove() }
        repo.write(try FakeKeys.line("deleted") + "\n", to: "gone.txt")
        try repo.commit("start")
        try repo.git("rm", "-q", "gone.txt")
        #expect(try repo.scan(["--staged"]).status == 0)

        TestSupport.write(bytes: [0x89, 0x50, 0x4E, 0x47, 0, 0, 0] + Array((try FakeKeys.line("binary") + "\n").utf8),
                          to: repo.path + "/image.png")
        try repo.git("add", "image.png")
        let result = try repo.scan(["--staged"])
        #expect(result.status == 0)
        #expect(result.summary["skipped"] as? Int == 1)
    }

    @Test func oddFileNames() throws {
        let repo = try GitTestRepo("staged-names")
        defer { repo.remove() }
        let names = ["dir with spaces/file name.txt", "new\nline.txt", "ünïcödé/日本.txt", "-dash.txt", "quote\"d.txt"]
        for (i, name) in names.enumerated() { repo.write(try FakeKeys.line("name\(i)") + "\n", to: name) }
        try repo.git("add", "-A")
        let result = try repo.scan(["--staged"])
        #expect(result.status == 1)
        #expect(Set(result.findings.fake.compactMap { $0["file"] as? String }) == Set(names))
    }

    @Test func submodulesAreSkippedWithANote() throws {
        let repo = try GitTestRepo("staged-submodule")
        defer { repo.remove() }
        let head = try repo.commit("start")
        try repo.git("update-index", "--add", "--cacheinfo", "160000,\(head),vendor/lib")
        let result = try repo.scan(["--staged"])
        #expect(result.status == 0)
        #expect(result.output.stderr.contains("vendor/lib: submodule skipped"))
    }

    @Test func linkedWorktreesUseTheirOwnIndex() throws {
        let repo = try GitTestRepo("staged-worktree")
        defer { repo.remove() }
        try repo.commit("start")
        let worktree = repo.path + "-wt"
        defer { TestSupport.removeTree(worktree) }
        try repo.git("worktree", "add", "-q", worktree)
        TestSupport.write(try FakeKeys.line("worktree") + "\n", to: worktree + "/wt.txt")
        try TestSupport.git(["add", "wt.txt"], cwd: worktree)
        let inWorktree = try repo.scan(["--staged"], cwd: worktree)
        #expect(inWorktree.status == 1)
        #expect(inWorktree.findings.fake.first?["file"] as? String == "wt.txt")
        #expect(try repo.scan(["--staged"]).status == 0)
    }

    @Test func honoursTheConfigAndIgnoreFileAtTheRepositoryRoot() throws {
        let repo = try GitTestRepo("staged-config")
        defer { repo.remove() }
        try repo.commit("start")
        repo.write(try FakeKeys.line("config") + "\n", to: "sub/dir/key.txt")
        try repo.git("add", "-A")
        let sub = repo.path + "/sub/dir"
        #expect(try repo.scan(["--staged"], cwd: sub).status == 1)

        repo.write("[extend]\ndisabledRules = [\"\(FakeKeys.ruleID)\"]\n", to: ".leakguard.toml")
        #expect(try repo.scan(["--staged"], cwd: sub).findings.fake.isEmpty)
        try FileManager.default.removeItem(atPath: repo.path + "/.leakguard.toml")

        repo.write("sub/dir/key.txt:\(FakeKeys.ruleID):1\n", to: ".gitleaksignore")
        #expect(try repo.scan(["--staged"], cwd: sub).findings.fake.isEmpty)

        // leakguard's own files are not scanned, as in the tree scan (a config may quote keys).
        repo.write("# for example: \(try FakeKeys.line("in-config"))\n", to: ".leakguard.toml")
        try repo.git("add", "-A")
        #expect(try repo.scan(["--staged", "--whole-files"]).findings.fake.isEmpty)
        try repo.git("rm", "-q", "--cached", "sub/dir/key.txt")
        try repo.commit("config", all: false)
        #expect(try repo.scan(["--git"]).findings.fake.isEmpty)
    }

    @Test func baselineCreatedFromTheStagedScanSuppressesItsFindings() throws {
        let repo = try GitTestRepo("staged-baseline")
        defer { repo.remove() }
        repo.write(try FakeKeys.line("baseline") + "\n", to: "accepted.txt")
        try repo.git("add", "-A")
        let create = try repo.leakguard(["baseline", "create", "--staged", "-o", "baseline.json"])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(try repo.scan(["--staged", "--baseline", "baseline.json"]).findings.fake.isEmpty)
    }

    @Test func skipVariableAndToolErrors() throws {
        let repo = try GitTestRepo("staged-skip")
        defer { repo.remove() }
        repo.write(try FakeKeys.line("skip") + "\n", to: "k.txt")
        try repo.git("add", "-A")
        let skipped = try repo.leakguard(["scan", "--staged"], environment: ["LEAKGUARD_SKIP": "1"])
        #expect(skipped.status == 0)
        #expect(skipped.stderr.contains("LEAKGUARD_SKIP"))

        let outside = TestSupport.makeTempDirectory("not-a-repo")
        defer { TestSupport.removeTree(outside) }
        let error = try TestSupport.leakguard(["scan", "--staged"], cwd: outside, environment: ["GIT_CEILING_DIRECTORIES": parentPath(outside)])
        #expect(error.status == 2)
        #expect(error.stderr.contains("not a git repository"))

        let conflict = try repo.leakguard(["scan", "--staged", "--git"])
        #expect(conflict.status == 2)
    }

    @Test func stagedDiffParserReadsHunksAndPairs() throws {
        let text = Array("""
            diff --git a/x b/x
            index 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111
            --- /dev/null
            +++ b/x
            @@ -0,0 +1,3 @@
            +a
            +b
            +c
            diff --git a/y b/y
            index 2222222222222222222222222222222222222222..3333333333333333333333333333333333333333 100644
            --- a/y
            +++ b/y
            @@ -4 +4 @@
            -old
            +new
            @@ -9,2 +8,0 @@
            -gone
            -gone
            diff --git a/z b/z
            index 4444444444444444444444444444444444444444..5555555555555555555555555555555555555555
            Binary files a/z and b/z differ

            """.utf8)
        let patches = try text.withUnsafeBufferPointer { try StagedDiff.parsePatch($0) }
        func key(_ a: Character, _ b: Character) -> StagedDiff.PairKey {
            StagedDiff.PairKey(old: ObjectID(String(repeating: a, count: 40))!, new: ObjectID(String(repeating: b, count: 40))!)
        }
        #expect(patches[key("0", "1")]?.added == [1...3])
        #expect(patches[key("2", "3")]?.added == [4...4])
        #expect(patches[key("4", "5")]?.binary == true)
    }
}

func parentPath(_ path: String) -> String { (path as NSString).deletingLastPathComponent }
