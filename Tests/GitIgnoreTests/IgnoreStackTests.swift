import Foundation
import Testing

@testable import GitIgnore
import LeakguardBase

@Suite struct IgnoreStackTests {
    struct Fixture {
        let repo = TemporaryDirectory("gitignore-stack")
        var environment = IsolatedEnvironment()

        init(git: Bool = true) throws {
            if git { try gitMust(["init", "-q", "--template="], in: repo.path, environment: environment.variables) }
        }

        func stack(from relative: String = "") -> IgnoreStack {
            IgnoreStack.forDirectory(repo.url(relative), environment: environment.variables)
        }
    }

    @Test func excludedParentCannotBeReincluded() throws {
        let fixture = try Fixture()
        fixture.repo.write(".gitignore", "build/\n!build/keep.txt\nlogs/*\n!logs/keep.txt\n")
        let stack = fixture.stack()
        #expect(stack.isIgnored("build/keep.txt", isDirectory: false))
        let decision = try #require(stack.explain("build/keep.txt", isDirectory: false))
        #expect(decision.pattern == "build/")
        #expect(decision.lineNumber == 1)
        #expect(decision.matchedPath == "build")
        #expect(decision.sourcePath == fixture.repo.url(".gitignore"))
        #expect(decision.source == .perDirectory)
        // logs/ itself is not excluded (only its contents), so the negation works.
        #expect(!stack.isIgnored("logs/keep.txt", isDirectory: false))
        #expect(stack.explain("logs/keep.txt", isDirectory: false)?.isNegated == true)
        #expect(stack.isIgnored("logs/other.txt", isDirectory: false))
    }

    @Test func hypotheticalPathsAndNormalisation() throws {
        let fixture = try Fixture()
        fixture.repo.write(".gitignore", ".env\n/out/\n")
        let stack = fixture.stack()
        // Nothing exists: the .env check asks about files that may appear later.
        #expect(stack.isIgnored("sub/.env", isDirectory: false))
        #expect(stack.isIgnored("./sub//deeper/./.env", isDirectory: false))
        #expect(stack.isIgnored("out/", isDirectory: false))  // a trailing slash means a directory
        #expect(!stack.isIgnored("out", isDirectory: false))
        #expect(stack.isIgnored("out/x/y.c", isDirectory: false))
        #expect(!stack.isIgnored("../elsewhere/.env", isDirectory: false))
        #expect(!stack.isIgnored("", isDirectory: true))
        #expect(stack.explain("src/main.c", isDirectory: false) == nil)
    }

    @Test func deeperFilesTakePrecedenceThenInfoExcludeThenExcludesFile() throws {
        let fixture = try Fixture()
        fixture.repo.write(".gitignore", "*.env\nx.cfg\n")
        fixture.repo.write("sub/.gitignore", "!*.env\n")
        fixture.repo.write(".git/info/exclude", "!x.cfg\n!y.cfg\nz.cfg\n")
        fixture.environment.home.write("global-ignore", "y.cfg\n!z.cfg\nw.cfg\n")
        fixture.repo.write(".git/config", "[core]\n\texcludesFile = ~/global-ignore\n")
        let stack = fixture.stack()
        #expect(stack.excludesFilePath == fixture.environment.home.path + "/global-ignore")
        #expect(stack.isIgnored("a.env", isDirectory: false))
        #expect(!stack.isIgnored("sub/a.env", isDirectory: false))
        #expect(stack.isIgnored("x.cfg", isDirectory: false))  // .gitignore beats info/exclude
        #expect(!stack.isIgnored("y.cfg", isDirectory: false))  // info/exclude beats excludesFile
        #expect(stack.isIgnored("z.cfg", isDirectory: false))
        #expect(stack.explain("w.cfg", isDirectory: false)?.source == .excludesFile)
        #expect(stack.explain("z.cfg", isDirectory: false)?.source == .infoExclude)
        #expect(stack.explain("z.cfg", isDirectory: false)?.description == fixture.repo.url(".git/info/exclude") + ":3:z.cfg\tz.cfg")
    }

