/// The command line's say over the configuration: `--enable-rule`, `--disable-rule` and
/// `--exclude`, applied to whichever configuration a scan loads (tree, staged or history).
public struct RuleSelection: Sendable, Equatable {
    /// When not empty, only these rules run (gitleaks' `--enable-rule`).
    public var enabled: [String] = []
    public var disabled: [String] = []
    /// Path globs (gitignore-style: `*`, `?`, `**`; no `/` matches a name at any depth) whose
    /// findings are not reported.
    public var excludes: [String] = []
    public init() {}

    /// The `file` of the errors it throws: they are about flags, not a file.
    public static let origin = "command line"

    public var isEmpty: Bool { enabled.isEmpty && disabled.isEmpty && excludes.isEmpty }

    /// `configuration` with the selection applied; an unknown rule id is an error that names
    /// the closest known one.
    public func apply(to configuration: Configuration) throws(ConfigError) -> Configuration {
        guard !isEmpty else { return configuration }
        var result = configuration
        let known = configuration.rules.map(\.id) + (DotenvCheck.rules + AIBackoffCheck.rules).map(\.id)
        for id in enabled + disabled where !known.contains(id) {
            let hint = closest(id, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            let flag = enabled.contains(id) ? "--enable-rule" : "--disable-rule"
            throw ConfigError(file: RuleSelection.origin, message: "\(flag): no rule '\(id)'\(hint); `leakguard rules list` shows them all")
        }
        if !enabled.isEmpty {
            let keep = Set(enabled)
            result.rules.removeAll { !keep.contains($0.id) }
            result.dotenv.disabledRules.formUnion(DotenvCheck.rules.map(\.id).filter { !keep.contains($0) })
            result.ai.disabledRules.formUnion(AIBackoffCheck.rules.map(\.id).filter { !keep.contains($0) })
        }
        if !disabled.isEmpty {
            let drop = Set(disabled)
            result.rules.removeAll { drop.contains($0.id) }
            result.dotenv.disabledRules.formUnion(drop)
            result.ai.disabledRules.formUnion(drop)
        }
        if !excludes.isEmpty {
            result.allowlists.append(Allowlist(description: "--exclude", paths: excludes.map(RuleSelection.regex(forGlob:))))
        }
        return result
    }

    /// A PCRE2 pattern for a gitignore-style glob, matched against a scan-relative path. A match
    /// also covers everything under a matching directory.
    public static func regex(forGlob glob: String) -> String {
        var body = ""
        var chars = Array(glob.hasPrefix("./") ? String(glob.dropFirst(2)) : glob)
        while chars.last == "/" { chars.removeLast() }
        let anchored = chars.contains("/")
        if chars.first == "/" { chars.removeFirst() }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "*" && i + 1 < chars.count && chars[i + 1] == "*" {
                if i + 2 < chars.count && chars[i + 2] == "/" { body += "(?:.*/)?"; i += 3 } else { body += ".*"; i += 2 }
                continue
            }
            switch c {
            case "*": body += "[^/]*"
            case "?": body += "[^/]"
            default:
                if c.isLetter || c.isNumber || c == "/" || c == "_" || c == "-" { body.append(c) } else { body += "\\" + String(c) }
            }
            i += 1
        }
        return (anchored ? "^" : "(?:^|/)") + body + "(?:/.*)?$"
    }
}

/// The candidate nearest to `word` by edit distance, if it is near enough to be a typo.
public func closest(_ word: String, in candidates: [String]) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(Array(word.utf8), Array(candidate.utf8))
        if d <= max(1, min(3, word.utf8.count / 3)), best == nil || d < best!.1 { best = (candidate, d) }
    }
    return best?.0
}

/// Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`: `scna` is one
/// swap from `scan`.
func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1) }
        }
    }
    return d[a.count][b.count]
}
