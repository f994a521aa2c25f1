import Foundation
import Testing
@testable import LeakguardCore

@Suite struct GitHistoryScanTests {
    @Test func secretAddedThenDeletedBelongsToTheCommitThatAddedIt() throws {
        let repo = try GitTestRepo("history-deleted")
        defer { repo.remove() }
        repo.write("settings\n", to: "conf/app.txt")
        try repo.commit("one")
        repo.write("settings\n" + (try FakeKeys.line("history")) + "\n", to: "conf/app.txt")
        let second = try repo.commit("two", author: "Alice Example", email: "alice@example.com")
        repo.write("settings\n", to: "conf/app.txt")
        try repo.commit("three")

        let result = try repo.scan(["--git"])
        #expect(result.status == 1)
        let fake = result.findings.fake
        #expect(fake.count == 1)
        let f = try #require(fake.first)
        #expect(f["commit"] as? String == second)
        #expect(f["author"] as? String == "Alice Example")
        #expect(f["email"] as? String == "alice@example.com")
        #expect((f["date"] as? String)?.hasPrefix("2023-11-15T00:13:20") == true)
        #expect(f["file"] as? String == "conf/app.txt")
        #expect(f["line"] as? Int == 2)
        #expect(result.summary["commits"] as? Int == 3)
        // The working tree is clean now: a plain scan finds nothing.
        #expect(try repo.scan([]).findings.fake.isEmpty)
    }

    @Test func theSameBlobInFiftyCommitsIsScannedOnce() throws {
        let repo = try GitTestRepo("history-blob")
        defer { repo.remove() }
        let secret = "header\n" + (try FakeKeys.line("repeated")) + "\n"
        var first = ""
        for i in 1...50 {
            // Odd commits bring the same secret-holding version back; even ones replace it.
            repo.write(i % 2 == 1 ? secret : "header\nclean\n", to: "flip.txt")
            let id = try repo.commit("commit \(i)")
            if i == 1 { first = id }
        }
        let result = try repo.scan(["--git"])
        #expect(result.summary["commits"] as? Int == 50)
        #expect(result.summary["blobs"] as? Int == 2)
        #expect(result.summary["files"] as? Int == 2)
        // Re-introduced 25 times, reported once: for the oldest commit.
        #expect(result.findings.fake.count == 1)
        #expect(result.findings.fake.first?["commit"] as? String == first)
    }

