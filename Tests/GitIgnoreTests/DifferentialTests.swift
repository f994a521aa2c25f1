import Foundation
import Testing

@testable import GitIgnore

/// Random work trees, checked against real git.
///
/// Each layout is a small tree of files and directories with `.gitignore` files at random
/// levels, sometimes `info/exclude` and an excludes file (via repository config, `~/`, or the
/// XDG default). Every path, plus a few that do not exist, goes through
/// `git check-ignore --no-index -v -n -z --stdin` in one call; its answer (which pattern, from
/// which file and line, negated or not) must equal ``IgnoreStack/explain(_:isDirectory:)``.
/// The walker is compared with `git ls-files -o --exclude-standard`, from the top and from a
/// random subdirectory, on one and two threads.
@Suite struct DifferentialTests {
    static let chunks = 16
    static let layoutsPerChunk = 15

    @Test("random layouts agree with git", arguments: 0..<chunks)
    func randomLayouts(chunk: Int) throws {
        var stats = (layouts: 0, pathChecks: 0, ignored: 0, negatedDecisions: 0, walkChecks: 0)
        for offset in 0..<Self.layoutsPerChunk {
            let seed = UInt64(chunk * 1000 + offset)
            var generator = LayoutGenerator(seed: seed)
            let layout = generator.make()
            let result = try check(layout, seed: seed)
            stats.layouts += 1
            stats.pathChecks += result.pathChecks
            stats.ignored += result.ignored
            stats.negatedDecisions += result.negated
            stats.walkChecks += result.walkChecks
        }
        print("differential chunk \(chunk): \(stats.layouts) layouts, \(stats.pathChecks) path checks "
            + "(\(stats.ignored) ignored, \(stats.negatedDecisions) decided by a negation), "
            + "\(stats.walkChecks) walker comparisons")
    }

    struct CheckResult {
        var pathChecks = 0
        var ignored = 0
        var negated = 0
        var walkChecks = 0
    }

