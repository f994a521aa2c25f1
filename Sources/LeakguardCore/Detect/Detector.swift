#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A piece of content to scan: a file in the tree, a blob from git, a staged file.
public struct Fragment {
    public var bytes: UnsafeBufferPointer<UInt8>
    /// Relative, `/`-separated; what findings report.
    public var path: String
    public var commit: CommitInfo?
    /// When set, only findings that start on one of these 1-based lines are kept (staged diffs).
    public var lines: LineSet?

    public init(bytes: UnsafeBufferPointer<UInt8>, path: String, commit: CommitInfo? = nil, lines: LineSet? = nil) {
        self.bytes = bytes; self.path = path; self.commit = commit; self.lines = lines
    }
}

/// A sorted set of 1-based line ranges.
public struct LineSet: Sendable, Equatable {
    public var ranges: [ClosedRange<Int>]
    public init(_ ranges: [ClosedRange<Int>]) { self.ranges = ranges.sorted { $0.lowerBound < $1.lowerBound } }
    public func contains(_ line: Int) -> Bool {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound < line { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(line)
    }
}

/// What scanning one fragment produced.
public struct FragmentResult {
    public var findings: [Finding] = []
    public var warnings: [String] = []
}

/// The secret detector: every rule compiled once, shared read-only by all workers.
public final class Detector: @unchecked Sendable {
    struct CompiledRule {
        var rule: Rule
        var pattern: Pattern?
        var pathPattern: Pattern?
        var allowlists: [CompiledAllowlist]
    }

    let rules: [CompiledRule]
    let keywordMatcher: KeywordMatcher
    /// Rules (indices) that each keyword triggers.
    let keywordRules: [[Int]]
    /// Rules with no keywords: they always run, over the whole fragment.
    let unconditionalRules: [Int]
    let globalAllowlists: [CompiledAllowlist]
    /// Substrings that mark a line as deliberately allowed.
    static let suppressionMarkers: [[UInt8]] = ["leakguard:allow", "gitleaks:allow", "pragma: allowlist secret"].map { Array($0.utf8) }

    public init(configuration: Configuration) throws(ConfigError) {
        var compiled: [CompiledRule] = []
        var keywordIndex: [String: Int] = [:]
        var keywords: [String] = []
        var keywordRules: [[Int]] = []
        var unconditional: [Int] = []
        for rule in configuration.rules {
            let index = compiled.count
            var pattern: Pattern?
            if !rule.regex.isEmpty {
                do { pattern = try Pattern(rule.regex) } catch {
                    throw ConfigError(file: rule.origin, message: "rule '\(rule.id)': regex does not compile: \(error)")
                }
            }
            var pathPattern: Pattern?
            if let path = rule.path {
                do { pathPattern = try Pattern(path) } catch {
                    throw ConfigError(file: rule.origin, message: "rule '\(rule.id)': path regex does not compile: \(error)")
                }
            }
            let allowlists = try rule.allowlists.map { a throws(ConfigError) in
                try CompiledAllowlist(a, context: "rule '\(rule.id)'", file: rule.origin)
            }
            compiled.append(CompiledRule(rule: rule, pattern: pattern, pathPattern: pathPattern, allowlists: allowlists))
            let words = rule.keywords.filter { !$0.isEmpty }
            if words.isEmpty || pattern == nil {
                unconditional.append(index)
            } else {
                for word in words {
                    let key = String(decoding: Array(word.utf8).map(asciiLower), as: UTF8.self)
                    if let k = keywordIndex[key] {
                        if !keywordRules[k].contains(index) { keywordRules[k].append(index) }
                    } else {
                        keywordIndex[key] = keywords.count
                        keywords.append(key)
                        keywordRules.append([index])
                    }
                }
            }
        }
        self.rules = compiled
        self.keywordMatcher = KeywordMatcher(keywords: keywords)
        self.keywordRules = keywordRules
        self.unconditionalRules = unconditional
        self.globalAllowlists = try configuration.allowlists.enumerated().map { (i, a) throws(ConfigError) in
            try CompiledAllowlist(a, context: "allowlists[\(i)]", file: configuration.loadedFrom.last ?? "built-in rules")
        }
    }

