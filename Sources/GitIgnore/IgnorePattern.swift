/// One parsed line of a gitignore file.
///
/// Parsing follows git's `add_patterns_from_buffer` and `parse_path_pattern`: a leading `!`
/// negates, a trailing `/` restricts the pattern to directories, and a pattern without any other
/// `/` is matched against the last path component at any depth. A pattern with a `/` at the start
/// or in the middle is matched against the whole path relative to the directory of the file that
/// contains it.
public struct IgnorePattern: Sendable, Hashable, CustomStringConvertible {
    /// The line as git reports it: trailing spaces trimmed, `!` and trailing `/` kept.
    public let text: String
    /// 1-based line number in the source file (comments and blank lines count).
    public let lineNumber: Int
    /// `!pattern`: a match re-includes the path.
    public let isNegated: Bool
    /// `pattern/`: only matches directories.
    public let isDirectoryOnly: Bool
    /// No `/` except a trailing one: matched against the file name at any depth.
    public let matchesFileNameOnly: Bool

    /// The pattern proper: no leading `!`, no trailing `/`.
    let body: [UInt8]
    /// Length of the leading part of `body` without glob characters (git's `nowildcardlen`).
    let literalPrefixLength: Int
    /// `*literal`, where the literal has no glob characters (git's `PATTERN_FLAG_ENDSWITH`).
    let isStarLiteral: Bool
    /// For path patterns: `body` without its leading `/`, and the literal prefix length of that.
    let pathBody: [UInt8]
    let pathLiteralPrefixLength: Int

    public var description: String { text }

    /// Parses one line (without its line terminator). Returns nil for blank lines and comments.
    public init?(line: String, lineNumber: Int = 1) {
        self.init(lineBytes: Array(line.utf8), lineNumber: lineNumber)
    }

    /// Parses one line of raw bytes (without the `\n`; a trailing `\r` is removed here).
    public init?(lineBytes raw: [UInt8], lineNumber: Int) {
        if raw.isEmpty || raw[0] == UInt8(ascii: "#") { return nil }
        var line = raw
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        // git handles lines as C strings: anything after a NUL byte is invisible to it.
        if let nul = line.firstIndex(of: 0) { line.removeSubrange(nul...) }
        line.removeSubrange(IgnorePattern.trailingSpaceStart(line)...)
        if line.isEmpty { return nil }

        text = String(decoding: line, as: UTF8.self)
        self.lineNumber = lineNumber

        var start = 0
        isNegated = line[0] == UInt8(ascii: "!")
        if isNegated { start = 1 }
        var end = line.count
        isDirectoryOnly = end > start && line[end - 1] == UInt8(ascii: "/")
        if isDirectoryOnly { end -= 1 }
        body = Array(line[start..<end])
        matchesFileNameOnly = !body.contains(UInt8(ascii: "/"))
        literalPrefixLength = IgnorePattern.literalLength(body)
        isStarLiteral = body.first == UInt8(ascii: "*")
            && IgnorePattern.literalLength(body[1...]) == body.count - 1
        if body.first == UInt8(ascii: "/") {
            pathBody = Array(body.dropFirst())
            pathLiteralPrefixLength = literalPrefixLength - 1
        } else {
            pathBody = body
            pathLiteralPrefixLength = literalPrefixLength
        }
    }

    /// Where trailing unescaped spaces begin (git's `trim_trailing_spaces`; tabs are kept).
    static func trailingSpaceStart(_ line: [UInt8]) -> Int {
        var lastSpace: Int? = nil
        var i = 0
        while i < line.count {
            switch line[i] {
            case UInt8(ascii: " "):
                if lastSpace == nil { lastSpace = i }
            case UInt8(ascii: "\\"):
                i += 1
                if i >= line.count { return line.count }
                lastSpace = nil
            default:
                lastSpace = nil
            }
            i += 1
        }
        return lastSpace ?? line.count
    }

    /// Number of leading bytes before the first `*`, `?`, `[` or `\` (git's `simple_length`).
    static func literalLength(_ bytes: some Collection<UInt8>) -> Int {
        var n = 0
        for c in bytes {
            if c == UInt8(ascii: "*") || c == UInt8(ascii: "?") || c == UInt8(ascii: "[") || c == UInt8(ascii: "\\") {
                break
            }
            n += 1
        }
        return n
    }
}
