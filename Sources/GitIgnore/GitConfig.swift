/// A reader for git's config files, just enough to answer `core.excludesFile` and a few
/// repository extensions without spawning `git` (this runs on every pre-commit).
///
/// Supports sections, `[section "subsection"]`, the legacy `[section.subsection]`, bare boolean
/// keys, quoting, escapes, `#`/`;` comments, line continuations, `include.path`, and
/// `includeIf "gitdir:..."` / `"gitdir/i:..."`. Other `includeIf` conditions are treated as false.
struct GitConfig: Sendable {
    struct Entry: Sendable, Equatable {
        /// `section.name` or `section.subsection.name`; section and name lower-cased.
        var key: String
        /// nil for a bare key (`[core] bare`), which git reads as boolean true.
        var value: String?
        /// The file the entry came from; nil for the environment or command line.
        var origin: String?
    }

    var entries: [Entry] = []

    /// The last value set for `key`; `.some(nil)` for a bare key, nil when unset.
    func last(_ key: String) -> Entry? {
        let wanted = GitConfig.canonicalKey(key)
        return entries.last { $0.key == wanted }
    }

    func bool(_ key: String) -> Bool? {
        guard let entry = last(key) else { return nil }
        return GitConfig.parseBool(entry.value)
    }

    static func parseBool(_ value: String?) -> Bool? {
        guard let value else { return true }
        switch value.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0", "": return false
        default: return Int(value).map { $0 != 0 }
        }
    }

    /// Lower-cases the section and the variable name, keeps a subsection as written.
    static func canonicalKey(_ key: String) -> String {
        guard let firstDot = key.firstIndex(of: "."), let lastDot = key.lastIndex(of: ".") else {
            return key.lowercased()
        }
        if firstDot == lastDot { return key.lowercased() }
        return key[..<firstDot].lowercased() + key[firstDot..<lastDot] + key[lastDot...].lowercased()
    }

    // MARK: Loading

    struct Context {
        var environment: [String: String]
        /// The repository's git directory, for `includeIf "gitdir:"`; nil outside a repository.
        var gitDirectory: String?
    }

    /// Appends the entries of the file at `path` (and of files it includes).
    mutating func load(file path: String, context: Context, depth: Int = 0) {
        guard depth <= 10, case .contents(let bytes) = FileSystem.readFile(path) else { return }
        let directory = FileSystem.parent(path)
        for entry in GitConfig.parse(bytes) {
            var entry = entry
            entry.origin = path
            entries.append(entry)
            guard let value = entry.value, entry.key.hasSuffix(".path") else { continue }
            if entry.key == "include.path" {
                load(file: GitConfig.includePath(value, relativeTo: directory, context: context), context: context, depth: depth + 1)
            } else if entry.key.hasPrefix("includeif.") {
                let condition = String(entry.key.dropFirst("includeif.".count).dropLast(".path".count))
                if GitConfig.includeConditionHolds(condition, configDirectory: directory, context: context) {
                    load(file: GitConfig.includePath(value, relativeTo: directory, context: context), context: context, depth: depth + 1)
                }
            }
        }
    }

    private static func includePath(_ value: String, relativeTo directory: String, context: Context) -> String {
        let expanded = expandHome(value, environment: context.environment) ?? value
        return expanded.hasPrefix("/") ? expanded : FileSystem.join(directory, expanded)
    }

    /// `~/x` and `~` against `$HOME`. Returns nil for `~user/` forms it cannot expand.
    static func expandHome(_ path: String, environment: [String: String]) -> String? {
        guard path.hasPrefix("~") else { return path }
        if path == "~" || path.hasPrefix("~/") {
            guard let home = environment["HOME"], !home.isEmpty else { return nil }
            return home + path.dropFirst()
        }
        return nil
    }

    private static func includeConditionHolds(_ condition: String, configDirectory: String, context: Context) -> Bool {
        var caseFold = false
        var rest: Substring
        if condition.hasPrefix("gitdir:") {
            rest = condition.dropFirst("gitdir:".count)
        } else if condition.hasPrefix("gitdir/i:") {
            rest = condition.dropFirst("gitdir/i:".count)
            caseFold = true
        } else {
            return false
        }
        guard let gitDirectory = context.gitDirectory else { return false }
        var pattern = String(rest)
        if pattern.hasPrefix("~/") {
            guard let expanded = expandHome(pattern, environment: context.environment) else { return false }
            pattern = expanded
        } else if pattern.hasPrefix("./") {
            pattern = FileSystem.join(configDirectory, String(pattern.dropFirst(2)))
        } else if !pattern.hasPrefix("/") {
            pattern = "**/" + pattern
        }
        if pattern.hasSuffix("/") { pattern += "**" }
        var flags: Wildmatch.Flags = .pathname
        if caseFold { flags.insert(.caseFold) }
        let candidates = [FileSystem.realPath(gitDirectory) ?? gitDirectory, gitDirectory]
        return candidates.contains { Wildmatch.matches(Array(pattern.utf8), Array($0.utf8), flags: flags) }
    }

    // MARK: Parsing

    /// Parses one config file. Stops at the first syntax error, keeping what came before
    /// (git refuses the whole file; being lenient here only matters for broken configs).
    static func parse(_ bytes: [UInt8]) -> [Entry] {
        var reader = Reader(bytes: bytes)
        var entries: [Entry] = []
        var section: String? = nil
        while true {
            let c = reader.next()
            if reader.atEnd { break }
            if c == UInt8(ascii: "\n") || isSpace(c) { continue }
            if c == UInt8(ascii: "#") || c == UInt8(ascii: ";") {
                reader.skipLine()
                continue
            }
            if c == UInt8(ascii: "[") {
                guard let name = parseSectionHeader(&reader) else { break }
                section = name
                continue
            }
            guard isAlpha(c), let section else { break }
            var name = [lowered(c)]
            var d = reader.next()
            while !reader.atEnd && (isAlpha(d) || isDigit(d) || d == UInt8(ascii: "-")) {
                name.append(lowered(d))
                d = reader.next()
            }
            while d == UInt8(ascii: " ") || d == UInt8(ascii: "\t") { d = reader.next() }
            var value: String? = nil
            if d != UInt8(ascii: "\n") {
                guard d == UInt8(ascii: "="), let parsed = parseValue(&reader) else { break }
                value = parsed
            }
            entries.append(Entry(key: section + "." + String(decoding: name, as: UTF8.self), value: value))
        }
        return entries
    }

    private static func parseSectionHeader(_ reader: inout Reader) -> String? {
        var name: [UInt8] = []
        while true {
            let c = reader.next()
            if reader.atEnd || c == UInt8(ascii: "\n") { return nil }
            if c == UInt8(ascii: "]") {
                return name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
            }
            if isSpace(c) { break }
            guard isAlpha(c) || isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") else { return nil }
            name.append(lowered(c))
        }
        // [section "subsection"]
        var c = reader.next()
        while isSpace(c) && c != UInt8(ascii: "\n") { c = reader.next() }
        guard c == UInt8(ascii: "\"") else { return nil }
        var subsection: [UInt8] = []
        while true {
            c = reader.next()
            if reader.atEnd || c == UInt8(ascii: "\n") { return nil }
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                c = reader.next()
                if reader.atEnd || c == UInt8(ascii: "\n") { return nil }
            }
            subsection.append(c)
        }
        guard reader.next() == UInt8(ascii: "]") else { return nil }
        return String(decoding: name, as: UTF8.self) + "." + String(decoding: subsection, as: UTF8.self)
    }

    /// git's `parse_value`: whitespace outside quotes collapses to the spaces it had between
    /// words (leading and trailing dropped), comments end the value, `\` escapes `\ " n t b`.
    private static func parseValue(_ reader: inout Reader) -> String? {
        var value: [UInt8] = []
        var quoted = false
        var inComment = false
        var pendingSpaces = 0
        while true {
            var c = reader.next()
            if c == UInt8(ascii: "\n") {
                if quoted { return nil }
                return String(decoding: value, as: UTF8.self)
            }
            if inComment { continue }
            if isSpace(c) && !quoted {
                if !value.isEmpty { pendingSpaces += 1 }
                continue
            }
            if !quoted && (c == UInt8(ascii: ";") || c == UInt8(ascii: "#")) {
                inComment = true
                continue
            }
            value.append(contentsOf: repeatElement(UInt8(ascii: " "), count: pendingSpaces))
            pendingSpaces = 0
            if c == UInt8(ascii: "\\") {
                c = reader.next()
                switch c {
                case UInt8(ascii: "\n"): continue
                case UInt8(ascii: "t"): c = 0x09
                case UInt8(ascii: "b"): c = 0x08
                case UInt8(ascii: "n"): c = 0x0A
                case UInt8(ascii: "\\"), UInt8(ascii: "\""): break
                default: return nil
                }
                value.append(c)
                continue
            }
            if c == UInt8(ascii: "\"") {
                quoted.toggle()
                continue
            }
            value.append(c)
        }
    }

    /// Byte reader that turns CRLF into LF and yields LF at the end of input, like git's.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var atEnd = false

        init(bytes: [UInt8]) {
            self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        }

        mutating func next() -> UInt8 {
            guard index < bytes.count else {
                atEnd = true
                return UInt8(ascii: "\n")
            }
            var c = bytes[index]
            index += 1
            if c == UInt8(ascii: "\r") && index < bytes.count && bytes[index] == UInt8(ascii: "\n") {
                c = UInt8(ascii: "\n")
                index += 1
            }
            return c
        }

        mutating func skipLine() {
            while true {
                let c = next()
                if atEnd || c == UInt8(ascii: "\n") { return }
            }
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
    }
    private static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func lowered(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    // MARK: Environment

    /// Entries from `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` and from
    /// `GIT_CONFIG_PARAMETERS` (what `git -c key=value` passes to hooks), in that order.
    static func environmentEntries(_ environment: [String: String]) -> [Entry] {
        var entries: [Entry] = []
        if let count = environment["GIT_CONFIG_COUNT"].flatMap({ Int($0) }), count > 0 {
            for i in 0..<count {
                guard let key = environment["GIT_CONFIG_KEY_\(i)"] else { break }
                entries.append(Entry(key: canonicalKey(key), value: environment["GIT_CONFIG_VALUE_\(i)"] ?? ""))
            }
        }
        if let parameters = environment["GIT_CONFIG_PARAMETERS"] {
            entries.append(contentsOf: parseParameters(parameters))
        }
        return entries
    }

    /// `'key'='value' 'key2=value2'`: shell single-quoted, `'\''` for a quote inside.
    static func parseParameters(_ text: String) -> [Entry] {
        let bytes = Array(text.utf8)
        var i = 0
        var entries: [Entry] = []

        func quoted() -> [UInt8]? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "'") else { return nil }
            var out: [UInt8] = []
            i += 1
            while true {
                guard i < bytes.count else { return nil }
                let c = bytes[i]
                i += 1
                if c != UInt8(ascii: "'") {
                    out.append(c)
                    continue
                }
                // End of a quoted run; `\'` or `\!` outside quotes continues the word.
                if i + 2 < bytes.count && bytes[i] == UInt8(ascii: "\\")
                    && (bytes[i + 1] == UInt8(ascii: "'") || bytes[i + 1] == UInt8(ascii: "!"))
                    && bytes[i + 2] == UInt8(ascii: "'")
                {
                    out.append(bytes[i + 1])
                    i += 3
                    continue
                }
                return out
            }
        }

        while i < bytes.count {
            if bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") || bytes[i] == UInt8(ascii: "\n") {
                i += 1
                continue
            }
            guard let first = quoted() else { break }
            if i < bytes.count && bytes[i] == UInt8(ascii: "=") {
                i += 1
                let value = quoted()
                entries.append(Entry(key: canonicalKey(String(decoding: first, as: UTF8.self)),
                                     value: value.map { String(decoding: $0, as: UTF8.self) }))
            } else if let equals = first.firstIndex(of: UInt8(ascii: "=")) {
                entries.append(Entry(key: canonicalKey(String(decoding: first[..<equals], as: UTF8.self)),
                                     value: String(decoding: first[(equals + 1)...], as: UTF8.self)))
            } else {
                entries.append(Entry(key: canonicalKey(String(decoding: first, as: UTF8.self)), value: nil))
            }
        }
        return entries
    }
}
