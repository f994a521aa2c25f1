import Foundation
import Testing
@testable import LeakguardCore

@Suite struct GitHookTests {
    /// git commit in `repo`, returning its output (the hook's messages are on stderr).
    func commit(_ repo: GitTestRepo, _ message: String, environment: [String: String] = [:], extra: [String] = []) throws -> TestSupport.Output {
        var env = ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                   "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
                   "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@example.com"]
        for (k, v) in environment { env[k] = v }
        return try TestSupport.run("/usr/bin/git", ["commit", "-q", "-m", message] + extra, cwd: repo.path, environment: env)
    }

    @Test func installedHookBlocksSecretsAndLetsCleanCommitsThrough() throws {
        let repo = try GitTestRepo("hook-block")
        defer { repo.remove() }
        let install = try repo.leakguard(["hook", "install"])
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("installed leakguard pre-commit hook"))

        repo.write("clean\n", to: "ok.txt")
        try repo.git("add", "-A")
        let clean = try commit(repo, "clean")
        #expect(clean.status == 0, "\(clean.stderr)")

        repo.write(try FakeKeys.line("hook") + "\n", to: "secret.txt")
        try repo.git("add", "-A")
        let blocked = try commit(repo, "leak")
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("secret.txt") || blocked.stdout.contains("secret.txt"))
        #expect(blocked.stderr.contains("leakguard: commit blocked"))
        #expect(try repo.git("rev-list", "--count", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")

        // `git commit -a` commits from a temporary index (GIT_INDEX_FILE): that is what is scanned.
        try repo.git("reset", "-q")
        try FileManager.default.removeItem(atPath: repo.path + "/secret.txt")
        repo.write("clean\n" + (try FakeKeys.line("hook-a")) + "\n", to: "ok.txt")
        let all = try commit(repo, "leak with -a", extra: ["-a"])
        #expect(all.status == 1)
        #expect(all.stderr.contains("ok.txt"))
        try repo.git("checkout", "-q", "--", "ok.txt")

        // The git ways around it.
        repo.write(try FakeKeys.line("hook") + "\n", to: "secret.txt")
        try repo.git("add", "-A")
        #expect(try commit(repo, "skip", environment: ["LEAKGUARD_SKIP": "1"]).status == 0)
        repo.write(try FakeKeys.line("hook2") + "\n", to: "secret2.txt")
        try repo.git("add", "-A")
        #expect(try commit(repo, "no-verify", extra: ["--no-verify"]).status == 0)
    }

    @Test func chainsToAnExistingHookAndUninstallRestoresIt() throws {
        let repo = try GitTestRepo("hook-chain")
        defer { repo.remove() }
        let hooks = repo.path + "/.git/hooks"
        let original = """
            #!/bin/sh
            # the team's own hook
            echo ran >> "$(git rev-parse --show-toplevel)/.git/own-hook-ran"
            [ -f "$(git rev-parse --show-toplevel)/.git/own-hook-fails" ] && exit 3
            exit 0

            """
        TestSupport.write(original, to: hooks + "/pre-commit")
        chmod(hooks + "/pre-commit", 0o755)

        let install = try repo.leakguard(["hook", "install"])
        #expect(install.status == 0)
        #expect(install.stdout.contains("existing hook was kept"))
        #expect(repo.read(".git/hooks/pre-commit.leakguard-chained") == original)

        repo.write("clean\n", to: "a.txt")
        try repo.git("add", "-A")
        #expect(try commit(repo, "clean").status == 0)
        #expect(repo.read(".git/own-hook-ran") == "ran\n")

        // Its failure still stops the commit; leakguard's hook passes its exit code on.
        TestSupport.write("", to: repo.path + "/.git/own-hook-fails")
        repo.write("more\n", to: "a.txt")
        try repo.git("add", "-A")
        #expect(try commit(repo, "own hook fails").status != 0)
        #expect(try TestSupport.run(hooks + "/pre-commit", [], cwd: repo.path).status == 3)
        try FileManager.default.removeItem(atPath: repo.path + "/.git/own-hook-fails")

        // Installing again only updates leakguard's hook.
        #expect(try repo.leakguard(["hook", "install"]).stdout.contains("updated"))
        #expect(repo.read(".git/hooks/pre-commit.leakguard-chained") == original)

        let uninstall = try repo.leakguard(["hook", "uninstall"])
        #expect(uninstall.status == 0)
        #expect(repo.read(".git/hooks/pre-commit") == original)
        #expect(!FileManager.default.fileExists(atPath: hooks + "/pre-commit.leakguard-chained"))
        #expect(try repo.leakguard(["hook", "uninstall"]).status == 2)  // the team's hook is not ours to remove
    }

    @Test func refusesWhenTheChainSlotIsTakenUnlessForced() throws {
        let repo = try GitTestRepo("hook-force")
        defer { repo.remove() }
        TestSupport.write("#!/bin/sh\nexit 0\n", to: repo.path + "/.git/hooks/pre-commit")
        TestSupport.write("#!/bin/sh\nexit 0\n", to: repo.path + "/.git/hooks/pre-commit.leakguard-chained")
        let refused = try repo.leakguard(["hook", "install"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--force"))
        #expect(try repo.leakguard(["hook", "install", "--force"]).status == 0)
        #expect(HookInstaller.isOurs(repo.path + "/.git/hooks/pre-commit"))
    }

    @Test func respectsCoreHooksPathAndWorktrees() throws {
        let repo = try GitTestRepo("hook-path")
        defer { repo.remove() }
        try repo.git("config", "core.hooksPath", ".githooks")
        #expect(try repo.leakguard(["hook", "install"]).status == 0)
        #expect(HookInstaller.isOurs(repo.path + "/.githooks/pre-commit"))
        try repo.git("config", "--unset", "core.hooksPath")

        try repo.commit("start")
        let worktree = repo.path + "-wt"
        defer { TestSupport.removeTree(worktree) }
        try repo.git("worktree", "add", "-q", worktree)
        #expect(try TestSupport.leakguard(["hook", "install"], cwd: worktree).status == 0)
        // Hooks are shared by all worktrees: they live in the common git directory.
        #expect(HookInstaller.isOurs(repo.path + "/.git/hooks/pre-commit"))
        TestSupport.write(try FakeKeys.line("wt-hook") + "\n", to: worktree + "/k.txt")
        try TestSupport.git(["add", "k.txt"], cwd: worktree)
        #expect(try commit(GitTestRepo(existing: worktree), "leak").status == 1)
    }

    @Test func prePushHookScansThePushedCommits() throws {
        let remote = try GitTestRepo("push-remote", bare: true)
        defer { remote.remove() }
        let repo = try GitTestRepo("push-local")
        defer { repo.remove() }
        try repo.git("remote", "add", "origin", remote.path)
        #expect(try repo.leakguard(["hook", "install", "--type", "pre-push"]).status == 0)
        let legacy = try FakeKeys.line("pushed-legacy")
        repo.write(legacy + "\n", to: "legacy.txt")
        try repo.commit("legacy secret, pushed before the hook existed")
        try repo.git("push", "-q", "--no-verify", "origin", "main")

        repo.write("clean\n", to: "a.txt")
        try repo.commit("clean")
        let clean = try TestSupport.run("/usr/bin/git", ["push", "-q", "origin", "main"], cwd: repo.path)
        #expect(clean.status == 0, "\(clean.stderr)")

        repo.write(try FakeKeys.line("pushed") + "\n", to: "b.txt")
        try repo.commit("leak")
        let blocked = try TestSupport.run("/usr/bin/git", ["push", "-q", "origin", "main"], cwd: repo.path)
        #expect(blocked.status != 0)
        #expect(blocked.stderr.contains("leakguard: push blocked"))
        #expect(blocked.stderr.contains("b.txt"))

        // A new branch: only commits the remote does not have are scanned (not the legacy one).
        try repo.git("reset", "-q", "--hard", "HEAD~1")
        try repo.git("checkout", "-q", "-b", "feature")
        repo.write("feature\n", to: "f.txt")
        try repo.commit("feature")
        let feature = try TestSupport.run("/usr/bin/git", ["push", "-q", "origin", "feature"], cwd: repo.path)
        #expect(feature.status == 0, "\(feature.stderr)")
        let deletion = try TestSupport.run("/usr/bin/git", ["push", "-q", "origin", ":feature"], cwd: repo.path)
        #expect(deletion.status == 0, "\(deletion.stderr)")
    }

    /// hooks/pre-commit and hooks/pre-push are `leakguard hook print` output, for copying by hand.
    @Test(arguments: HookKind.allCases)
    func hookFilesInTheRepositoryAreCurrent(kind: HookKind) throws {
        let file = TestSupport.packageRoot.appendingPathComponent("hooks/\(kind.rawValue)").path
        let printed = try TestSupport.leakguard(["hook", "print", "--type", kind.rawValue])
        #expect(printed.status == 0)
        let current = try? String(contentsOfFile: file, encoding: .utf8)
        #expect(current == printed.stdout,
                "hooks/\(kind.rawValue) is stale; regenerate: swift run leakguard hook print --type \(kind.rawValue) > hooks/\(kind.rawValue)")
        #expect(FileManager.default.isExecutableFile(atPath: file))
    }
}