    func check(_ layout: Layout, seed: UInt64) throws -> CheckResult {
        let repo = TemporaryDirectory("gitignore-diff")
        var environment = IsolatedEnvironment()
        try gitMust(["init", "-q", "--template="], in: repo.path, environment: environment.variables)

        for directory in layout.directories { repo.makeDirectory(directory) }
        for file in layout.files { repo.write(file, "x\n") }
        for (directory, contents) in layout.ignoreFiles {
            repo.write(directory.isEmpty ? ".gitignore" : directory + "/.gitignore", bytes: contents)
        }
        if let contents = layout.infoExclude { repo.write(".git/info/exclude", bytes: contents) }
        var excludesPath: String? = nil
        switch layout.excludesMode {
        case .none:
            break
        case .configAbsolute:
            excludesPath = environment.home.path + "/custom-excludes"
            appendConfig(repo, "[core]\n\texcludesFile = \"\(excludesPath!)\"\n")
        case .configTilde:
            excludesPath = environment.home.path + "/tilde-excludes"
            appendConfig(repo, "[Core]\n\tExcludesFile = ~/tilde-excludes ; a comment\n")
        case .xdgDefault:
            environment.variables["XDG_CONFIG_HOME"] = environment.home.path + "/xdg"
            excludesPath = environment.home.path + "/xdg/git/ignore"
        case .homeDefault:
            excludesPath = environment.home.path + "/.config/git/ignore"
        case .commandLine:
            // `git -c core.excludesFile=...`; hooks see it as GIT_CONFIG_PARAMETERS.
            excludesPath = environment.home.path + "/cli-excludes"
        }
        var gitOptions: [String] = []
        var ourEnvironment = environment.variables
        if layout.excludesMode == .commandLine, let excludesPath {
            gitOptions = ["-c", "core.excludesFile=" + excludesPath]
            ourEnvironment["GIT_CONFIG_PARAMETERS"] = "'core.excludesFile'='\(excludesPath)'"
        }
        if let excludesPath, let contents = layout.excludesFile {
            environment.home.write(String(excludesPath.dropFirst(environment.home.path.count + 1)), bytes: contents)
        }

        var result = CheckResult()
        let stack = IgnoreStack.forDirectory(repo.path, environment: ourEnvironment)
        #expect(stack.isGitRepository)
        #expect(stack.workTreeRoot == repo.path)

        // --- isIgnored / explain against check-ignore ---
        let queries = layout.queries
        var input = Data()
        for query in queries {
            input.append(contentsOf: Array(query.path.utf8))
            input.append(0)
        }
        let checkIgnore = try runGit(gitOptions + ["check-ignore", "--no-index", "-v", "-n", "-z", "--stdin"],
                                     in: repo.path, environment: environment.variables, input: input)
        #expect(checkIgnore.status == 0 || checkIgnore.status == 1, "check-ignore failed: \(checkIgnore.stderr)")
        let fields = nulFields(checkIgnore.stdout)
        guard fields.count == queries.count * 4 else {
            Issue.record("unexpected check-ignore output: \(fields.count) fields for \(queries.count) paths\n\(checkIgnore.stderr)")
            return result
        }
        var mismatches = 0
        for (i, query) in queries.enumerated() {
            let source = fields[i * 4], line = fields[i * 4 + 1], pattern = fields[i * 4 + 2], path = fields[i * 4 + 3]
            #expect(path == query.path)
            let gitAnswer = source.isEmpty ? "no match" : "\(source):\(line):\(pattern)"
            let decision = stack.explain(query.path, isDirectory: query.isDirectory)
            let ours = decision.map { "\(displaySource($0.sourcePath, root: repo.path)):\($0.lineNumber):\($0.pattern)" } ?? "no match"
            result.pathChecks += 1
            if let decision, !decision.isNegated { result.ignored += 1 }
            if decision?.isNegated == true { result.negated += 1 }
            if gitAnswer != ours || stack.isIgnored(query.path, isDirectory: query.isDirectory) != (decision?.isIgnored ?? false) {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("""
                        seed \(seed): path '\(query.path.visible)' (\(query.isDirectory ? "directory" : "file"))
                          git:  \(gitAnswer.visible)
                          ours: \(ours.visible)
                        \(layout.dump(excludesPath: excludesPath))
                        """)
                }
            }
        }

        // --- walker against ls-files ---
        let lsFiles = try gitMust(gitOptions + ["ls-files", "-o", "--exclude-standard", "-z"], in: repo.path, environment: environment.variables)
        let expected = Set(nulFields(lsFiles.stdout))
        var options = WalkOptions()
        options.environment = ourEnvironment
        options.threads = 1
        let walked = try Walker.walk(root: repo.path, options: options)
        let walkedPaths = walked.files.map(\.relativePath)
        result.walkChecks += 1
        if Set(walkedPaths) != expected || walkedPaths.count != expected.count {
            Issue.record("""
                seed \(seed): walker differs from git ls-files -o
                  only git:    \(expected.subtracting(walkedPaths).sorted().map(\.visible))
                  only walker: \(Set(walkedPaths).subtracting(expected).sorted().map(\.visible))
                \(layout.dump(excludesPath: excludesPath))
                """)
        }
        options.threads = 2
        let parallel = try Walker.walk(root: repo.path, options: options)
        #expect(parallel.files.map(\.relativePath) == walkedPaths, "seed \(seed): two threads changed the output")
        result.walkChecks += 1

        if let subdirectory = layout.walkSubdirectory {
            options.threads = 1
            let sub = try Walker.walk(root: repo.url(subdirectory), options: options)
            let subPaths = Set(sub.files.map { subdirectory + "/" + $0.relativePath })
            let subExpected = expected.filter { $0.hasPrefix(subdirectory + "/") }
            result.walkChecks += 1
            if subPaths != subExpected {
                Issue.record("""
                    seed \(seed): walker from '\(subdirectory.visible)' differs from git ls-files -o
                      only git:    \(subExpected.subtracting(subPaths).sorted().map(\.visible))
                      only walker: \(subPaths.subtracting(subExpected).sorted().map(\.visible))
                    \(layout.dump(excludesPath: excludesPath))
                    """)
            }
        }
        return result
    }

    func appendConfig(_ repo: TemporaryDirectory, _ text: String) {
        let path = repo.url(".git/config")
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        repo.write(".git/config", existing + text)
    }

    func displaySource(_ path: String, root: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}

