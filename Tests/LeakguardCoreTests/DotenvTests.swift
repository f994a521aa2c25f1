import Foundation
import Testing
@testable import LeakguardCore

/// The .env check through the real binary, on temporary git repositories.
@Suite struct DotenvTests {
    /// A git repository with `files` (path → content) written, nothing committed.
    func repo(_ files: [String: String], git: Bool = true) throws -> String {
        let dir = TestSupport.makeTempDirectory("env")
        if git { try TestSupport.git(["init", "-q"], cwd: dir) }
        for (path, text) in files { TestSupport.write(text, to: dir + "/" + path) }
        return dir
    }

    /// (rule, file) pairs of the scan's dotenv findings.
    func dotenvFindings(_ dir: String, _ extra: [String] = []) throws -> [String] {
        let out = try TestSupport.leakguard(["scan", "--format", "json"] + extra + [dir], environment: ["HOME": dir + "/.home", "XDG_CONFIG_HOME": dir + "/.home/.config"])
        #expect(out.status != 2, "\(out.stderr)")
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        return findings.filter { $0["category"] as? String == "dotenv" }.map { "\($0["rule"]!):\($0["file"]!)" }.sorted()
    }

    @Test func rootNestedAndLocalEnvFilesNotIgnored() throws {
        let dir = try repo([".env": "A=1\n", "svc/.env": "B=2\n", ".env.local": "C=3\n", ".env.example": "A=\n", "README": "x\n"])
        defer { TestSupport.removeTree(dir) }
        #expect(try dotenvFindings(dir) == ["dotenv-not-ignored:.env", "dotenv-not-ignored:.env.local", "dotenv-not-ignored:svc/.env"])
        let text = try TestSupport.leakguard(["scan", dir]).stdout
        #expect(text.contains("Add `.env` to .gitignore"))
        #expect(text.contains("Add `.env.*` to .gitignore"))
    }

    @Test func ignoredByEachSource() throws {
        // Root .gitignore.
        var dir = try repo([".env": "A=1\n", ".gitignore": ".env\n"])
        #expect(try dotenvFindings(dir).isEmpty)
        TestSupport.removeTree(dir)
        // A nested .gitignore covering only its own directory.
        dir = try repo(["app/.env": "A=1\n", "app/.gitignore": ".env\n", ".env": "B=2\n"])
        #expect(try dotenvFindings(dir) == ["dotenv-not-ignored:.env"])
        TestSupport.removeTree(dir)
        // .git/info/exclude.
        dir = try repo([".env": "A=1\n"])
        TestSupport.write(".env\n", to: dir + "/.git/info/exclude")
        #expect(try dotenvFindings(dir).isEmpty)
        TestSupport.removeTree(dir)
        // core.excludesFile from the repository's config.
        dir = try repo([".env": "A=1\n", "ignores/global": ".env*\n"])
        try TestSupport.git(["config", "core.excludesFile", dir + "/ignores/global"], cwd: dir)
        #expect(try dotenvFindings(dir).isEmpty)
        TestSupport.removeTree(dir)
    }

    @Test func negationReincludes() throws {
        let dir = try repo([".env": "A=1\n", "svc/.env": "B=2\n", ".gitignore": ".env\n", "svc/.gitignore": "!.env\n"])
        defer { TestSupport.removeTree(dir) }
        #expect(try dotenvFindings(dir) == ["dotenv-not-ignored:svc/.env"])
        let text = try TestSupport.leakguard(["scan", dir]).stdout
        #expect(text.contains("re-included by `!.env`"))
        #expect(text.contains("svc/.gitignore"))
    }