    public var ruleCount: Int { rules.count }

    /// True when a global allowlist excludes this path outright (no need to read the file).
    public func isPathAllowed(_ path: String, scratch: DetectorScratch) -> Bool {
        globalAllowlists.contains { $0.targetRules.isEmpty && $0.allowsWholePath(path, scratch: scratch.match) }
    }

    /// Scans one fragment.
    public func scan(_ fragment: Fragment, scratch: DetectorScratch) -> FragmentResult {
        var result = FragmentResult()
        let bytes = fragment.bytes
        guard let base = bytes.baseAddress, bytes.count > 0 else { return result }
        if isPathAllowed(fragment.path, scratch: scratch) { return result }
        scratch.reset(ruleCount: rules.count)
        let n = bytes.count
        var lines = LineLocator(bytes: bytes)

        // 1. One pass for every keyword; remember, per rule, the lines around its keyword hits.
        scratch.hits.removeAll(keepingCapacity: true)
        keywordMatcher.collect(bytes, into: &scratch.hits)
        var cachedLineStart = -1, cachedLineEnd = -1
        for hit in scratch.hits {
            let keyword = Int(hit >> 40)
            let end = Int(hit & 0xFF_FFFF_FFFF)
            let start = end - keywordMatcher.keywords[keyword].count
            if start < cachedLineStart || start >= cachedLineEnd {
                var s = start
                while s > 0 && base[s - 1] != 10 { s -= 1 }
                var e = end
                if let p = memchr(base + end, 10, n - end) { e = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base } else { e = n }
                cachedLineStart = s; cachedLineEnd = e
            }
            for r in keywordRules[keyword] {
                if rules[r].rule.multiline {
                    if scratch.windows[r].isEmpty { scratch.touch(r); scratch.windows[r].append(cachedLineStart..<n) }
                    continue
                }
                if let last = scratch.windows[r].last {
                    if cachedLineStart < last.upperBound { continue }
                    if cachedLineStart == last.upperBound + 1 || cachedLineStart == last.upperBound {
                        // Adjacent lines: widen the window instead of adding one.
                        scratch.windows[r][scratch.windows[r].count - 1] = last.lowerBound..<cachedLineEnd
                        continue
                    }
                } else {
                    scratch.touch(r)
                }
                scratch.windows[r].append(cachedLineStart..<cachedLineEnd)
            }
        }
        for r in unconditionalRules {
            if scratch.windows[r].isEmpty { scratch.touch(r) }
            scratch.windows[r] = [0..<n]
        }

        // 2. Each triggered rule's regex over its windows, in rule order for stable output.
        scratch.touched.sort()
        for r in scratch.touched {
            let compiled = rules[r]
            if let pathPattern = compiled.pathPattern, !pathPattern.matches(fragment.path, scratch: scratch.match) { continue }
            if compiled.allowlists.contains(where: { $0.allowsWholePath(fragment.path, scratch: scratch.match) }) { continue }
            guard let pattern = compiled.pattern else {
                // A path-only rule: the file's name is the finding.
                result.findings.append(Finding(
                    ruleID: compiled.rule.id, category: .secret, severity: compiled.rule.severity,
                    message: compiled.rule.description.isEmpty ? "File matches rule \(compiled.rule.id)" : compiled.rule.description,
                    path: fragment.path, line: 1, column: 1, endLine: 1, endColumn: 1, commit: fragment.commit))
                continue
            }
            var gaveUp = false
            for window in scratch.windows[r] where !gaveUp {
                var start = window.lowerBound
                matching: while start <= window.upperBound {
                    switch pattern.match(base, length: window.upperBound, start: start, scratch: scratch.match) {
                    case .noMatch:
                        break matching
                    case .limitExceeded:
                        result.warnings.append("\(fragment.path): rule '\(compiled.rule.id)' gave up (PCRE2 match limit reached on a line); its results for this file may be incomplete")
                        gaveUp = true
                        break matching
                    case .error(let code):
                        result.warnings.append("\(fragment.path): rule '\(compiled.rule.id)' failed with PCRE2 error \(code)")
                        gaveUp = true
                        break matching
                    case .match:
                        guard let whole = scratch.match.range(0) else { break matching }
                        start = whole.upperBound > whole.lowerBound ? whole.upperBound : whole.upperBound + 1
                        if let finding = evaluate(compiled, whole: whole, fragment: fragment, base: base, lines: &lines, scratch: scratch) {
                            result.findings.append(finding)
                        }
                    }
                }
            }
        }
        result.findings = Self.dedupe(result.findings)
        return result
    }