    @Test func rangesScanOnlyWhatTheirCommitsAdd() throws {
        let repo = try GitTestRepo("history-range")
        defer { repo.remove() }
        repo.write(try FakeKeys.line("range-a") + "\n", to: "a.txt")
        let c1 = try repo.commit("c1")
        repo.write("x\n", to: "x.txt")
        let c2 = try repo.commit("c2")
        repo.write(try FakeKeys.line("range-b") + "\n", to: "b.txt")
        let c3 = try repo.commit("c3")
        // Editing a file that already holds a secret does not make the edit a leak.
        repo.write(try FakeKeys.line("range-a") + "\nmore\n", to: "a.txt")
        let c4 = try repo.commit("c4")

        func files(_ r: (status: Int32, findings: [[String: Any]], summary: [String: Any], output: TestSupport.Output)) -> [String] {
            r.findings.fake.compactMap { $0["file"] as? String }.sorted()
        }
        let all = try repo.scan(["--git"])
        #expect(files(all) == ["a.txt", "b.txt"])
        #expect(all.findings.fake.first { $0["file"] as? String == "a.txt" }?["commit"] as? String == c1)

        let range = try repo.scan(["--range", "\(c1)..\(c3)"])
        #expect(files(range) == ["b.txt"])
        #expect(range.summary["commits"] as? Int == 2)
        #expect(try repo.scan(["--range", "\(c3)..\(c4)"]).findings.fake.isEmpty)
        #expect(files(try repo.scan(["--range", c2])) == ["a.txt"])
        #expect(files(try repo.scan(["--since-commit", c2])) == ["b.txt"])
        let bad = try repo.leakguard(["scan", "--range", "nosuchref..HEAD"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("nosuchref"))
    }

    @Test func mergesAndRenamesDoNotReintroduceSecrets() throws {
        let repo = try GitTestRepo("history-merge")
        defer { repo.remove() }
        repo.write("base\n", to: "base.txt")
        try repo.commit("base")
        try repo.git("checkout", "-q", "-b", "side")
        repo.write(try FakeKeys.line("side") + "\n", to: "side.txt")
        let sideCommit = try repo.commit("side adds a secret")
        try repo.git("checkout", "-q", "main")
        repo.write("main\n", to: "main.txt")
        try repo.commit("main moves on")
        try repo.git("merge", "-q", "--no-ff", "--no-edit", "side")
        try repo.git("mv", "side.txt", "moved.txt")
        let rename = try repo.commit("rename")

        let result = try repo.scan(["--git"])
        #expect(result.findings.fake.count == 1)
        #expect(result.findings.fake.first?["commit"] as? String == sideCommit)
        #expect(result.findings.fake.first?["file"] as? String == "side.txt")
        #expect(try repo.scan(["--range", "\(rename)~1..\(rename)"]).findings.fake.isEmpty)
    }

    @Test func allRefsIncludeUnmergedBranches() throws {
        let repo = try GitTestRepo("history-all")
        defer { repo.remove() }
        try repo.commit("base")
        try repo.git("checkout", "-q", "-b", "feature")
        repo.write(try FakeKeys.line("feature") + "\n", to: "f.txt")
        try repo.commit("feature")
        try repo.git("checkout", "-q", "main")
        #expect(try repo.scan(["--git"]).findings.fake.isEmpty)
        #expect(try repo.scan(["--git", "--all"]).findings.fake.count == 1)
    }

    @Test func oddNamesBinaryFilesAndIgnoreFileInHistory() throws {
        let repo = try GitTestRepo("history-names")
        defer { repo.remove() }
        let names = ["with space.txt", "new\nline.txt", "ünï/日本.txt"]
        for (i, name) in names.enumerated() { repo.write(try FakeKeys.line("hn\(i)") + "\n", to: name) }
        TestSupport.write(bytes: [0, 1, 2] + Array((try FakeKeys.line("bin") + "\n").utf8), to: repo.path + "/blob.bin")
        let c = try repo.commit("names")
        let result = try repo.scan(["--git"])
        #expect(Set(result.findings.fake.compactMap { $0["file"] as? String }) == Set(names))
        #expect(result.summary["skipped"] as? Int == 1)

        // gitleaks' ignore file, with the commit, at the repository root.
        repo.write("\(c):with space.txt:\(FakeKeys.ruleID):1\n", to: ".gitleaksignore")
        let ignored = try repo.scan(["--git"])
        #expect(Set(ignored.findings.fake.compactMap { $0["file"] as? String }) == Set(names.dropFirst()))
    }

    @Test func baselineCreatedFromHistorySuppressesItsFindings() throws {
        let repo = try GitTestRepo("history-baseline")
        defer { repo.remove() }
        repo.write(try FakeKeys.line("hb") + "\n", to: "old.txt")
        try repo.commit("old")
        let create = try repo.leakguard(["baseline", "create", "--git", "-o", "../\(URL(fileURLWithPath: repo.path).lastPathComponent).baseline.json"])
        defer { TestSupport.removeTree(repo.path + ".baseline.json") }
        #expect(create.status == 0, "\(create.stderr)")
        #expect(try repo.scan(["--git", "--baseline", repo.path + ".baseline.json"]).findings.fake.isEmpty)
    }

    /// Allowlists that name commits or (for some rules) paths make a blob's findings depend on
    /// where and when it appears: each place is judged on its own.
    @Test func commitAndPathAllowlistsApplyPerCommitAndPath() throws {
        let repo = try GitTestRepo("history-allowlists")
        defer { repo.remove() }
        let secret = try FakeKeys.line("allowlisted") + "\n"
        repo.write(secret, to: "one.txt")
        let first = try repo.commit("first")
        repo.write(secret, to: "fixtures/two.txt")
        repo.write(secret, to: "three.txt")
        try repo.commit("second")
        #expect(try repo.scan(["--git"]).findings.fake.count == 3)

        repo.write("""
            [[allowlists]]
            commits = ["\(first)"]

            [[allowlists]]
            targetRules = ["\(FakeKeys.ruleID)"]
            paths = ['''^fixtures/''']

            """, to: ".leakguard.toml")
        let result = try repo.scan(["--git"])
        #expect(result.findings.fake.compactMap { $0["file"] as? String } == ["three.txt"])
        #expect(result.summary["blobs"] as? Int == 1)
    }

    @Test func failuresAreToolErrors() throws {
        let repo = try GitTestRepo("history-errors")
        defer { repo.remove() }
        let empty = try repo.leakguard(["scan", "--git"])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("no commits yet"))
        let dash = try repo.leakguard(["scan", "--range", "--output=x"])
        #expect(dash.status == 2)
    }

    @Test func logParserReadsCombinedEntries() throws {
        let normal = Array(":100644 100644 \(String(repeating: "a", count: 40)) \(String(repeating: "b", count: 40)) M".utf8)
        let parsed = try normal.withUnsafeBufferPointer { try HistoryScan.parseEntry($0) }
        #expect(parsed.modes == [0o100644, 0o100644])
        #expect(parsed.ids.map(\.description) == [String(repeating: "a", count: 40), String(repeating: "b", count: 40)])
        let ids = ["1", "2", "3"].map { String(repeating: $0, count: 40) }
        let merge = Array("::100644 100644 100755 \(ids.joined(separator: " ")) MM".utf8)
        let combined = try merge.withUnsafeBufferPointer { try HistoryScan.parseEntry($0) }
        #expect(combined.modes == [0o100644, 0o100644, 0o100755])
        #expect(combined.ids.map(\.description) == ids)
    }
}
