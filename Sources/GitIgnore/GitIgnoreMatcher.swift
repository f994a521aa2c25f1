/// Where a set of patterns came from; decides its precedence in an ``IgnoreStack``.
public enum IgnoreSource: String, Sendable, Hashable {
    /// A `.gitignore` inside the work tree (or below the scan root outside a repository).
    case perDirectory
    /// `$GIT_DIR/info/exclude` (of the common directory for linked worktrees).
    case infoExclude
    /// `core.excludesFile`, or its default `$XDG_CONFIG_HOME/git/ignore`.
    case excludesFile
}

/// The patterns of one ignore file, together with the directory they are relative to.
public final class GitIgnoreMatcher: @unchecked Sendable {
    /// Directory of the file relative to the root of the ignore hierarchy; "" for the root.
    public let baseDirectory: String
    /// Path of the file the patterns were read from (for messages).
    public let sourcePath: String
    public let source: IgnoreSource
    /// Patterns in file order; the last matching one decides.
    public let patterns: [IgnorePattern]

    let baseBytes: [UInt8]
    /// The patterns in flat, immutable storage for the hot path (no reference counting).
    private let compiled: CompiledPatterns

    public convenience init(patterns: [IgnorePattern], baseDirectory: String, sourcePath: String, source: IgnoreSource = .perDirectory) {
        let base = PathBytes.normalizedRelative(baseDirectory)?.bytes ?? []
        self.init(patterns: patterns, baseBytes: base, sourcePath: sourcePath, source: source)
    }

    init(patterns: [IgnorePattern], baseBytes: [UInt8], sourcePath: String, source: IgnoreSource) {
        self.patterns = patterns
        self.baseBytes = baseBytes
        self.baseDirectory = String(decoding: baseBytes, as: UTF8.self)
        self.sourcePath = sourcePath
        self.source = source
        self.compiled = CompiledPatterns(patterns: patterns, base: baseBytes)
    }

    convenience init(contents: [UInt8], baseBytes: [UInt8], sourcePath: String, source: IgnoreSource) {
        self.init(patterns: GitIgnoreMatcher.parse(contents), baseBytes: baseBytes, sourcePath: sourcePath, source: source)
    }

    /// Parses the contents of an ignore file the way git reads it: an optional UTF-8 byte order
    /// mark, lines split on LF with an optional CR before it.
    public convenience init(contents: [UInt8], baseDirectory: String = "", sourcePath: String, source: IgnoreSource = .perDirectory) {
        self.init(
            patterns: GitIgnoreMatcher.parse(contents),
            baseDirectory: baseDirectory, sourcePath: sourcePath, source: source)
    }

    public convenience init(text: String, baseDirectory: String = "", sourcePath: String = "<text>", source: IgnoreSource = .perDirectory) {
        self.init(contents: Array(text.utf8), baseDirectory: baseDirectory, sourcePath: sourcePath, source: source)
    }

    static func parse(_ contents: [UInt8]) -> [IgnorePattern] {
        var patterns: [IgnorePattern] = []
        var start = 0
        if contents.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var lineNumber = 1
        var i = start
        while i <= contents.count {
            if i == contents.count || contents[i] == UInt8(ascii: "\n") {
                if i > start, let pattern = IgnorePattern(lineBytes: Array(contents[start..<i]), lineNumber: lineNumber) {
                    patterns.append(pattern)
                }
                lineNumber += 1
                start = i + 1
            }
            i += 1
        }
        return patterns
    }

    /// The last pattern matching `relativePath` (relative to the hierarchy root, like
    /// ``baseDirectory``), or nil when no pattern matches or the path is outside the base.
    public func lastMatch(_ relativePath: String, isDirectory: Bool) -> IgnorePattern? {
        guard let normalized = PathBytes.normalizedRelative(relativePath) else { return nil }
        let path = normalized.bytes
        let directory = isDirectory || normalized.hadTrailingSlash
        if !baseBytes.isEmpty {
            guard path.count > baseBytes.count, path.starts(with: baseBytes),
                path[baseBytes.count] == UInt8(ascii: "/")
            else { return nil }
        }
        return path.withUnsafeBufferPointer { buffer in
            lastMatchIndex(buffer, fileNameStart: PathBytes.fileNameStart(buffer), isDirectory: directory)
                .map { patterns[$0] }
        }
    }

    /// Index of the last matching pattern (git's `last_matching_pattern_from_list`).
    @inline(__always)
    func lastMatchIndex(_ path: UnsafeBufferPointer<UInt8>, fileNameStart: Int, isDirectory: Bool) -> Int? {
        compiled.lastMatch(path, fileNameStart: fileNameStart, isDirectory: isDirectory)
    }
}

/// Small helpers for `/`-separated relative paths held as bytes.
enum PathBytes {
    struct Normalized {
        var bytes: [UInt8]
        var hadTrailingSlash: Bool
    }

    /// Removes `.` components, empty components and leading `/`; resolves `..` lexically.
    /// Returns nil when the path climbs above its root.
    static func normalizedRelative(_ path: String) -> Normalized? {
        let raw = Array(path.utf8)
        var components: [ArraySlice<UInt8>] = []
        for component in raw.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if component.elementsEqual([UInt8(ascii: ".")]) { continue }
            if component.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                if components.isEmpty { return nil }
                components.removeLast()
                continue
            }
            components.append(component)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        for (i, component) in components.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: "/")) }
            bytes.append(contentsOf: component)
        }
        return Normalized(bytes: bytes, hadTrailingSlash: raw.last == UInt8(ascii: "/") && !bytes.isEmpty)
    }

    @inline(__always)
    static func fileNameStart(_ path: UnsafeBufferPointer<UInt8>) -> Int {
        var i = path.count - 1
        while i >= 0 {
            if path[i] == UInt8(ascii: "/") { return i + 1 }
            i -= 1
        }
        return 0
    }
}
