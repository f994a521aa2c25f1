import Foundation
import Testing

@testable import GitIgnore

@Suite struct WalkerTests {
    /// A git repository in a temporary directory, configured only by what the test writes.
    struct Repo {
        let dir = TemporaryDirectory("gitignore-walk")
        let environment = IsolatedEnvironment()

        init(git: Bool = true) throws {
            if git { try gitMust(["init", "-q", "--template="], in: dir.path, environment: environment.variables) }
        }

        var options: WalkOptions {
            var options = WalkOptions()
            options.environment = environment.variables
            return options
        }

        func walk(_ relative: String = "", configure: (inout WalkOptions) -> Void = { _ in }) throws -> WalkResult {
            var options = self.options
            configure(&options)
            return try Walker.walk(root: dir.url(relative), options: options)
        }

        func git(_ arguments: String...) throws {
            try gitMust(arguments, in: dir.path, environment: environment.variables)
        }
    }

    @Test func ignoredDirectoriesAreNotEntered() throws {
        let repo = try Repo()
        repo.dir.write(".gitignore", "build/\n*.log\n!keep.log\n")
        repo.dir.write("src/main.swift", "")
        repo.dir.write("src/debug.log", "")
        repo.dir.write("src/keep.log", "")
        repo.dir.write("build/out.o", "")
        // A symlink inside the ignored directory would be reported as skipped if it were visited.
        repo.dir.symlink("build/link", to: "../src")
        repo.dir.symlink("visible-link", to: "src")
        let result = try repo.walk()
        #expect(result.files.map(\.relativePath) == [".gitignore", "src/keep.log", "src/main.swift"])
        #expect(result.skipped == [SkippedEntry(path: "visible-link", reason: .symlink)])
        #expect(result.isGitRepository)
        #expect(result.workTreeRoot == repo.dir.path)
    }

    @Test func gitEntriesAreSkippedAtAnyDepth() throws {
        let repo = try Repo()
        repo.dir.write("a.txt", "")
        repo.dir.write("vendor/.git", "gitdir: ../elsewhere\n")
        repo.dir.write("vendor/lib.c", "")
        repo.dir.write(".gitkeep", "")
        let result = try repo.walk()
        #expect(result.files.map(\.relativePath) == [".gitkeep", "a.txt", "vendor/lib.c"])
        let noIgnore = try repo.walk { $0.useGitIgnore = false }
        #expect(!noIgnore.files.contains { $0.relativePath.hasPrefix(".git/") || $0.relativePath.hasSuffix("/.git") })
    }

    @Test func noGitIgnoreListsIgnoredFiles() throws {
        let repo = try Repo()
        repo.dir.write(".gitignore", "*.env\nsecret/\n")
        repo.dir.write("prod.env", "")
        repo.dir.write("secret/key.pem", "")
        let result = try repo.walk { $0.useGitIgnore = false }
        #expect(result.files.map(\.relativePath) == [".gitignore", "prod.env", "secret/key.pem"])
        #expect(result.isGitRepository)
    }

