import LeakguardBase
#if canImport(Glibc)
import Glibc
#endif


/// Which pattern decided whether a path is ignored.
public struct IgnoreDecision: Sendable, Equatable, CustomStringConvertible {
    /// The file holding the pattern (absolute path).
    public var sourcePath: String
    public var source: IgnoreSource
    /// Directory of that file relative to the root ("" for the root or for global files).
    public var baseDirectory: String
    public var lineNumber: Int
    /// The pattern as written (`!keep.log`, `build/`).
    public var pattern: String
    /// A negated pattern decided: the path is *not* ignored.
    public var isNegated: Bool
    /// The path the pattern matched: the queried path or, when a parent directory is
    /// excluded, that directory.
    public var matchedPath: String

    public var isIgnored: Bool { !isNegated }

    /// `source:line:pattern<TAB>path`, the shape of `git check-ignore -v`.
    public var description: String { "\(sourcePath):\(lineNumber):\(pattern)\t\(matchedPath)" }
}

/// All ignore rules that apply below one root, with `.gitignore` files read lazily and cached.
///
/// Inside a git work tree the root is the top of the work tree and the sources, highest
/// precedence first, are: `.gitignore` files from the deepest directory up to the root, then
/// `$GIT_DIR/info/exclude`, then `core.excludesFile`. Outside a repository only `.gitignore`
/// files below the given directory apply. Thread-safe.
public final class IgnoreStack: @unchecked Sendable {
    /// Paths given to ``isIgnored(_:isDirectory:)`` are relative to this directory.
    public let rootPath: String
    public let repository: GitRepository?
    /// The resolved `core.excludesFile` (or its default), whether or not it exists.
    public let excludesFilePath: String?
    /// `info/exclude` then the excludes file, in precedence order; empty outside a repository.
    public let globalMatchers: [GitIgnoreMatcher]

    public var workTreeRoot: String? { repository?.workTreeRoot }
    public var isGitRepository: Bool { repository != nil }

    /// Problems met while reading ignore files (unreadable, or a symlinked `.gitignore`, which
    /// git refuses to follow).
    public var warnings: [String] { state.withLock { $0.warnings } }

    private let rootBytes: [UInt8]
    private let indexPath: String?
    private let hashSize: Int
    private let state = Locked(State())

    private struct State {
        /// Keyed by directory relative to the root; `.some(nil)` records "no .gitignore here".
        var matchers: [DirectoryKey: GitIgnoreMatcher?] = [:]
        var warnings: [String] = []
        var tracked: TrackedPaths? = nil
    }

    /// A plain hierarchy of `.gitignore` files below `rootPath`, plus any extra matchers
    /// (lowest precedence last). No repository lookup.
    public init(rootPath: String, globalMatchers: [GitIgnoreMatcher] = []) {
        self.rootPath = rootPath
        self.rootBytes = Array(rootPath.utf8)
        self.repository = nil
        self.excludesFilePath = nil
        self.globalMatchers = globalMatchers
        self.indexPath = nil
        self.hashSize = 20
    }

    private init(repository: GitRepository, excludesFilePath: String?, globalMatchers: [GitIgnoreMatcher],
                 indexPath: String, hashSize: Int, warnings: [String]) {
        self.rootPath = repository.workTreeRoot
        self.rootBytes = Array(repository.workTreeRoot.utf8)
        self.repository = repository
        self.excludesFilePath = excludesFilePath
        self.globalMatchers = globalMatchers
        self.indexPath = indexPath
        self.hashSize = hashSize
        state.withLock { $0.warnings = warnings }
    }

    /// Discovers the repository enclosing `path`, reads git's configuration for
    /// `core.excludesFile`, and prepares the stack. Outside a repository the stack is rooted
    /// at `path` itself.
    public static func forDirectory(_ path: String) -> IgnoreStack {
        forDirectory(path, environment: ProcessEnvironment.current())
    }