    /// Turns one regex match into a finding, or nil when a filter says it is not a secret.
    private func evaluate(_ compiled: CompiledRule, whole: Range<Int>, fragment: Fragment,
                          base: UnsafePointer<UInt8>, lines: inout LineLocator, scratch: DetectorScratch) -> Finding? {
        let rule = compiled.rule
        let pattern = compiled.pattern!
        var secretRange = whole
        if rule.secretGroup > 0 {
            guard let g = scratch.match.range(rule.secretGroup) else { return nil }
            secretRange = g
        } else if pattern.captureCount == 1, let g = scratch.match.range(1) {
            secretRange = g
        }
        if secretRange.isEmpty { return nil }
        let secretBytes = UnsafeBufferPointer(start: base + secretRange.lowerBound, count: secretRange.count)
        var entropy: Double?
        if let minimum = rule.entropy {
            let e = shannonEntropy(secretBytes)
            if e < minimum { return nil }
            entropy = e
        }
        let lineRange = lines.lineRange(containing: secretRange.lowerBound)
        let lineBytes = UnsafeBufferPointer(start: base + lineRange.lowerBound, count: lineRange.count)
        for marker in Self.suppressionMarkers where contains(lineBytes, marker) { return nil }
        let (line, column) = lines.position(of: secretRange.lowerBound)
        if let filter = fragment.lines, !filter.contains(line) { return nil }
        let matchBytes = UnsafeBufferPointer(start: base + whole.lowerBound, count: whole.count)
        let candidate = AllowlistCandidate(ruleID: rule.id, path: fragment.path, secret: secretBytes, match: matchBytes,
                                           line: lineBytes, commit: fragment.commit?.commit)
        if compiled.allowlists.contains(where: { $0.allows(candidate, scratch: scratch.match) }) { return nil }
        if globalAllowlists.contains(where: { $0.allows(candidate, scratch: scratch.match) }) { return nil }
        let (endLine, endColumn) = lines.position(of: secretRange.upperBound)
        let secret = String(decoding: secretBytes, as: UTF8.self)
        return Finding(
            ruleID: rule.id, category: .secret, severity: rule.severity,
            message: rule.description.isEmpty ? "Secret matched rule \(rule.id)" : rule.description,
            path: fragment.path, line: line, column: column, endLine: endLine, endColumn: endColumn,
            secret: secret, lineText: String(decoding: lineBytes, as: UTF8.self).trimmingLineBreak(),
            entropy: entropy ?? shannonEntropy(secretBytes), commit: fragment.commit)
    }

    /// One finding per place: identical spans of one rule collapse, and a generic rule's finding
    /// yields to a specific rule that found an overlapping secret.
    static func dedupe(_ findings: [Finding]) -> [Finding] {
        guard findings.count > 1 else { return findings }
        var seen = Set<String>()
        var out: [Finding] = []
        let specific = findings.filter { !$0.ruleID.hasPrefix("generic") }
        for f in findings {
            let key = "\(f.ruleID)|\(f.line)|\(f.column)|\(f.endLine)|\(f.endColumn)"
            guard seen.insert(key).inserted else { continue }
            if f.ruleID.hasPrefix("generic"), specific.contains(where: { overlaps($0, f) }) { continue }
            out.append(f)
        }
        return out
    }