    @Test func excludesFileFromEveryConfigSource() throws {
        var fixture = try Fixture()
        let home = fixture.environment.home
        home.write("a-ignore", "a\n")
        home.write("b-ignore", "b\n")
        home.write("c-ignore", "c\n")
        home.write("d-ignore", "d\n")
        home.write("xdg/git/ignore", "xdg-default\n")
        home.write(".config/git/ignore", "home-default\n")

        // Default: ~/.config/git/ignore, or $XDG_CONFIG_HOME/git/ignore when set.
        #expect(fixture.stack().isIgnored("home-default", isDirectory: false))
        fixture.environment.variables["XDG_CONFIG_HOME"] = home.path + "/xdg"
        #expect(fixture.stack().isIgnored("xdg-default", isDirectory: false))
        #expect(!fixture.stack().isIgnored("home-default", isDirectory: false))

        // ~/.gitconfig, then $XDG_CONFIG_HOME/git/config is read before it (later wins).
        home.write(".gitconfig", "[core]\n\texcludesfile = ~/a-ignore\n")
        #expect(fixture.stack().isIgnored("a", isDirectory: false))
        #expect(!fixture.stack().isIgnored("xdg-default", isDirectory: false))
        home.write("xdg/git/config", "[core]\n\texcludesfile = ~/b-ignore\n")
        #expect(fixture.stack().isIgnored("a", isDirectory: false))

        // GIT_CONFIG_GLOBAL replaces both global files.
        home.write("alt-config", "[core]\n\texcludesFile = \"\(home.path)/b-ignore\"\n")
        fixture.environment.variables["GIT_CONFIG_GLOBAL"] = home.path + "/alt-config"
        #expect(fixture.stack().isIgnored("b", isDirectory: false))
        #expect(!fixture.stack().isIgnored("a", isDirectory: false))

        // An include, and an includeIf on the git directory.
        home.write("alt-config", "[include]\n\tpath = inc-config\n[includeIf \"gitdir:\(fixture.repo.path)/\"]\n\tpath = ~/cond-config\n")
        home.write("inc-config", "[core]\n\texcludesFile = ~/c-ignore\n")
        home.write("cond-config", "[core]\n\texcludesFile = ~/d-ignore\n")
        #expect(fixture.stack().isIgnored("d", isDirectory: false))
        home.write("alt-config", "[include]\n\tpath = inc-config\n[includeIf \"gitdir:/nowhere/\"]\n\tpath = ~/cond-config\n")
        #expect(fixture.stack().isIgnored("c", isDirectory: false))

        // The repository config beats global config; `git -c` (GIT_CONFIG_PARAMETERS) beats both.
        fixture.repo.write(".git/config", "[core]\n\texcludesFile = \(home.path)/a-ignore\n")
        #expect(fixture.stack().isIgnored("a", isDirectory: false))
        fixture.environment.variables["GIT_CONFIG_PARAMETERS"] = "'core.excludesfile'='\(home.path)/b-ignore'"
        #expect(fixture.stack().isIgnored("b", isDirectory: false))
        #expect(!fixture.stack().isIgnored("a", isDirectory: false))
    }

    @Test func outsideARepository() throws {
        let fixture = try Fixture(git: false)
        fixture.repo.write(".gitignore", "*.tmp\n")
        fixture.repo.write("sub/.gitignore", "!keep.tmp\n")
        let stack = fixture.stack()
        #expect(!stack.isGitRepository)
        #expect(stack.workTreeRoot == nil)
        #expect(stack.rootPath == fixture.repo.path)
        #expect(stack.isIgnored("a.tmp", isDirectory: false))
        #expect(!stack.isIgnored("sub/keep.tmp", isDirectory: false))
        #expect(stack.globalMatchers.isEmpty)
    }

    @Test func discoveryFromASubdirectoryAndRelativePaths() throws {
        let fixture = try Fixture()
        fixture.repo.write("a/b/c.txt", "")
        let stack = fixture.stack(from: "a/b")
        #expect(stack.workTreeRoot == fixture.repo.path)
        #expect(stack.relativePath(forAbsolutePath: fixture.repo.url("a/b/c.txt")) == "a/b/c.txt")
        #expect(stack.relativePath(forAbsolutePath: "/somewhere/else") == nil)
        // Starting from a file works too.
        #expect(IgnoreStack.forDirectory(fixture.repo.url("a/b/c.txt"), environment: fixture.environment.variables).workTreeRoot == fixture.repo.path)
    }