    /// As ``forDirectory(_:)``, with an explicit environment (`HOME`, `XDG_CONFIG_HOME`,
    /// `GIT_CONFIG_*`), so tests and embedders need not depend on the user's configuration.
    public static func forDirectory(_ path: String, environment: [String: String]) -> IgnoreStack {
        let absolute = FileSystem.absolute(path)
        var start = FileSystem.realPath(absolute) ?? absolute
        if FileSystem.kind(start) != .directory && FileSystem.kind(start) != .missing {
            start = FileSystem.parent(start)
        }
        guard let repository = GitRepository.discover(from: start) else {
            return IgnoreStack(rootPath: start)
        }

        var config = GitConfig()
        let context = GitConfig.Context(environment: environment, gitDirectory: repository.gitDirectory)
        if !(GitConfig.parseBool(environment["GIT_CONFIG_NOSYSTEM"] ?? "false") ?? false) {
            config.load(file: environment["GIT_CONFIG_SYSTEM"] ?? "/etc/gitconfig", context: context)
        }
        if let global = environment["GIT_CONFIG_GLOBAL"] {
            if !global.isEmpty { config.load(file: global, context: context) }
        } else {
            if let xdg = xdgConfigPath("config", environment) { config.load(file: xdg, context: context) }
            if let home = environment["HOME"], !home.isEmpty {
                config.load(file: FileSystem.join(home, ".gitconfig"), context: context)
            }
        }
        config.load(file: FileSystem.join(repository.commonDirectory, "config"), context: context)
        if config.bool("extensions.worktreeConfig") == true {
            config.load(file: FileSystem.join(repository.gitDirectory, "config.worktree"), context: context)
        }
        config.entries.append(contentsOf: GitConfig.environmentEntries(environment))

        var warnings: [String] = []
        var excludesFile: String? = nil
        if let entry = config.last("core.excludesFile") {
            if let value = entry.value, !value.isEmpty {
                if let expanded = expandUser(value, environment) {
                    excludesFile = expanded.hasPrefix("/") ? expanded : FileSystem.join(repository.workTreeRoot, expanded)
                } else {
                    warnings.append("cannot expand core.excludesFile '\(value)'")
                }
            }
        } else {
            excludesFile = xdgConfigPath("ignore", environment)
        }

        var globals: [GitIgnoreMatcher] = []
        let infoExclude = FileSystem.join(repository.commonDirectory, "info/exclude")
        if let matcher = loadMatcher(infoExclude, source: .infoExclude, warnings: &warnings) {
            globals.append(matcher)
        }
        if let excludesFile, let matcher = loadMatcher(excludesFile, source: .excludesFile, warnings: &warnings) {
            globals.append(matcher)
        }

        var indexPath = FileSystem.join(repository.gitDirectory, "index")
        if let override = environment["GIT_INDEX_FILE"], !override.isEmpty {
            indexPath = FileSystem.absolute(override)
        }
        let hashSize = config.last("extensions.objectFormat")?.value?.lowercased() == "sha256" ? 32 : 20
        return IgnoreStack(repository: repository, excludesFilePath: excludesFile, globalMatchers: globals,
                           indexPath: indexPath, hashSize: hashSize, warnings: warnings)
    }

    private static func loadMatcher(_ path: String, source: IgnoreSource, warnings: inout [String]) -> GitIgnoreMatcher? {
        switch FileSystem.readFile(path) {
        case .contents(let bytes):
            return GitIgnoreMatcher(contents: bytes, baseBytes: [], sourcePath: path, source: source)
        case .missing:
            return nil
        case .failed(let code):
            warnings.append("unable to access '\(path)': \(FileSystem.errorMessage(code))")
            return nil
        }
    }