    private static func overlaps(_ a: Finding, _ b: Finding) -> Bool {
        (a.line, a.column) < (b.endLine, b.endColumn) && (b.line, b.column) < (a.endLine, a.endColumn)
    }
}

/// Per-worker state of the detector, allocated once and reused for every fragment.
public final class DetectorScratch {
    let match = MatchScratch()
    var hits: [UInt64] = []
    var windows: [[Range<Int>]] = []
    var touched: [Int] = []

    public init() {}

    func reset(ruleCount: Int) {
        if windows.count != ruleCount { windows = Array(repeating: [], count: ruleCount) }
        for r in touched { windows[r].removeAll(keepingCapacity: true) }
        touched.removeAll(keepingCapacity: true)
    }

    @inline(__always) func touch(_ r: Int) { touched.append(r) }
}

/// Maps byte offsets to 1-based lines and character columns; builds its line index on first use,
/// since most fragments have no findings at all.
struct LineLocator {
    let bytes: UnsafeBufferPointer<UInt8>
    private var lineStarts: [Int] = []

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private mutating func index() {
        guard lineStarts.isEmpty else { return }
        lineStarts.append(0)
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        let n = bytes.count
        while offset < n, let p = memchr(base + offset, 10, n - offset) {
            let at = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
            lineStarts.append(at + 1)
            offset = at + 1
        }
    }

    private mutating func lineIndex(of offset: Int) -> Int {
        index()
        var lo = 0, hi = lineStarts.count
        while lo + 1 < hi {
            let mid = (lo + hi) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// (line, column), both 1-based; columns count UTF-8 lead bytes, that is characters.
    mutating func position(of offset: Int) -> (Int, Int) {
        let l = lineIndex(of: offset)
        var column = 1
        var i = lineStarts[l]
        while i < offset { if bytes[i] & 0xC0 != 0x80 { column += 1 }; i += 1 }
        return (l + 1, column)
    }

    /// Byte range of the line holding `offset`, without its line break.
    mutating func lineRange(containing offset: Int) -> Range<Int> {
        let l = lineIndex(of: offset)
        let start = lineStarts[l]
        var end = l + 1 < lineStarts.count ? lineStarts[l + 1] - 1 : bytes.count
        if end > start && bytes[end - 1] == 13 { end -= 1 }
        return start..<max(start, end)
    }
}

/// Shannon entropy in bits per byte.
func shannonEntropy(_ bytes: UnsafeBufferPointer<UInt8>) -> Double {
    guard bytes.count > 0 else { return 0 }
    var counts = [Int](repeating: 0, count: 256)
    for b in bytes { counts[Int(b)] += 1 }
    let total = Double(bytes.count)
    var e = 0.0
    for c in counts where c > 0 {
        let p = Double(c) / total
        e -= p * log2(p)
    }
    return e
}

public func shannonEntropy(_ text: String) -> Double {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { shannonEntropy($0) }
}

/// Case-sensitive substring test on bytes.
func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count, let base = haystack.baseAddress else { return needle.isEmpty }
    let first = needle[0]
    var i = 0
    let last = haystack.count - needle.count
    while i <= last {
        guard let p = memchr(base + i, Int32(first), last - i + 1) else { return false }
        let at = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
        var j = 1
        while j < needle.count && base[at + j] == needle[j] { j += 1 }
        if j == needle.count { return true }
        i = at + 1
    }
    return false
}

extension String {
    func trimmingLineBreak() -> String {
        var s = Substring(self)
        while let l = s.last, l == "\r" || l == "\n" { s.removeLast() }
        return String(s)
    }
}

