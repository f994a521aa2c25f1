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
                  - id: leakguard-system

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

extension GitPreCommitFrameworkTests {
    /// `id: leakguard` (`language: swift`): pre-commit clones the hook repository (Package.swift
    /// names the test targets, so their sources must be there too) and runs
    /// `swift build -c release` in it, on a PATH with no leakguard. The hook repository is this
    /// package's sources committed with fixed dates, so the same sources give the same commit and
    /// a pre-commit cache kept in the build directory is reused instead of rebuilt (first run:
    /// one release build, a few minutes on two cores).
    @Test(.timeLimit(.minutes(25))) func theSwiftHookBuildsItselfWithoutLeakguardOnPath() throws {
        guard let preCommit = try Self.preCommit() else {
            try Test.cancel("the pre-commit framework is not installed and pip could not install it")
        }
        // The build directory the tests run from (.build, or --scratch-path's).
        var scratch = URL(fileURLWithPath: TestSupport.binary).resolvingSymlinksInPath().deletingLastPathComponent()
        while scratch.path != "/" && !FileManager.default.fileExists(atPath: scratch.appendingPathComponent("checkouts").path) {
            scratch = scratch.deletingLastPathComponent()
        }
        let cache = scratch.path == "/" ? TestSupport.makeTempDirectory("pre-commit-cache") : scratch.appendingPathComponent("pre-commit-swift-hook").path
        let hookRepo = cache + "/hook-repo"
        let fixedDate = ["GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"]
        TestSupport.removeTree(hookRepo)
        _ = try GitTestRepo(existing: hookRepo).initialized()
        let root = TestSupport.packageRoot.path
        let listed = try TestSupport.git(["ls-files", "-co", "--exclude-standard", "--", "Package.swift", "Sources", "Tests", "bench", ".pre-commit-hooks.yaml", "hooks"], cwd: root)
        for file in listed.stdout.split(separator: "\n").map(String.init) where FileManager.default.fileExists(atPath: root + "/" + file) {
            let target = hookRepo + "/" + file
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: root + "/" + file, toPath: target)
        }
        // Pinned dependencies, when this checkout has them: the build resolves nothing new.
        if FileManager.default.fileExists(atPath: root + "/Package.resolved") {
            try FileManager.default.copyItem(atPath: root + "/Package.resolved", toPath: hookRepo + "/Package.resolved")
        }
        try TestSupport.git(["add", "-A"], cwd: hookRepo)
        try TestSupport.git(["commit", "-q", "-m", "hook sources"], cwd: hookRepo, environment: fixedDate)
        let rev = try TestSupport.git(["rev-parse", "HEAD"], cwd: hookRepo).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        // PATH: everything the machine has (swift, git, python) minus any directory with a leakguard.
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
            .filter { !FileManager.default.isExecutableFile(atPath: $0 + "/leakguard") }.joined(separator: ":")
        var env: [String: String] = ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                                     "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
                                     "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@example.com",
                                     "PATH": path, "PRE_COMMIT_HOME": cache + "/home"]
        env["LEAKGUARD"] = nil
        let which = try TestSupport.run("/bin/sh", ["-c", "command -v leakguard || echo none"], environment: env)
        #expect(which.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "none", "leakguard is on PATH: \(which.stdout)")

        let work = TestSupport.makeTempDirectory("precommit-swift")
        defer { TestSupport.removeTree(work) }
        let repo = try GitTestRepo(existing: work + "/project").initialized()
        repo.write("""
            repos:
              - repo: \(hookRepo)
                rev: \(rev)
                hooks:
                  - id: leakguard

            """, to: ".pre-commit-config.yaml")
        try repo.commit("add pre-commit config")
        let started = Date()
        let install = try TestSupport.run(preCommit[0], Array(preCommit.dropFirst()) + ["install", "--install-hooks"], cwd: repo.path, environment: env)
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        print("pre-commit install --install-hooks (language: swift build or cache): \(Int(Date().timeIntervalSince(started))) s")

        repo.write(try FakeKeys.line("swift-hook") + "\n", to: "leak.txt")
        try repo.git("add", "-A")
        let blocked = try TestSupport.run("/usr/bin/git", ["commit", "-q", "-m", "leak"], cwd: repo.path, environment: env)
        #expect(blocked.status != 0)
        #expect((blocked.stdout + blocked.stderr).contains(FakeKeys.ruleID), "\(blocked.stdout)\(blocked.stderr)")

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
