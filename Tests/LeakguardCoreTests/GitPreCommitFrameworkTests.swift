import Foundation
import Testing
@testable import LeakguardCore

/// Drives the real pre-commit framework (https://pre-commit.com) against this repository's
/// `.pre-commit-hooks.yaml`, the way its users add leakguard: `repo:` + `rev:` + `id: leakguard`.
@Suite struct GitPreCommitFrameworkTests {
    /// `python3 -m pre_commit`, installed from PyPI first when missing.
    static func preCommit() throws -> [String]? {
        let python = ["/usr/bin/env", "python3"]
        if (try? TestSupport.run(python[0], [python[1], "-m", "pre_commit", "--version"]))?.status == 0 { return python + ["-m", "pre_commit"] }
        let install = try TestSupport.run(python[0], [python[1], "-m", "pip", "install", "-q", "pre-commit"])
        guard install.status == 0 else {
            print("pip could not install pre-commit: \(install.stderr)")
            return nil
        }
        return python + ["-m", "pre_commit"]
    }

    @Test func aCommitWithAFakeKeyFailsAndACleanOnePasses() throws {
        guard let preCommit = try Self.preCommit() else {
            try Test.cancel("the pre-commit framework is not installed and pip could not install it")
        }
        let work = TestSupport.makeTempDirectory("precommit")
        defer { TestSupport.removeTree(work) }
        let git: [String: String] = ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                                     "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
                                     "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@example.com"]
        let binDir = (TestSupport.binary as NSString).deletingLastPathComponent
        var env = git
        env["PATH"] = binDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        env["PRE_COMMIT_HOME"] = work + "/cache"

        // The hook repository: this checkout's manifest and hook scripts, committed.
        let hookRepo = try GitTestRepo(existing: work + "/hook-repo").initialized()
        for file in [".pre-commit-hooks.yaml", "hooks/run-leakguard", "hooks/pre-commit", "hooks/pre-push"] {
            let source = TestSupport.packageRoot.appendingPathComponent(file).path
            let target = hookRepo.path + "/" + file
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: target)
        }
        let rev = try hookRepo.commit("hooks")

        let repo = try GitTestRepo(existing: work + "/project").initialized()
        repo.write("""
            repos:
              - repo: \(hookRepo.path)
                rev: \(rev)
                hooks:
                  - id: leakguard

            """, to: ".pre-commit-config.yaml")
        try repo.commit("add pre-commit config")
        let install = try TestSupport.run(preCommit[0], Array(preCommit.dropFirst()) + ["install"], cwd: repo.path, environment: env)
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")

        repo.write(try FakeKeys.line("framework") + "\n", to: "leak.txt")
        try repo.git("add", "-A")
        let blocked = try TestSupport.run("/usr/bin/git", ["commit", "-q", "-m", "leak"], cwd: repo.path, environment: env)
        #expect(blocked.status != 0)
        #expect((blocked.stdout + blocked.stderr).contains("leak.txt"), "\(blocked.stdout)\(blocked.stderr)")
        #expect((blocked.stdout + blocked.stderr).contains(FakeKeys.ruleID))

        try repo.git("reset", "-q")
        try FileManager.default.removeItem(atPath: repo.path + "/leak.txt")
        repo.write("nothing to see\n", to: "clean.txt")
        try repo.git("add", "-A")
        let clean = try TestSupport.run("/usr/bin/git", ["commit", "-q", "-m", "clean"], cwd: repo.path, environment: env)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
    }
}

extension GitTestRepo {
    /// `git init` in a path chosen by the caller.
    func initialized() throws -> GitTestRepo {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try TestSupport.git(["init", "-q", "-b", "main"], cwd: path)
        return self
    }
}