    @Test func symlinksAreReportedOrFollowed() throws {
        let repo = try Repo()
        repo.dir.write("real/file.txt", "hello")
        repo.dir.symlink("dirlink", to: "real")
        repo.dir.symlink("filelink", to: "real/file.txt")
        repo.dir.symlink("dangling", to: "nowhere")

        let plain = try repo.walk()
        #expect(plain.files.map(\.relativePath) == ["real/file.txt"])
        #expect(Set(plain.skipped) == [
            SkippedEntry(path: "dirlink", reason: .symlink),
            SkippedEntry(path: "filelink", reason: .symlink),
            SkippedEntry(path: "dangling", reason: .symlink),
        ])

        let followed = try repo.walk { $0.followSymlinks = true }
        #expect(followed.files.map(\.relativePath) == ["filelink", "dirlink/file.txt", "real/file.txt"])
        #expect(followed.files.first { $0.relativePath == "filelink" }?.size == 5)
        #expect(followed.skipped == [SkippedEntry(path: "dangling", reason: .brokenSymlink)])
    }

    @Test func symlinkCyclesAreCut() throws {
        let repo = try Repo()
        repo.dir.write("a/b/file.txt", "")
        repo.dir.symlink("a/b/up", to: "..")
        repo.dir.symlink("a/self", to: ".")
        repo.dir.symlink("a/b/root", to: repo.dir.path)
        let result = try repo.walk { $0.followSymlinks = true }
        #expect(result.files.map(\.relativePath) == ["a/b/file.txt"])
        #expect(Set(result.skipped) == [
            SkippedEntry(path: "a/self", reason: .symlinkCycle),
            SkippedEntry(path: "a/b/up", reason: .symlinkCycle),
            SkippedEntry(path: "a/b/root", reason: .symlinkCycle),
        ])
    }

    @Test func ignoredSymlinkToDirectoryIsMatchedAsDirectoryOnlyWhenFollowed() throws {
        // git never follows symlinks, so "node_modules/" does not match a symlink; when the
        // walker follows links, the link is treated as the directory it leads to.
        let repo = try Repo()
        repo.dir.write(".gitignore", "node_modules/\n")
        repo.dir.write("store/pkg/index.js", "")
        repo.dir.symlink("node_modules", to: "store")
        #expect(try repo.walk().skipped == [SkippedEntry(path: "node_modules", reason: .symlink)])
        let followed = try repo.walk { $0.followSymlinks = true }
        #expect(followed.files.map(\.relativePath) == [".gitignore", "store/pkg/index.js"])
    }

    @Test func unreadableDirectoryIsAWarning() throws {
        let repo = try Repo()
        chmod(repo.dir.path, 0o755)
        repo.dir.write("ok.txt", "")
        repo.dir.write("locked/secret.txt", "")
        chmod(repo.dir.url("locked"), 0o700)
        // Root reads everything, so as root the walk runs with a different filesystem uid on
        // this thread only (setfsuid is per thread): the root-owned 0700 directory is then
        // unreadable, exactly as for an ordinary user.
        let asRoot = geteuid() == 0
        if asRoot {
            _ = setFilesystemUID(65534)
        } else {
            chmod(repo.dir.url("locked"), 0o000)
        }
        defer {
            if asRoot { _ = setFilesystemUID(0) }
            chmod(repo.dir.url("locked"), 0o755)
        }
        if let probe = opendir(repo.dir.url("locked")) {
            closedir(probe)
            print("unreadableDirectoryIsAWarning: cannot make a directory unreadable here (no CAP_SETUID?); not checked")
            return
        }
        // One thread: the changed filesystem uid belongs to this thread only.
        let result = try repo.walk { $0.threads = 1 }
        #expect(result.files.map(\.relativePath) == ["ok.txt"])
        #expect(result.skipped == [SkippedEntry(path: "locked", reason: .unreadable)])
        #expect(result.warnings.count == 1)
        #expect(result.warnings.first?.contains("'locked'") == true)
        #expect(result.warnings.first?.contains("Permission denied") == true)
    }

    @Test func scanRootBelowTheWorkTreeHonoursParentRules() throws {
        let repo = try Repo()
        repo.dir.write(".gitignore", "*.log\n/sub/generated/\nsub/local.env\n")
        repo.dir.write("sub/.gitignore", "tmp/\n")
        repo.dir.write("sub/app.swift", "")
        repo.dir.write("sub/debug.log", "")
        repo.dir.write("sub/local.env", "")
        repo.dir.write("sub/generated/code.swift", "")
        repo.dir.write("sub/tmp/x", "")
        repo.dir.write("sub/deep/.env", "")
        let result = try repo.walk("sub")
        #expect(result.files.map(\.relativePath) == [".gitignore", "app.swift", "deep/.env"])
        #expect(result.files.first?.absolutePath == repo.dir.path + "/sub/.gitignore")
        #expect(result.workTreeRoot == repo.dir.path)
    }

    @Test func scanRootInsideAnIgnoredDirectory() throws {
        let repo = try Repo()
        repo.dir.write(".gitignore", "build/\n")
        repo.dir.write("build/gen/a.txt", "")
        repo.dir.write("build/gen/tracked.txt", "")
        try repo.git("add", "-f", "build/gen/tracked.txt")
        let result = try repo.walk("build/gen")
        #expect(result.files.map(\.relativePath) == ["tracked.txt"])
        #expect(result.warnings == ["scan root is inside the ignored directory 'build' (pattern 'build/' at \(repo.dir.path)/.gitignore:1); only tracked files are listed"])
        let untracked = try repo.walk("build/gen") { $0.includeTrackedFiles = false }
        #expect(untracked.files.isEmpty)
    }

    @Test func trackedFilesAreListedEvenWhenIgnored() throws {
        let repo = try Repo()
        repo.dir.write(".gitignore", ".env\nvendor/\n")
        repo.dir.write(".env", "SECRET=1")
        repo.dir.write("vendor/tracked/lib.c", "")
        repo.dir.write("vendor/untracked.c", "")
        repo.dir.write("app.c", "")
        try repo.git("add", "-f", ".env", "vendor/tracked/lib.c")
        let result = try repo.walk()
        #expect(result.files.map(\.relativePath) == [".env", ".gitignore", "app.c", "vendor/tracked/lib.c"])
        let stack = IgnoreStack.forDirectory(repo.dir.path, environment: repo.environment.variables)
        #expect(stack.isIgnored(".env", isDirectory: false))
        #expect(stack.isTracked(".env"))
        #expect(!stack.isTracked("vendor/untracked.c"))
        let strict = try repo.walk { $0.includeTrackedFiles = false }
        #expect(strict.files.map(\.relativePath) == [".gitignore", "app.c"])
    }

    @Test func linkedWorktreeUsesCommonInfoExclude() throws {
        let repo = try Repo()
        repo.dir.write("README", "")
        try repo.git("add", "README")
        try repo.git("commit", "-q", "-m", "init")
        let parent = TemporaryDirectory("gitignore-wt")
        let worktree = parent.path + "/wt"
        try repo.git("worktree", "add", "-q", worktree)
        repo.dir.write(".git/info/exclude", "*.secret\n")
        let tree = TemporaryDirectoryView(path: worktree)
        tree.write(".gitignore", "out/\n")
        tree.write("app.secret", "")
        tree.write("out/bin", "")
        tree.write("main.c", "")

        let stack = IgnoreStack.forDirectory(worktree, environment: repo.environment.variables)
        #expect(stack.workTreeRoot == worktree)
        #expect(stack.repository?.commonDirectory == repo.dir.path + "/.git")
        #expect(stack.repository?.gitDirectory == repo.dir.path + "/.git/worktrees/wt")
        #expect(stack.explain("app.secret", isDirectory: false)?.source == .infoExclude)

        var options = repo.options
        options.environment = repo.environment.variables
        let result = try Walker.walk(root: worktree, options: options)
        #expect(result.files.map(\.relativePath) == [".gitignore", "README", "main.c"])
        #expect(result.workTreeRoot == worktree)
        let git = try gitMust(["ls-files", "-o", "-c", "--exclude-standard"], in: worktree, environment: repo.environment.variables)
        #expect(String(decoding: git.stdout, as: UTF8.self).split(separator: "\n").sorted() == [".gitignore", "README", "main.c"])
    }

    @Test func outsideARepositoryOnlyGitignoreFilesBelowTheRootApply() throws {
        let repo = try Repo(git: false)
        repo.dir.write(".gitignore", "*.tmp\n")
        repo.dir.write("project/.gitignore", "dist/\n")
        repo.dir.write("project/dist/x.js", "")
        repo.dir.write("project/a.tmp", "")
        repo.dir.write("project/src/a.js", "")
        // Rooted at project/: the parent's .gitignore is not consulted.
        let result = try repo.walk("project")
        #expect(!result.isGitRepository)
        #expect(result.workTreeRoot == nil)
        #expect(result.files.map(\.relativePath) == [".gitignore", "a.tmp", "src/a.js"])
        let stack = IgnoreStack.forDirectory(repo.dir.url("project"), environment: repo.environment.variables)
        #expect(!stack.isGitRepository)
        #expect(stack.rootPath == repo.dir.url("project"))
        #expect(stack.isIgnored("dist/x.js", isDirectory: false))
    }

    @Test func rootErrors() throws {
        let repo = try Repo()
        #expect(throws: WalkError.rootNotFound(repo.dir.url("missing"))) {
            try Walker.walk(root: repo.dir.url("missing"), followSymlinks: false, useGitIgnore: true)
        }
        let message = WalkError.rootNotFound("x").description
        #expect(message == "scan root 'x' does not exist")
        repo.dir.write("single.txt", "abc")
        let single = try repo.walk("single.txt")
        #expect(single.files == [WalkedFile(relativePath: "single.txt", absolutePath: repo.dir.url("single.txt"), size: 3)])
    }

    @Test func specialFilesAreSkipped() throws {
        let repo = try Repo()
        repo.dir.write("a.txt", "")
        #expect(mkfifo(repo.dir.url("pipe"), 0o644) == 0)
        let result = try repo.walk()
        #expect(result.files.map(\.relativePath) == ["a.txt"])
        #expect(result.skipped == [SkippedEntry(path: "pipe", reason: .specialFile)])
    }

    @Test func nonUTF8NamesKeepTheirBytes() throws {
        let repo = try Repo()
        let name: [UInt8] = Array("bad-".utf8) + [0xFF, 0xFE] + Array(".txt".utf8)
        let path = Array(repo.dir.path.utf8) + [UInt8(ascii: "/")] + name
        let fd = (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        #expect(fd >= 0)
        close(fd)
        let result = try repo.walk()
        #expect(result.files.count == 1)
        #expect(result.files.first?.rawAbsolutePath == path)
    }

    @Test func sizesAndThreads() throws {
        let repo = try Repo()
        for i in 0..<50 { repo.dir.write("d\(i % 7)/e\(i % 3)/f\(i).txt", String(repeating: "x", count: i)) }
        repo.dir.write(".gitignore", "d3/\n*5.txt\n")
        let sequential = try repo.walk { $0.collectSizes = true; $0.threads = 1 }
        let parallel = try repo.walk { $0.collectSizes = true; $0.threads = 2 }
        #expect(sequential.files == parallel.files)
        for file in sequential.files where file.relativePath != ".gitignore" {
            #expect(file.size == Int(file.relativePath.split(separator: "/").last!.dropFirst().dropLast(4)))
        }
        #expect(sequential.files.count == 50 - 11 + 1)  // 7 under d3/, 5 ending in 5, f45 in both
        #expect(!sequential.files.contains { $0.relativePath.hasPrefix("d3/") || $0.relativePath.hasSuffix("5.txt") })
        let unsized = try repo.walk()
        #expect(unsized.files.allSatisfy { $0.size == -1 })
    }

    @Test func unknownEntryTypesFallBackToStat() throws {
        let repo = try Repo()
        repo.dir.write(".gitignore", "out/\n*.o\n")
        repo.dir.write("src/a.c", "")
        repo.dir.write("src/a.o", "")
        repo.dir.write("out/b.c", "")
        repo.dir.symlink("link", to: "src")
        #expect(mkfifo(repo.dir.url("fifo"), 0o644) == 0)
        let normal = try repo.walk()
        let fallback = try repo.walk { $0.ignoresEntryTypes = true }
        #expect(fallback.files == normal.files)
        #expect(fallback.skipped == normal.skipped)
        #expect(normal.files.map(\.relativePath) == [".gitignore", "src/a.c"])
        #expect(Set(normal.skipped) == [SkippedEntry(path: "link", reason: .symlink), SkippedEntry(path: "fifo", reason: .specialFile)])
    }

    @Test func symlinkedGitignoreIsRefusedLikeGit() throws {
        let repo = try Repo()
        repo.dir.write("rules", "a.txt\n")
        repo.dir.symlink(".gitignore", to: "rules")
        repo.dir.write("a.txt", "")
        let result = try repo.walk()
        #expect(result.files.map(\.relativePath) == ["a.txt", "rules"])
        #expect(result.warnings.contains { $0.contains(".gitignore") })
        let git = try gitMust(["ls-files", "-o", "--exclude-standard"], in: repo.dir.path, environment: repo.environment.variables)
        #expect(String(decoding: git.stdout, as: UTF8.self).split(separator: "\n").sorted() == [".gitignore", "a.txt", "rules"])
    }
}

/// `setfsuid(2)`, which Glibc's Swift module does not export: changes the uid used for
/// permission checks on the calling thread only.
func setFilesystemUID(_ uid: UInt32) -> Int32 {
    typealias SetFSUID = @convention(c) (UInt32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "setfsuid") else { return -1 }
    return unsafeBitCast(symbol, to: SetFSUID.self)(uid)
}

/// Writes into an existing directory that the test does not own (a worktree git created).
struct TemporaryDirectoryView {
    let path: String

    func write(_ relative: String, _ contents: String) {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(atPath: String(full[..<full.lastIndex(of: "/")!]), withIntermediateDirectories: true)
        try! contents.write(toFile: full, atomically: false, encoding: .utf8)
    }
}