// MARK: - Random layouts

struct Layout {
    enum ExcludesMode: CaseIterable {
        case none, configAbsolute, configTilde, xdgDefault, homeDefault, commandLine
    }

    struct Query {
        var path: String
        var isDirectory: Bool
    }

    var files: [String] = []
    var directories: [String] = []
    /// Directory ("" for the root) → raw `.gitignore` contents.
    var ignoreFiles: [(String, [UInt8])] = []
    var infoExclude: [UInt8]? = nil
    var excludesFile: [UInt8]? = nil
    var excludesMode: ExcludesMode = .none
    var missingPaths: [String] = []
    var walkSubdirectory: String? = nil

    var queries: [Query] {
        directories.map { Query(path: $0, isDirectory: true) }
            + (files + ignoreFiles.map { $0.0.isEmpty ? ".gitignore" : $0.0 + "/.gitignore" }).map { Query(path: $0, isDirectory: false) }
            + missingPaths.map { Query(path: $0, isDirectory: false) }
    }

    func dump(excludesPath: String?) -> String {
        func show(_ name: String, _ bytes: [UInt8]) -> String {
            let text = String(decoding: bytes, as: UTF8.self)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            return "  \(name):\n" + lines.enumerated().map { "    \($0.offset + 1)| \($0.element.visible)" }.joined(separator: "\n")
        }
        var parts = ["layout:"]
        for (directory, contents) in ignoreFiles {
            parts.append(show(directory.isEmpty ? ".gitignore" : directory + "/.gitignore", contents))
        }
        if let infoExclude { parts.append(show(".git/info/exclude", infoExclude)) }
        if let excludesFile, let excludesPath { parts.append(show("excludes \(excludesMode) \(excludesPath)", excludesFile)) }
        parts.append("  directories: \(directories.map(\.visible))")
        parts.append("  files: \(files.map(\.visible))")
        return parts.joined(separator: "\n")
    }
}