    /// `$XDG_CONFIG_HOME/git/<name>`, or `~/.config/git/<name>` when it is unset or empty.
    static func xdgConfigPath(_ name: String, _ environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return FileSystem.join(xdg, "git/" + name)
        }
        if let home = environment["HOME"], !home.isEmpty {
            return FileSystem.join(home, ".config/git/" + name)
        }
        return nil
    }

    /// `~/` and `~user/` expansion for configured paths.
    static func expandUser(_ path: String, _ environment: [String: String]) -> String? {
        if let simple = GitConfig.expandHome(path, environment: environment) { return simple }
        guard path.hasPrefix("~") else { return path }
        let afterTilde = path.dropFirst()
        let name = afterTilde.prefix { $0 != "/" }
        guard let entry = getpwnam(String(name)), let directory = entry.pointee.pw_dir else { return nil }
        return String(cString: directory) + afterTilde.dropFirst(name.count)
    }

    // MARK: Queries

    /// Would git ignore this path if it were untracked? `relativePath` is relative to
    /// ``rootPath`` (the work tree root in a repository); a trailing `/` implies a directory.
    /// A path below an ignored directory is ignored whatever its own patterns say.
    public func isIgnored(_ relativePath: String, isDirectory: Bool) -> Bool {
        explain(relativePath, isDirectory: isDirectory)?.isIgnored ?? false
    }

    /// The pattern that decides ``isIgnored(_:isDirectory:)``, or nil when none matches.
    /// Like `git check-ignore -v`, a decisive negated pattern is reported too.
    public func explain(_ relativePath: String, isDirectory: Bool) -> IgnoreDecision? {
        guard let normalized = PathBytes.normalizedRelative(relativePath), !normalized.bytes.isEmpty else {
            return nil
        }
        let path = normalized.bytes
        guard let (match, matchedLength) = decide(path, isDirectory: isDirectory || normalized.hadTrailingSlash) else {
            return nil
        }
        let pattern = match.pattern
        return IgnoreDecision(
            sourcePath: match.matcher.sourcePath, source: match.matcher.source,
            baseDirectory: match.matcher.baseDirectory, lineNumber: pattern.lineNumber,
            pattern: pattern.text, isNegated: pattern.isNegated,
            matchedPath: String(decoding: path[..<matchedLength], as: UTF8.self))
    }

    /// Turns an absolute path into one relative to ``rootPath``; nil when it lies outside.
    public func relativePath(forAbsolutePath path: String) -> String? {
        let absolute = FileSystem.absolute(path)
        let resolved = FileSystem.realPath(absolute) ?? absolute
        for candidate in [resolved, absolute] {
            if candidate == rootPath { return "" }
            let prefix = rootPath == "/" ? "/" : rootPath + "/"
            if candidate.hasPrefix(prefix) { return String(candidate.dropFirst(prefix.count)) }
        }
        return nil
    }

    /// Is the path recorded in git's index? Ignore rules never apply to tracked files.
    public func isTracked(_ relativePath: String) -> Bool {
        guard let normalized = PathBytes.normalizedRelative(relativePath) else { return false }
        return trackedPaths().contains(normalized.bytes)
    }

    /// The `.gitignore` matcher of one directory (relative to the root), or nil if it has none.
    public func matcher(forDirectory relativeDirectory: String) -> GitIgnoreMatcher? {
        guard let normalized = PathBytes.normalizedRelative(relativeDirectory) else { return nil }
        return matcher(forDirectoryBytes: normalized.bytes)
    }

    // MARK: Internals shared with the walker

    struct Match {
        let matcher: GitIgnoreMatcher
        let index: Int
        var pattern: IgnorePattern { matcher.patterns[index] }
    }

    /// The last matching pattern, looking at per-directory matchers deepest first, then the
    /// global ones (git's `last_matching_pattern_from_lists`).
    @inline(__always)
    static func lastMatch(
        _ path: UnsafeBufferPointer<UInt8>, fileNameStart: Int, isDirectory: Bool,
        chain: [GitIgnoreMatcher], globals: [GitIgnoreMatcher]
    ) -> Match? {
        var i = chain.count - 1
        while i >= 0 {
            if let index = chain[i].lastMatchIndex(path, fileNameStart: fileNameStart, isDirectory: isDirectory) {
                return Match(matcher: chain[i], index: index)
            }
            i -= 1
        }
        for matcher in globals {
            if let index = matcher.lastMatchIndex(path, fileNameStart: fileNameStart, isDirectory: isDirectory) {
                return Match(matcher: matcher, index: index)
            }
        }
        return nil
    }

    /// git's `prep_exclude` + `last_matching_pattern`: each ancestor directory is checked with
    /// the patterns that apply to it; the first excluded one decides. Returns the match and the
    /// length of the path prefix it matched.
    func decide(_ path: [UInt8], isDirectory: Bool) -> (Match, Int)? {
        path.withUnsafeBufferPointer { buffer in
            var chain: [GitIgnoreMatcher] = []
            if let root = matcher(forDirectoryBytes: []) { chain.append(root) }
            var componentStart = 0
            var i = 0
            while i < buffer.count {
                if buffer[i] == UInt8(ascii: "/") {
                    let directory = UnsafeBufferPointer(rebasing: buffer[0..<i])
                    if let match = IgnoreStack.lastMatch(directory, fileNameStart: componentStart, isDirectory: true,
                                                         chain: chain, globals: globalMatchers),
                        !match.pattern.isNegated
                    {
                        return (match, i)
                    }
                    if let next = matcher(forDirectoryBytes: Array(directory)) { chain.append(next) }
                    componentStart = i + 1
                }
                i += 1
            }
            return IgnoreStack.lastMatch(buffer, fileNameStart: componentStart, isDirectory: isDirectory,
                                         chain: chain, globals: globalMatchers).map { ($0, buffer.count) }
        }
    }

    /// Cached per-directory matcher. `mayExist: false` records that the directory listing had
    /// no `.gitignore`, saving the `open` call.
    func matcher(forDirectoryBytes directory: [UInt8], mayExist: Bool = true) -> GitIgnoreMatcher? {
        // The walker has just listed the directory: no entry, nothing to read or remember.
        if !mayExist { return nil }
        let key = DirectoryKey(bytes: directory)
        if let cached = state.withLock({ $0.matchers[key] }) { return cached }
        var warning: String? = nil
        let loaded = loadPerDirectory(directory, warning: &warning)
        return state.withLock { state in
            if let warning { state.warnings.append(warning) }
            if let existing = state.matchers[key] { return existing }
            state.matchers[key] = .some(loaded)
            return loaded
        }
    }

    private func loadPerDirectory(_ directory: [UInt8], warning: inout String?) -> GitIgnoreMatcher? {
        var pathBytes = rootBytes
        if !directory.isEmpty {
            if pathBytes.last != UInt8(ascii: "/") { pathBytes.append(UInt8(ascii: "/")) }
            pathBytes.append(contentsOf: directory)
        }
        if pathBytes.last != UInt8(ascii: "/") { pathBytes.append(UInt8(ascii: "/")) }
        pathBytes.append(contentsOf: Array(".gitignore".utf8))
        let path = String(decoding: pathBytes, as: UTF8.self)
        // In-tree .gitignore files are opened without following symlinks, as git does.
        switch FileSystem.readFile(path, followSymlinks: false) {
        case .contents(let bytes):
            return GitIgnoreMatcher(contents: bytes, baseBytes: directory, sourcePath: path, source: .perDirectory)
        case .missing:
            return nil
        case .failed(let code):
            warning = "unable to access '\(path)': \(FileSystem.errorMessage(code))"
            return nil
        }
    }

    func trackedPaths() -> TrackedPaths {
        if let tracked = state.withLock({ $0.tracked }) { return tracked }
        let loaded = indexPath.flatMap { TrackedPaths.load(indexPath: $0, hashSize: hashSize) } ?? .empty
        return state.withLock { state in
            if let existing = state.tracked { return existing }
            state.tracked = loaded
            return loaded
        }
    }

    func addWarning(_ warning: String) {
        state.withLock { $0.warnings.append(warning) }
    }
}

/// A directory path as a dictionary key, hashed in one call rather than byte by byte.
struct DirectoryKey: Hashable, Sendable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// The process environment without Foundation.
enum ProcessEnvironment {
    static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