    @Test func trackedThenIgnored() throws {
        let dir = try repo([".env": "A=1\n"])
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["add", ".env"], cwd: dir)
        try TestSupport.git(["commit", "-qm", "oops"], cwd: dir)
        TestSupport.write(".env\n", to: dir + "/.gitignore")
        #expect(try dotenvFindings(dir) == ["dotenv-tracked:.env"])
        let text = try TestSupport.leakguard(["scan", dir]).stdout
        #expect(text.contains("git rm --cached .env"))
        #expect(text.contains("rotate"))
    }

    @Test func stagingAnEnvFileBlocksTheCommit() throws {
        let dir = try repo(["app.py": "print(1)\n", ".env.local": "A=1\n", ".env.example": "A=\n"])
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["add", "app.py", ".env.example"], cwd: dir)
        #expect(try TestSupport.leakguard(["scan", "--staged", dir]).status == 0, "templates may be committed")
        try TestSupport.git(["add", ".env.local"], cwd: dir)
        let out = try TestSupport.leakguard(["scan", "--staged", "--format", "json", dir])
        #expect(out.status == 1, "\(out.stderr)")
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        let f = try #require(findings.first { $0["rule"] as? String == "dotenv-tracked" })
        #expect(f["file"] as? String == ".env.local")
        #expect((f["message"] as? String)?.contains("staged") == true)
    }

    @Test func historyReportsEveryCommitThatAddedOrChangedAnEnvFile() throws {
        let dir = try repo(["app.py": "print(1)\n"])
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["add", "."], cwd: dir)
        try TestSupport.git(["commit", "-qm", "clean"], cwd: dir)
        TestSupport.write("A=1\n", to: dir + "/svc/.env")
        try TestSupport.git(["add", "."], cwd: dir)
        try TestSupport.git(["commit", "-qm", "add env"], cwd: dir)
        let added = try TestSupport.git(["rev-parse", "HEAD"], cwd: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        TestSupport.write("A=2\n", to: dir + "/svc/.env")
        try TestSupport.git(["commit", "-qam", "change env"], cwd: dir)
        let changed = try TestSupport.git(["rev-parse", "HEAD"], cwd: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try TestSupport.git(["rm", "-q", "svc/.env"], cwd: dir)
        try TestSupport.git(["commit", "-qm", "remove env"], cwd: dir)
        let out = try TestSupport.leakguard(["scan", "--git", "--format", "json", dir])
        #expect(out.status == 1, "\(out.stderr)")
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        let commits = Set(findings.filter { $0["rule"] as? String == "dotenv-tracked" }.compactMap { $0["commit"] as? String })
        #expect(commits == [added, changed])
        #expect(findings.allSatisfy { $0["file"] as? String == "svc/.env" && $0["author"] as? String == "Test Author" })
        // The tree is clean now: a plain scan has nothing to say.
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0)
    }

    @Test func usedButNotIgnored() throws {
        var dir = try repo(["app.py": "from dotenv import load_dotenv\nload_dotenv()\n"])
        #expect(try dotenvFindings(dir) == ["dotenv-gitignore-missing:app.py"])
        TestSupport.write(".env\n", to: dir + "/.gitignore")
        #expect(try dotenvFindings(dir).isEmpty)
        TestSupport.removeTree(dir)
        dir = try repo(["requirements.txt": "requests\npython-dotenv==1.0\n"])
        #expect(try dotenvFindings(dir) == ["dotenv-gitignore-missing:requirements.txt"])
        TestSupport.removeTree(dir)
        dir = try repo([".env.example": "KEY=\n"])
        #expect(try dotenvFindings(dir) == ["dotenv-gitignore-missing:.env.example"])
        TestSupport.removeTree(dir)
        // No sign of dotenv use: nothing to say.
        dir = try repo(["app.py": "print('hi')  # dotenv is mentioned only in a comment\n"])
        #expect(try dotenvFindings(dir).isEmpty)
        TestSupport.removeTree(dir)
    }

    @Test func templatesAreExempt() throws {
        let dir = try repo([".env.example": "A=\n", ".env.sample": "A=\n", "cfg/.env.template": "A=\n", ".env.dist": "A=\n",
                            ".env.defaults": "A=\n", ".env.prod.example": "A=\n", ".gitignore": ".env\n"])
        defer { TestSupport.removeTree(dir) }
        #expect(try dotenvFindings(dir).isEmpty)
    }

    @Test func outsideAGitRepository() throws {
        let dir = try repo([".env": "A=1\n", "sub/.env": "B=1\n", "sub/.gitignore": ".env\n"], git: false)
        defer { TestSupport.removeTree(dir) }
        #expect(try dotenvFindings(dir) == ["dotenv-not-ignored:.env"])
        #expect(try TestSupport.leakguard(["scan", dir]).stdout.contains("Not in a git repository"))
    }

    @Test func secretRulesStillReadTheEnvFile() throws {
        let key = try TestSupport.fakeSecretLine(rule: "anthropic-api-key", seed: "env")
        let dir = try repo([".env": key + "\n"])
        defer { TestSupport.removeTree(dir) }
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        let rules = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]]).map { $0["rule"] as! String }
        #expect(rules.contains("dotenv-not-ignored"))
        #expect(rules.contains("anthropic-api-key"))
    }

    @Test func fixIsIdempotentKeepsCRLFAndNeverTouchesTrackedFiles() throws {
        let dir = try repo(["tracked/.env": "T=1\n", "README.md": "readme\r\n"])
        defer { TestSupport.removeTree(dir) }
        try TestSupport.git(["add", "."], cwd: dir)
        try TestSupport.git(["commit", "-qm", "init"], cwd: dir)
        TestSupport.write("build/\r\n*.log", to: dir + "/.gitignore")
        TestSupport.write("A=1\n", to: dir + "/.env")
        TestSupport.write("B=1\n", to: dir + "/.env.local")
        TestSupport.write("B=\n", to: dir + "/.env.example")
        let indexBefore = try TestSupport.git(["ls-files", "-s"], cwd: dir).stdout
        let trackedBefore = try String(contentsOfFile: dir + "/tracked/.env", encoding: .utf8)

        let first = try TestSupport.leakguard(["scan", "--fix", dir])
        #expect(first.stderr.contains("fixed: updated .gitignore"), "\(first.stderr)")
        let gitignore = try String(contentsOfFile: dir + "/.gitignore", encoding: .utf8)
        #expect(gitignore.hasPrefix("build/\r\n*.log\r\n"), "existing content and CRLF kept: \(gitignore.debugDescription)")
        #expect(gitignore.contains(".env\r\n") && gitignore.contains(".env.*\r\n") && gitignore.contains("!.env.example\r\n"))
        #expect(!gitignore.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF in a CRLF file")
        // git agrees: the .env files are ignored now, the template is not.
        let status = try TestSupport.git(["status", "--porcelain", "--ignored"], cwd: dir).stdout
        #expect(status.contains("!! .env\n") && status.contains("!! .env.local\n"))
        #expect(status.contains("?? .env.example\n"))
        // Only the tracked file remains, and it is reported, not touched.
        #expect(try dotenvFindings(dir) == ["dotenv-tracked:tracked/.env"])
        #expect(try TestSupport.git(["ls-files", "-s"], cwd: dir).stdout == indexBefore)
        #expect(try String(contentsOfFile: dir + "/tracked/.env", encoding: .utf8) == trackedBefore)

        let second = try TestSupport.leakguard(["scan", "--fix", dir])
        // Nothing --fix may change is left; it names the command that untracks the rest.
        #expect(second.stderr.contains("git rm --cached tracked/.env"), "\(second.stderr)")
        #expect(try String(contentsOfFile: dir + "/.gitignore", encoding: .utf8) == gitignore)
    }

    @Test func fixCreatesGitignoreAndWritesIntoTheNegatingFile() throws {
        let dir = try repo([".env": "A=1\n", "svc/.env": "B=1\n", "svc/.gitignore": "!.env\n"])
        defer { TestSupport.removeTree(dir) }
        _ = try TestSupport.leakguard(["scan", "--fix", dir])
        #expect(try String(contentsOfFile: dir + "/.gitignore", encoding: .utf8).hasSuffix(".env\n"))
        #expect(try String(contentsOfFile: dir + "/svc/.gitignore", encoding: .utf8).hasSuffix(".env\n"))
        #expect(try dotenvFindings(dir).isEmpty)
        let ignored = try TestSupport.git(["status", "--porcelain", "--ignored"], cwd: dir).stdout
        #expect(ignored.contains("!! .env\n") && ignored.contains("!! svc/.env\n"))
    }

    /// Random layouts of .gitignore rules and .env files: the files the check calls not ignored
    /// must be exactly the ones git lists as untracked and not ignored.
    @Test(arguments: 0..<6)
    func agreesWithGitOnRandomLayouts(chunk: Int) throws {
        var rng = SeededGenerator(seed: UInt64(chunk) &* 0x9E3779B97F4A7C15 &+ 7)
        let patterns = [".env", "!.env", ".env*", "!.env.local", "/.env", "**/.env", ".env.*", "*.local", "svc/", "svc/.env",
                        "!svc/.env", "a/**/.env", "!a/b/.env", "*", "!*/", "!.env.prod", "\\!.env", ".e?v", ".env.[lp]*", "#.env"]
        let dirs = ["", "svc/", "a/", "a/b/", "deep/x/y/"]
        let names = [".env", ".env.local", ".env.prod", ".env.test"]
        let dir = TestSupport.makeTempDirectory("envdiff")
        defer { TestSupport.removeTree(dir) }
        var cases = 0
        for _ in 0..<25 {
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try TestSupport.git(["init", "-q"], cwd: dir)
            for d in dirs where Int.random(in: 0..<3, using: &rng) == 0 || d.isEmpty {
                let lines = (0..<Int.random(in: 1...3, using: &rng)).map { _ in patterns.randomElement(using: &rng)! }
                TestSupport.write(lines.joined(separator: "\n") + "\n", to: dir + "/" + d + ".gitignore")
            }
            var envFiles: [String] = []
            for d in dirs {
                for n in names where Int.random(in: 0..<3, using: &rng) == 0 {
                    TestSupport.write("X=1\n", to: dir + "/" + d + n)
                    envFiles.append(d + n)
                }
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { TestSupport.write(".env.test\n", to: dir + "/.git/info/exclude") }
            // Ground truth: untracked, not ignored files according to git.
            let untracked = try TestSupport.git(["ls-files", "-o", "--exclude-standard", "-z"], cwd: dir).stdout
                .split(separator: "\0").map(String.init)
            let expected = Set(untracked.filter { DotenvCheck.isDotenvName($0) })
            let reported = Set(try dotenvFindings(dir).filter { $0.hasPrefix("dotenv-not-ignored:") }.map { String($0.dropFirst("dotenv-not-ignored:".count)) })
            let gitignores = (try? FileManager.default.subpathsOfDirectory(atPath: dir).filter { $0.hasSuffix(".gitignore") && !$0.hasPrefix(".git/") }) ?? []
            #expect(reported == expected, "layout \(gitignores.map { "\($0): \((try? String(contentsOfFile: dir + "/" + $0, encoding: .utf8)) ?? "")" }) env files \(envFiles)")
            cases += envFiles.count
        }
        #expect(cases > 20)
    }
}