struct LayoutGenerator {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 17) }

    /// Names chosen to collide with patterns, including every character with a meaning in
    /// gitignore syntax.
    static let names = [
        "a", "b", "ab", "abc", "foo", "bar", "Foo", "foo.txt", "bar.log", "x.log", "a.o", "lib.a",
        "build", "out", "doc", "src", ".env", ".hidden", "a b", "trail ", "#hash", "!bang",
        "br[a]ck", "q?", "st*r", "back\\slash", "tab\tname", "ümlaut", "dir.d", "Makefile", "x",
        "node_modules", "1", "a-b", "a]b", "^c",
    ]

    static let fragments = [
        "*", "**", "?", "*.log", "*.o", "*.txt", "[abc]*", "[!a]*", "[^f]oo", "[a-f]?", "f*o", "*a*",
        "?b*", "[[:upper:]]*", "[[:digit:]]", "[[:space:]]*", "*[[:punct:]]*", "[[:alnum:]]*", "a", "b",
        "foo", "build", "src", "doc", "*\\ ", "\\#hash", "\\!bang", "br\\[a]ck", "br[[]a]ck", "q\\?",
        "st\\*r", "back\\\\slash", "ab[", "[]]", "[!]]", "[a-]", "[z-a]", "***", "a**", "**b", "a\\b",
        "[\\]]b", "a[]]b", "[[:alpha:]", "[[:bogus:]]", "[--b]", "\\^c", "[\\^]c", "*[!.]*", "tab[[:blank:]]name",
    ]

    static let specialLines = [
        "", "#comment", "   ", "\\#hash", "#hash", "\\!bang", "!bang", "trail\\ ", "trail ", "trail\\  ", "!",
        "/", "**", "*", "!*", "!**/", "\\", "a\\", "**/", "/**", "*/", "[", "[[:space:]]*", "\t", "x.log\t",
        "!/*", "*/*", "**/*/", "/*/", "!*/", "\\ ", "tab\tname", "tab?name", "*.log", "!x.log",
        "doc/**/*.txt", "**/build/**", "!**/build/", "a/**/b", "\\!*", "!\\!bang", "**/", "!foo/", "foo/",
    ]

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    mutating func make() -> Layout {
        var layout = Layout()
        makeTree(&layout, directory: "", depth: 0)

        var ignoreDirectories = [""]
        for directory in layout.directories where chance(0.35) { ignoreDirectories.append(directory) }
        for directory in ignoreDirectories {
            if directory.isEmpty && chance(0.1) { continue }
            layout.ignoreFiles.append((directory, encode(lines(base: directory, layout: layout, count: Int.random(in: 1...7, using: &rng)))))
        }
        if chance(0.4) {
            layout.infoExclude = encode(lines(base: "", layout: layout, count: Int.random(in: 1...3, using: &rng)))
        }
        layout.excludesMode = pick(Layout.ExcludesMode.allCases)
        if layout.excludesMode != .none || chance(0.3) {
            layout.excludesFile = encode(lines(base: "", layout: layout, count: Int.random(in: 1...3, using: &rng)))
        }
        for directory in layout.directories where chance(0.3) {
            layout.missingPaths.append(directory + "/.env")
        }
        layout.missingPaths.append(".env.missing")
        layout.missingPaths.append("missing-dir/deeper/.env")
        if !layout.directories.isEmpty { layout.walkSubdirectory = pick(layout.directories) }
        return layout
    }

    mutating func makeTree(_ layout: inout Layout, directory: String, depth: Int) {
        let fileCount = Int.random(in: 1...4, using: &rng)
        let directoryCount = depth < 3 ? Int.random(in: 0...(3 - depth), using: &rng) : 0
        let chosen = Self.names.shuffled(using: &rng).prefix(fileCount + directoryCount)
        for (i, name) in chosen.enumerated() {
            let path = directory.isEmpty ? name : directory + "/" + name
            if i < directoryCount {
                layout.directories.append(path)
                makeTree(&layout, directory: path, depth: depth + 1)
            } else {
                layout.files.append(path)
            }
        }
    }

    /// Joins lines with LF, sometimes CRLF, sometimes a BOM, sometimes no final newline.
    mutating func encode(_ lines: [String]) -> [UInt8] {
        let separator = chance(0.1) ? "\r\n" : "\n"
        var text = lines.joined(separator: separator)
        if chance(0.7) { text += separator }
        var bytes = Array(text.utf8)
        if chance(0.05) { bytes = [0xEF, 0xBB, 0xBF] + bytes }
        return bytes
    }

    mutating func lines(base: String, layout: Layout, count: Int) -> [String] {
        var result: [String] = []
        let below = (layout.files + layout.directories).compactMap { path -> String? in
            if base.isEmpty { return path }
            return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : nil
        }
        let belowDirectoryList = layout.directories.compactMap { path -> String? in
            if base.isEmpty { return path }
            return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : nil
        }
        let belowDirectories = Set(belowDirectoryList)
        while result.count < count {
            let roll = Double.random(in: 0..<1, using: &rng)
            if roll < 0.45, !below.isEmpty {
                let target = pick(below)
                result.append(derivedPattern(target, isDirectory: belowDirectories.contains(target)))
            } else if roll < 0.55, !belowDirectoryList.isEmpty {
                let directory = pick(belowDirectoryList)
                // An excluded directory followed by an attempt to re-include something in it.
                let children = below.filter { $0.hasPrefix(directory + "/") }
                result.append(pick([escape(directory) + "/", escape(directory), escape(directory) + "/*", escape(directory) + "/**"]))
                if let child = children.randomElement(using: &rng) {
                    result.append("!" + pick(["", "/"]) + escape(child) + (chance(0.3) ? "/" : ""))
                } else {
                    result.append("!" + escape(directory))
                }
            } else if roll < 0.8 {
                result.append(fragmentPattern())
            } else {
                result.append(pick(Self.specialLines))
            }
        }
        return result
    }

    /// Escapes a name so that it matches literally; sometimes deliberately not.
    mutating func escape(_ path: String) -> String {
        if chance(0.1) { return path }
        var out = ""
        let scalars = Array(path.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            switch scalar {
            case "*", "?", "[", "\\":
                out += "\\" + String(scalar)
            case "#" where i == 0, "!" where i == 0:
                out += "\\" + String(scalar)
            case " " where i == scalars.count - 1:
                out += "\\ "
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A pattern built from an existing path, with random wildcards replacing parts of it.
    mutating func derivedPattern(_ path: String, isDirectory: Bool) -> String {
        let components = path.split(separator: "/").map(String.init)
        var parts: [String]
        var leadingSlash = false
        switch Int.random(in: 0..<7, using: &rng) {
        case 0:
            parts = [components.last!]
        case 1:
            parts = components
            leadingSlash = components.count == 1 || chance(0.5)
        case 2:
            let k = Int.random(in: 1...components.count, using: &rng)
            parts = ["**"] + components.suffix(k)
        case 3:
            parts = Array(components.prefix(Int.random(in: 1...components.count, using: &rng))) + ["**"]
        case 4 where components.count >= 2:
            parts = [components.first!, "**", components.last!]
        case 5 where components.count >= 2:
            parts = components
            parts[Int.random(in: 0..<(components.count - 1), using: &rng)] = "*"
        case 6:
            // git matches the literal prefix separately, so "dir/na**" matches "dir/name/x".
            var last = components.last!
            if last.count > 1 { last = String(last.prefix(Int.random(in: 1..<last.count, using: &rng))) }
            parts = Array(components.dropLast()) + [last + pick(["**", "*", "**/", "?*"])]
        default:
            parts = components
        }
        var pieces: [String] = []
        for part in parts {
            if part == "**" || part == "*" || part.hasSuffix("**") || part.hasSuffix("*") || part.hasSuffix("**/") || part.hasSuffix("?*") {
                let (literal, wildcard) = splitWildcardSuffix(part)
                pieces.append(mutate(literal) + wildcard)
            } else {
                pieces.append(mutate(part))
            }
        }
        var pattern = (leadingSlash ? "/" : "") + pieces.joined(separator: "/")
        if chance(isDirectory ? 0.35 : 0.1) && !pattern.hasSuffix("/") { pattern += "/" }
        if chance(0.25) { pattern = "!" + pattern }
        if chance(0.08) { pattern += pick(["  ", " ", "\t"]) }
        return pattern
    }

    func splitWildcardSuffix(_ part: String) -> (String, String) {
        for suffix in ["**/", "**", "?*", "*"] where part.hasSuffix(suffix) {
            return (String(part.dropLast(suffix.count)), suffix)
        }
        return (part, "")
    }

    /// Escapes a literal component and swaps some characters for `?`, classes or `*`.
    mutating func mutate(_ name: String) -> String {
        if name.isEmpty { return "" }
        if chance(0.08) { return pick(["*", "**", "?*", "*" + String(name.last!)]) }
        let escaped = escape(name)
        if chance(0.6) { return escaped }
        var out = ""
        var starred = false
        for scalar in name.unicodeScalars {
            let c = String(scalar)
            let isAlnum = scalar.properties.isASCIIHexDigit || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
            let roll = Double.random(in: 0..<1, using: &rng)
            if roll < 0.1 {
                out += "?"
            } else if roll < 0.16 && isAlnum {
                out += pick(["[\(c)q]", "[!q\(c == "q" ? "z" : "")]", "[a-\(c)]", "[\(c)-z]", "[[:alnum:]]", "[^\(c)]"])
            } else if roll < 0.2 && !starred {
                out += "*"
                starred = true
            } else {
                out += escape(c)
            }
        }
        return out
    }

    mutating func fragmentPattern() -> String {
        let count = Int.random(in: 1...3, using: &rng)
        var parts: [String] = []
        for _ in 0..<count { parts.append(pick(Self.fragments)) }
        var pattern = parts.joined(separator: "/")
        if chance(0.2) { pattern = "/" + pattern }
        if chance(0.2) { pattern += "/" }
        if chance(0.25) { pattern = "!" + pattern }
        return pattern
    }
}