    @Test func concurrentQueriesAgree() throws {
        let fixture = try Fixture()
        fixture.repo.write(".gitignore", "*.o\n")
        for i in 0..<20 { fixture.repo.write("d\(i)/.gitignore", "!keep\(i).o\n") }
        let stack = fixture.stack()
        let results = Locked([Bool](repeating: false, count: 400))
        DispatchQueue.concurrentPerform(iterations: 400) { i in
            let ignored = stack.isIgnored("d\(i % 20)/keep\(i / 20).o", isDirectory: false)
            results.withLock { $0[i] = ignored }
        }
        let answers = results.withLock { $0 }
        for i in 0..<400 { #expect(answers[i] == (i % 20 != i / 20)) }
    }
}

@Suite struct RepositoryTests {
    @Test func gitFileWithRelativeGitdirAsInSubmodules() throws {
        let top = TemporaryDirectory("gitignore-repo")
        let environment = IsolatedEnvironment()
        try gitMust(["init", "-q", "--template="], in: top.path, environment: environment.variables)
        top.makeDirectory(".git/modules")
        try gitMust(["init", "-q", "--template=", "--separate-git-dir", top.path + "/.git/modules/sub", top.path + "/sub"],
                    in: top.path, environment: environment.variables)
        top.write("sub/.git", "gitdir: ../.git/modules/sub\n")
        top.write(".git/modules/sub/info/exclude", "*.secret\n")
        let repository = try #require(GitRepository.discover(from: top.path + "/sub"))
        #expect(repository.workTreeRoot == top.path + "/sub")
        #expect(repository.gitDirectory == top.path + "/.git/modules/sub")
        #expect(repository.commonDirectory == repository.gitDirectory)
        #expect(IgnoreStack.forDirectory(top.path + "/sub", environment: environment.variables).isIgnored("a.secret", isDirectory: false))
    }

    @Test func notARepositoryAndInsideTheGitDirectory() throws {
        let plain = TemporaryDirectory("gitignore-plain")
        #expect(GitRepository.discover(from: plain.path) == nil)
        let environment = IsolatedEnvironment()
        try gitMust(["init", "-q"], in: plain.path, environment: environment.variables)
        #expect(GitRepository.discover(from: plain.path + "/.git/objects") == nil)
        #expect(GitRepository.discover(from: plain.path)?.workTreeRoot == plain.path)
    }

    @Test func configParsing() {
        let text = """
            # comment
            [core]
            \texcludesFile = ~/x  ; trailing comment
            [Core "Sub.Section"] Name = "quoted # kept"  tail   words
            [section.Legacy]
            \tflag
            \tmulti = one \\
            two
            \tescaped = "a\\tb\\\\c\\"d"
            [broken
            [after] never = seen
            """
        let entries = GitConfig.parse(Array(text.utf8))
        #expect(entries.map(\.key) == ["core.excludesfile", "core.Sub.Section.name", "section.legacy.flag", "section.legacy.multi", "section.legacy.escaped"])
        #expect(entries.map(\.value) == ["~/x", "quoted # kept  tail   words", nil, "one two", "a\tb\\c\"d"])
        #expect(GitConfig.canonicalKey("Core.ExcludesFile") == "core.excludesfile")
        #expect(GitConfig.canonicalKey("includeIf.gitdir:~/Work/.Path") == "includeif.gitdir:~/Work/.path")
    }

    @Test func commandLineParameters() {
        let entries = GitConfig.parseParameters("'core.excludesFile'='/tmp/it'\\''s' 'user.name=A B' 'core.bare'")
        #expect(entries == [
            GitConfig.Entry(key: "core.excludesfile", value: "/tmp/it's"),
            GitConfig.Entry(key: "user.name", value: "A B"),
            GitConfig.Entry(key: "core.bare", value: nil),
        ])
    }
}
