import LeakguardBase
import CPCRE2
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

/// What scanning one fragment produced: findings for the report, and facts that other checks
/// use (a check that judges the whole tree learns what the content pass saw, typed).
public struct FragmentResult {
    public var findings: [Finding] = []
    public var warnings: [String] = []
    public var facts: [Fact] = []
}

/// Something a content check observed that is not a finding, for a tree-wide check to use.
public enum Fact: Sendable {
    /// The project loads a `.env` file here (a `load_dotenv(` call, or python-dotenv as a
    /// dependency): evidence for the .env check.
    case dotenvUsage(DotenvUsage)
}

public struct DotenvUsage: Sendable {
    public var path: String
    public var line: Int
    public var reason: String
    public var lineText: String
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
    let ruleIndex: [String: Int]
    let keywordMatcher: KeywordMatcher
    /// Rules with no keywords: they always run, over the whole fragment.
    let unconditionalRules: [Int]
    let globalAllowlists: [CompiledAllowlist]
    /// How many allowlists look at the whole line (their answers are kept per line).
    let lineAllowlistSlots: Int
    /// Flat copies of what the hit loop needs, so it touches no structs holding references.
    let keywordLengths: [Int]
    let ruleModes: [WindowMode]
    /// `keywordRuleList[keywordRuleStart[k]..<keywordRuleStart[k + 1]]` are keyword k's rules.
    let keywordRuleStart: [Int]
    let keywordRuleList: [Int]
    enum WindowMode { case line, word, multiline }
    /// Lines longer than this are searched in windows around keyword hits, reaching this far
    /// either side of the hit; a secret is far shorter than the reach.
    static let longLine = 8192
    static let longLineReach = 2048
    /// `isWordByte` and `isTokenByte` as one table, for the walks of the hit loop: a load and a
    /// bit test per byte instead of a chain of range compares.
    static let byteFlags: [UInt8] = (0..<256).map { b in
        (isWordByte(UInt8(b)) ? wordFlag : 0) | (isTokenByte(UInt8(b)) ? tokenFlag : 0)
    }
    static let wordFlag: UInt8 = 1
    static let tokenFlag: UInt8 = 2
    /// Keyword hits are collected and handled this many bytes of input at a time.
    static let hitChunk = 256 << 10

    /// The chunks of a fragment of `n` bytes (the last one up to one and a half chunks long).
    static func hitChunks(_ n: Int) -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        var start = 0
        while start < n {
            let end = n - start < hitChunk * 3 / 2 ? n : start + hitChunk
            chunks.append(start..<end)
            start = end
        }
        return chunks
    }
    /// Substrings that mark a line as deliberately allowed.
    static let suppressionMarkers: [[UInt8]] = ["leakguard:allow", "gitleaks:allow", "pragma: allowlist secret"].map { Array($0.utf8) }

    /// Keywords other checks asked the prefilter to look for (no rule attached); whether each
    /// occurred in the last fragment is left in the scratch for them.
    let extraKeywordBase: Int
    public let extraKeywords: [String]

    /// How many layers of encoding the detector looks through (`--max-decode-depth`).
    public let maxDecodeDepth: Int

    /// Whether a large fragment may use a second thread, for its keyword hits and for its rules
    /// (off only to compare, in tests).
    let splitsLargeFragments: Bool

    public init(configuration: Configuration, extraKeywords: [String] = [], maxDecodeDepth: Int = 2,
                splitsLargeFragments: Bool = true) throws(ConfigError) {
        self.maxDecodeDepth = maxDecodeDepth
        self.splitsLargeFragments = splitsLargeFragments
        var compiled: [CompiledRule] = []
        var keywordIndex: [String: Int] = [:]
        var keywords: [String] = []
        var keywordRules: [[Int]] = []
        var unconditional: [Int] = []
        var lineSlots = 0
        for rule in configuration.rules {
            let index = compiled.count
            var pattern: Pattern?
            if !rule.regex.isEmpty {
                do { pattern = try Pattern(rule.regex, anchored: rule.anchor == .word) } catch {
                    throw ConfigError(file: rule.origin, message: "rule '\(rule.id)': regex does not compile: \(error)")
                }
            }
            // secretGroup indexes the match data: one past the pattern's groups would read
            // whatever an earlier match left there.
            if rule.secretGroup > 0 {
                let groups = pattern?.captureCount ?? 0
                guard rule.secretGroup <= groups, rule.secretGroup < Int(MatchScratch.maxPairs) else {
                    throw ConfigError(file: rule.origin, message: "rule '\(rule.id)': secretGroup = \(rule.secretGroup), but its regex has \(groups == 0 ? "no capture groups" : "only \(groups) capture group\(groups == 1 ? "" : "s")")")
                }
            }
            var pathPattern: Pattern?
            if let path = rule.path {
                do { pathPattern = try Pattern(path) } catch {
                    throw ConfigError(file: rule.origin, message: "rule '\(rule.id)': path regex does not compile: \(error)")
                }
            }
            var allowlists = try rule.allowlists.map { a throws(ConfigError) in
                try CompiledAllowlist(a, context: "rule '\(rule.id)'", file: rule.origin)
            }
            for k in allowlists.indices where allowlists[k].regexTarget == .line && !allowlists[k].regexes.isEmpty {
                allowlists[k].lineSlot = lineSlots; lineSlots += 1
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
        var index: [String: Int] = [:]
        for (i, c) in compiled.enumerated() where index[c.rule.id] == nil { index[c.rule.id] = i }
        self.ruleIndex = index
        extraKeywordBase = keywords.count
        self.extraKeywords = extraKeywords
        self.keywordMatcher = KeywordMatcher(keywords: keywords + extraKeywords)
        keywordLengths = (keywords + extraKeywords).map { $0.utf8.count }
        ruleModes = compiled.map { $0.rule.anchor == .word ? .word : ($0.rule.multiline ? .multiline : .line) }
        var starts = [0]
        var list: [Int] = []
        for rs in keywordRules + extraKeywords.map({ _ in [Int]() }) { list += rs; starts.append(list.count) }
        keywordRuleStart = starts
        keywordRuleList = list
        self.unconditionalRules = unconditional
        var globals = try configuration.allowlists.enumerated().map { (i, a) throws(ConfigError) in
            try CompiledAllowlist(a, context: "allowlists[\(i)]", file: configuration.loadedFrom.last ?? "built-in rules")
        }
        for k in globals.indices where globals[k].regexTarget == .line && !globals[k].regexes.isEmpty {
            globals[k].lineSlot = lineSlots; lineSlots += 1
        }
        self.globalAllowlists = globals
        self.lineAllowlistSlots = lineSlots
    }

    public var ruleCount: Int { rules.count }

    /// The rule with this id, if the detector has it.
    func rule(_ id: String) -> Rule? { ruleIndex[id].map { rules[$0].rule } }

    /// A line that carries `leakguard:allow` (or a marker gitleaks/detect-secrets users know).
    static func isSuppressed(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        suppressionMarkers.contains { contains(line, $0) }
    }

    /// True when a global allowlist excludes this path outright (no need to read the file).
    public func isPathAllowed(_ path: String, scratch: DetectorScratch) -> Bool {
        globalAllowlists.contains { $0.targetRules.isEmpty && $0.allowsWholePath(path, scratch: scratch.match) }
    }

    /// Scans one fragment.
    public func scan(_ fragment: Fragment, scratch: DetectorScratch) -> FragmentResult {
        scan(fragment, scratch: scratch, decodeDepth: maxDecodeDepth)
    }

    func scan(_ fragment: Fragment, scratch: DetectorScratch, decodeDepth: Int) -> FragmentResult {
        var result = FragmentResult()
        let bytes = fragment.bytes
        scratch.extraFragment = nil  // the buffer is reused: never let an earlier file's results stand
        scratch.suppressionBase = nil
        scratch.lineAllowlistResults.base = nil
        guard let base = bytes.baseAddress, bytes.count > 0 else { return result }
        if isPathAllowed(fragment.path, scratch: scratch) { return result }
        scratch.reset(ruleCount: rules.count)
        let n = bytes.count
        var lines = LineIndex(bytes)

        // 1. One pass for every keyword; remember, per rule, the lines around its keyword hits.
        // The hits are taken a chunk at a time, so their buffer stays small however many the
        // fragment holds (a keyword list of 8 MB has over a million).
        scratch.extraFragment = (base, n)
        if !extraKeywords.isEmpty {
            if scratch.extraSeen.count != extraKeywords.count { scratch.extraSeen = Array(repeating: false, count: extraKeywords.count) }
            for i in scratch.extraSeen.indices { scratch.extraSeen[i] = false }
        }
        var cachedLineStart = -1, cachedLineEnd = -1
        // The last word start found: every byte from `wordStart` up to `wordCheckedTo` is a word
        // byte, so a later hit in the same word walks back no further than `wordCheckedTo`
        // (linear in the line, however many keyword hits one long word holds).
        var wordStart = -1, wordCheckedTo = -1
        // Every byte of `tokenRunStart..<tokenRunEnd` is a token byte (the last window-end walk).
        var tokenRunStart = -1, tokenRunEnd = -1
        // Each rule's newest window stays open in two flat arrays (`openLower[r]` is -1 when the
        // rule has none yet): a hit that overlaps or adjoins it widens it in place, and only a
        // window that cannot grow any more is moved to the rule's list. Dense hits (a keyword
        // list, a minified file) thus cost a compare and a store each.
        // Work on local copies of the scratch arrays: no class-property access in the hot loop.
        var windows: [[Range<Int>]] = []
        swap(&windows, &scratch.windows)
        var touched: [Int] = []
        swap(&touched, &scratch.touched)
        var extraSeen: [Bool] = []
        swap(&extraSeen, &scratch.extraSeen)
        if scratch.openWindows.count != 2 * rules.count { scratch.openWindows = Array(repeating: -1, count: 2 * rules.count) }
        scratch.openWindows.withUnsafeMutableBufferPointer { open in
        let openLower = open.baseAddress!, openUpper = open.baseAddress! + rules.count
        keywordLengths.withUnsafeBufferPointer { lengths in
        ruleModes.withUnsafeBufferPointer { modes in
        keywordRuleStart.withUnsafeBufferPointer { ruleStart in
        keywordRuleList.withUnsafeBufferPointer { ruleList in
        Self.byteFlags.withUnsafeBufferPointer { flags in
        // A large fragment's hits are collected on a second thread, ahead of this loop.
        let chunks = Self.hitChunks(n)
        let feed = splitsLargeFragments && n >= Self.parallelMinimumSize && chunks.count > 1
            ? HitFeed(matcher: keywordMatcher, bytes: bytes, chunks: chunks) : nil
        for (i, chunk) in chunks.enumerated() {
            if let feed {
                feed.take(i, into: &scratch.hits)
            } else {
                scratch.hits.removeAll(keepingCapacity: true)
                keywordMatcher.collect(bytes, endingIn: chunk, into: &scratch.hits)
            }
            for hit in scratch.hits {
                let keyword = Int(hit >> 40)
                if keyword >= extraKeywordBase { extraSeen[keyword - extraKeywordBase] = true; continue }
                let end = Int(hit & 0xFF_FFFF_FFFF)
                let start = end - lengths[keyword]
                if start < cachedLineStart || start >= cachedLineEnd {
                    var s = start
                    while s > 0 && base[s - 1] != 10 { s -= 1 }
                    var e = end
                    if let p = memchr(base + end, 10, n - end) { e = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base } else { e = n }
                    cachedLineStart = s; cachedLineEnd = e
                }
                for j in ruleStart[keyword]..<ruleStart[keyword + 1] {
                    let r = ruleList[j]
                    let window: Range<Int>
                    switch modes[r] {
                    case .word:
                        // The start of the word holding the hit; one anchored attempt there.
                        var w = start
                        if wordStart >= cachedLineStart && start >= wordCheckedTo {
                            // Walk back only to where the last walk began.
                            while w > wordCheckedTo && flags[Int(base[w - 1])] & Self.wordFlag != 0 { w -= 1 }
                            if w == wordCheckedTo { w = wordStart }
                            wordStart = w; wordCheckedTo = start
                        } else if wordStart >= cachedLineStart && start >= wordStart {
                            w = wordStart
                        } else {
                            while w > cachedLineStart && flags[Int(base[w - 1])] & Self.wordFlag != 0 { w -= 1 }
                            wordStart = w; wordCheckedTo = start
                        }
                        if openLower[r] == w { continue }
                        window = w..<cachedLineEnd
                    case .multiline:
                        if openLower[r] >= 0 { continue }
                        window = cachedLineStart..<n
                    case .line where cachedLineEnd - cachedLineStart > Self.longLine:
                        // A long line (minified code, a data blob): search around each hit, not the
                        // whole line once per rule, so the cost follows the hits, not the line.
                        // The window ends just after a byte that ends a token, so look-aheads and `$`
                        // see what the line really holds there (a cut mid-token would look like an end).
                        var stop = min(cachedLineEnd, end + Self.longLineReach)
                        let lower = max(cachedLineStart, start - Self.longLineReach)
                        let limit = min(cachedLineEnd, stop + Self.longLineReach)
                        // Resume the last walk when it covered `stop`: hits only move right, so each
                        // byte of a long token run is walked once, not once per hit.
                        if stop >= tokenRunStart && stop <= tokenRunEnd { stop = tokenRunEnd } else { tokenRunStart = stop }
                        while stop < limit && flags[Int(base[stop])] & Self.tokenFlag != 0 { stop += 1 }
                        tokenRunEnd = stop
                        if stop < cachedLineEnd { stop += 1 }
                        if openLower[r] >= 0 && lower <= openUpper[r] {
                            if stop > openUpper[r] { openUpper[r] = stop }
                            continue
                        }
                        window = lower..<stop
                    case .line:
                        if openLower[r] >= 0 {
                            if cachedLineStart < openUpper[r] { continue }
                            if cachedLineStart == openUpper[r] + 1 || cachedLineStart == openUpper[r] {
                                // Adjacent lines: widen the window instead of adding one.
                                openUpper[r] = cachedLineEnd
                                continue
                            }
                        }
                        window = cachedLineStart..<cachedLineEnd
                    }
                    if openLower[r] >= 0 {
                        windows[r].append(openLower[r]..<openUpper[r])
                    } else {
                        touched.append(r)
                    }
                    openLower[r] = window.lowerBound
                    openUpper[r] = window.upperBound
                }
            }
        }
        feed?.finish()
        }}}}}
        // Close every open window, leaving the arrays all -1 for the next fragment.
        for r in touched {
            windows[r].append(openLower[r]..<openUpper[r])
            openLower[r] = -1
            openUpper[r] = -1
        }
        }
        swap(&windows, &scratch.windows)
        swap(&touched, &scratch.touched)
        swap(&extraSeen, &scratch.extraSeen)
        for r in unconditionalRules {
            if scratch.windows[r].isEmpty { scratch.touch(r) }
            scratch.windows[r] = [0..<n]
        }

        // 2. Each triggered rule's regex over its windows, in rule order for stable output, each
        // within its share of the file's regex work budget.
        scratch.touched.sort()
        var active: [Int] = []
        var demands: [Int] = []
        for r in scratch.touched {
            let compiled = rules[r]
            if let pathPattern = compiled.pathPattern, !pathPattern.matches(fragment.path, scratch: scratch.match) { continue }
            if compiled.allowlists.contains(where: { $0.allowsWholePath(fragment.path, scratch: scratch.match) }) { continue }
            active.append(r)
            var demand = 0
            for window in scratch.windows[r] { demand += Self.workCost(window, ruleModes[r]) }
            demands.append(demand)
        }
        let share = Self.workShare(demands, budget: Self.workBudget(n))
        if RuleStats.enabled { RuleStats.noteWork(demands.reduce(0, +), size: n, path: fragment.path) }
        // Large fragments that keep many rules busy split them between this thread and one
        // more, by estimated cost; each half's results are kept in rule order, so the report
        // is the same as from one thread.
        var run = RuleRun()
        let split = splitsLargeFragments ? Self.parallelSplit(active: active, demands: demands, share: share, size: n) : 0
        if split > 0 {
            _ = lines.lineRange(containing: 0)  // index the lines once, before both halves copy the index
            let helper = scratch.helperScratch(ruleCount: rules.count)
            // Both threads only read the fragment, the windows and the rules; each has its own
            // scratch and copy of the line index, and both are joined before anything goes on.
            let job = UncheckedBox((scratches: [scratch, helper], fragment: fragment, windows: scratch.windows, lines: lines))
            let parts = [0..<split, split..<active.count], rulesToRun = active, work = demands
            let halves = Locked([RuleRun(), RuleRun()])
            runParallel(2) { worker in
                var lines = job.value.lines
                let part = self.runRules(parts[worker], active: rulesToRun, demands: work, share: share,
                                         fragment: job.value.fragment, windows: job.value.windows, lines: &lines,
                                         scratch: job.value.scratches[worker])
                halves.withLock { $0[worker] = part }
            }
            let done = halves.withLock { $0 }
            run = done[0]
            run.findings += done[1].findings
            run.warnings += done[1].warnings
            run.stopped += done[1].stopped
            helper.addRuleStats(into: scratch)
        } else {
            run = runRules(0..<active.count, active: active, demands: demands, share: share, fragment: fragment,
                           windows: scratch.windows, lines: &lines, scratch: scratch)
        }

        result.findings += run.findings
        result.warnings += run.warnings
        let stopped = run.stopped
        if !stopped.isEmpty {
            let named = stopped.prefix(5).map { stop -> String in
                let (line, column) = lines.position(of: stop.at)
                return "'\(rules[stop.rule].rule.id)' from line \(line), column \(column)"
            }
            let more = stopped.count > named.count ? " and \(stopped.count - named.count) more" : ""
            result.warnings.append("\(fragment.path): regex work limit reached (keywords of \(active.count) rules, \(demands.reduce(0, +) / max(n, 1))x the file's size to search); \(stopped.count) rule\(stopped.count == 1 ? "" : "s") stopped early and may miss secrets after: \(named.joined(separator: ", "))\(more)")
        }
        result.findings = Self.dedupe(result.findings)
        if decodeDepth > 0 {
            result.findings += decodedFindings(fragment, depth: decodeDepth, plain: result.findings, lines: &lines, scratch: scratch)
        }
        return result
    }

    /// What running a run of rules over their windows produced.
    struct RuleRun: Sendable {
        var findings: [Finding] = []
        var warnings: [String] = []
        var stopped: [(rule: Int, at: Int)] = []
    }

    /// Runs the rules `active[part]` over their windows, each within its share of the budget.
    private func runRules(_ part: Range<Int>, active: [Int], demands: [Int], share: Int, fragment: Fragment,
                          windows: [[Range<Int>]], lines: inout LineIndex, scratch: DetectorScratch) -> RuleRun {
        var run = RuleRun()
        guard let base = fragment.bytes.baseAddress else { return run }
        let n = fragment.bytes.count
        for k in part {
            let r = active[k]
            let compiled = rules[r]
            guard let pattern = compiled.pattern else {
                // A path-only rule: the file's name is the finding.
                run.findings.append(Finding(
                    ruleID: compiled.rule.id, category: .secret, severity: compiled.rule.severity,
                    message: compiled.rule.description.isEmpty ? "File matches rule \(compiled.rule.id)" : compiled.rule.description,
                    path: fragment.path, line: 1, column: 1, endLine: 1, endColumn: 1, commit: fragment.commit))
                continue
            }
            var gaveUp = false
            let started = scratch.ruleTimes.isEmpty ? 0 : MonotonicNanos.now()
            defer {
                if !scratch.ruleTimes.isEmpty {
                    scratch.ruleTimes[r] &+= MonotonicNanos.now() &- started
                    scratch.ruleWindows[r] &+= UInt64(windows[r].count)
                }
            }
            var left = demands[k] > share ? share : Int.max
            for planned in windows[r] where !gaveUp {
                var window = planned
                if left != Int.max {
                    let cost = Self.workCost(window, ruleModes[r])
                    if cost > left {
                        // Out of budget: search what is left of a long window, then stop.
                        if ruleModes[r] != .word && left > 2 * Self.workPerCall {
                            window = window.lowerBound..<(window.lowerBound + left - Self.workPerCall)
                        }
                        run.stopped.append((r, window == planned ? planned.lowerBound : window.upperBound))
                        gaveUp = true
                        if window == planned { break }
                    }
                    left -= cost
                }
                var start = window.lowerBound
                let anchored = compiled.rule.anchor == .word
                // A window of a long line may end before the line does: there `$` must not match
                // (NOTEOL), and a match that ends at the cut is dropped (its look-ahead saw an end
                // that is not there).
                let cut = window.upperBound < n && base[window.upperBound] != 10 && base[window.upperBound] != 13
                let options: UInt32 = cut ? UInt32(PCRE2_NOTEOL) : 0
                matching: while start <= window.upperBound {
                    switch pattern.match(base, length: window.upperBound, start: start, options: options, scratch: scratch.match) {
                    case .noMatch:
                        break matching
                    case .limitExceeded:
                        run.warnings.append("\(fragment.path): rule '\(compiled.rule.id)' gave up (PCRE2 match limit reached on a line); its results for this file may be incomplete")
                        gaveUp = true
                        break matching
                    case .error(let code):
                        run.warnings.append("\(fragment.path): rule '\(compiled.rule.id)' failed with PCRE2 error \(code)")
                        gaveUp = true
                        break matching
                    case .match:
                        guard let whole = scratch.match.range(0) else { break matching }
                        start = whole.upperBound > whole.lowerBound ? whole.upperBound : whole.upperBound + 1
                        if cut && whole.upperBound == window.upperBound {
                            if anchored { break matching }
                            continue matching
                        }
                        if let finding = evaluate(compiled, whole: whole, fragment: fragment, base: base, lines: &lines, scratch: scratch) {
                            run.findings.append(finding)
                        }
                        if anchored { break matching }
                    }
                }
            }
        }
        return run
    }

    // MARK: Two threads for one large fragment
    //
    // Workers scan files in parallel, but one large file (a bundle, a data dump, hostile input)
    // can leave the other cores idle while its rules run. When a fragment is large and its rules
    // have much regex work ahead, they are split in two, by estimated cost, between the worker's
    // thread and one more. Small fragments, which are nearly all, never pay for a thread.

    /// Fragments at least this large may split their rules between two threads.
    static let parallelMinimumSize = 1 << 20
    /// ... when their rules together have at least this much regex work (bytes searched).
    static let parallelMinimumWork = 2 << 20
    /// Compiling a rule to machine code on first use costs about as much as searching this many bytes.
    static let workPerRuleStart = 32 << 10

    /// Where to split `active` between two threads (0: run on one).
    static func parallelSplit(active: [Int], demands: [Int], share: Int, size: Int) -> Int {
        guard size >= parallelMinimumSize, active.count >= 2 else { return 0 }
        var total = 0
        for d in demands { total += min(d, share) }
        guard total >= parallelMinimumWork else { return 0 }
        total += workPerRuleStart * demands.count
        var sum = 0
        for k in demands.indices {
            sum += min(demands[k], share) + workPerRuleStart
            if 2 * sum >= total { return min(k + 1, active.count - 1) }
        }
        return active.count - 1
    }

    // MARK: Regex work budget
    //
    // Each triggered rule's regex searches only around its keywords, so one rule's work is
    // linear in the fragment; but text holding the keywords of hundreds of rules at once (a
    // keyword list, hostile input) makes every rule search it. The budget bounds the total to a
    // multiple of the fragment's size: when the rules together ask for more, each gets an equal
    // share (rules needing less than that keep what they need), and a rule that runs out stops
    // with a warning naming where, never silently. Real text asks for far less: beyond the
    // 4 MiB floor (which covers every file under a few MiB), the most any file asked for over
    // site-packages, /usr/share, this repository and the ai-real checkouts (1.6 GB) is 1.6 per
    // byte (a 3.8 MB notebook); only keyword lists (the generated rule table: 20.7) go higher.
    // `LEAKGUARD_RULE_STATS` prints both figures for any tree. 6 per byte keeps a wide margin
    // over real text while bounding hostile input to a few ns per byte of regex time.

    /// Work counted for one regex call, in bytes searched.
    static let workPerCall = 64
    /// An anchored attempt (a word rule) looks at the start of its window only.
    static let workPerAnchoredAttempt = 256
    static let workPerByte = 6
    static let workFloor = 4 << 20

    /// The regex work a fragment of `size` bytes may use, in bytes searched.
    static func workBudget(_ size: Int) -> Int { workFloor + workPerByte * size }

    @inline(__always) static func workCost(_ window: Range<Int>, _ mode: WindowMode) -> Int {
        workPerCall + (mode == .word ? min(window.count, workPerAnchoredAttempt) : window.count)
    }

    /// The most any one rule may use when the `demands` together exceed `budget`: the level at
    /// which the rules capped there and the others in full use the whole budget (Int.max when
    /// everything fits).
    static func workShare(_ demands: [Int], budget: Int) -> Int {
        var total = 0
        for d in demands { total += d }
        guard total > budget else { return Int.max }
        var remaining = budget, left = demands.count
        for d in demands.sorted() {
            if d * left > remaining { return remaining / left }
            remaining -= d; left -= 1
        }
        return Int.max
    }

    /// Secrets inside encoded spans of the fragment (base64, hex, percent, `\u` escapes),
    /// reported at the encoded text and tagged with how it was encoded; a secret also found in
    /// plain text is not reported twice.
    private func decodedFindings(_ fragment: Fragment, depth: Int, plain: [Finding], lines: inout LineIndex,
                                 scratch: DetectorScratch) -> [Finding] {
        let spans = Decoder.candidates(fragment.bytes)
        guard !spans.isEmpty, let base = fragment.bytes.baseAddress else { return [] }
        // The sub-scans reuse the scratch: keep the outer fragment's keyword results for the
        // checks that run after the detector.
        let savedFragment = scratch.extraFragment, savedSeen = scratch.extraSeen
        defer { scratch.extraFragment = savedFragment; scratch.extraSeen = savedSeen }
        var seen = Set(plain.map(\.secret))
        var out: [Finding] = []
        for span in spans {
            let inner = span.decoded.withUnsafeBufferPointer { buf in
                scan(Fragment(bytes: buf, path: fragment.path, commit: fragment.commit), scratch: scratch, decodeDepth: depth - 1).findings
            }
            guard !inner.isEmpty else { continue }
            let (line, column) = lines.position(of: span.range.lowerBound)
            if let filter = fragment.lines, !filter.contains(lines.gitLine(of: span.range.lowerBound)) { continue }
            let (endLine, endColumn) = lines.position(of: span.range.upperBound)
            let lineRange = lines.lineRange(containing: span.range.lowerBound)
            let excerpt = Self.maskedExcerpt(base: base, line: lineRange, span: span.range, label: span.encoding.rawValue)
            for var f in inner where !f.secret.isEmpty && seen.insert(f.secret).inserted {
                f.decoded = [span.encoding.rawValue] + f.decoded
                f.line = line; f.column = column; f.endLine = endLine; f.endColumn = endColumn
                f.lineText = excerpt
                f.encodedText = String(decoding: UnsafeBufferPointer(start: base + span.range.lowerBound, count: span.range.count), as: UTF8.self)
                out.append(f)
            }
        }
        return out
    }

    /// The line around an encoded span, the span itself replaced by a label: the encoded text
    /// is the secret in another spelling and must not be printed.
    static func maskedExcerpt(base: UnsafePointer<UInt8>, line: Range<Int>, span: Range<Int>, label: String) -> String {
        let lower = max(line.lowerBound, min(span.lowerBound, line.upperBound))
        let upper = min(line.upperBound, max(span.upperBound, lower))
        var text: [UInt8] = []
        let before = max(line.lowerBound, lower - Excerpt.context)
        if before > line.lowerBound { text += Excerpt.ellipsis }
        text += UnsafeBufferPointer(start: base + before, count: lower - before)
        text += Array("«\(label), \(span.count) characters»".utf8)
        let after = min(line.upperBound, upper + Excerpt.context)
        text += UnsafeBufferPointer(start: base + upper, count: after - upper)
        if after < line.upperBound { text += Excerpt.ellipsis }
        return String(decoding: text, as: UTF8.self)
    }

    /// Every span of `text` that any rule's regex matches as its secret, ignoring entropy,
    /// allowlists and suppressions: what redaction must hide in an excerpt. A cold path, run
    /// only on the excerpts of findings.
    func secretSpans(in text: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) -> [Range<Int>] {
        guard let base = text.baseAddress, text.count > 0 else { return [] }
        var present = Set<Int>()
        keywordMatcher.scan(text) { keyword, _ in
            guard keyword < extraKeywordBase else { return }
            for j in keywordRuleStart[keyword]..<keywordRuleStart[keyword + 1] { present.insert(keywordRuleList[j]) }
        }
        for r in unconditionalRules { present.insert(r) }
        var spans: [Range<Int>] = []
        for r in present.sorted() {
            guard let pattern = rules[r].pattern else { continue }
            let rule = rules[r].rule
            // Word-anchored patterns are tried at every word start; others search the text.
            var start = 0
            while start < text.count {
                if rule.anchor == .word && start > 0 && isWordByte(base[start - 1]) { start += 1; continue }
                guard case .match = pattern.match(base, length: text.count, start: start, scratch: scratch),
                      let whole = scratch.range(0) else {
                    if rule.anchor == .word { start += 1; continue }
                    break
                }
                var secret = whole
                if rule.secretGroup > 0, let g = scratch.range(rule.secretGroup) { secret = g }
                else if rule.secretGroup == 0, pattern.captureCount == 1, let g = scratch.range(1) { secret = g }
                if !secret.isEmpty { spans.append(secret) }
                start = max(whole.upperBound, start + 1)
            }
        }
        return spans
    }

    /// Turns one regex match into a finding, or nil when a filter says it is not a secret.
    private func evaluate(_ compiled: CompiledRule, whole: Range<Int>, fragment: Fragment,
                          base: UnsafePointer<UInt8>, lines: inout LineIndex, scratch: DetectorScratch) -> Finding? {
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
        // One suppression search per line, however many matches it holds.
        if scratch.suppressionLine != lineRange.lowerBound || scratch.suppressionBase != base {
            scratch.suppressionLine = lineRange.lowerBound
            scratch.suppressionBase = base
            scratch.suppressed = Self.isSuppressed(lineBytes)
        }
        if scratch.suppressed { return nil }
        let (line, column) = lines.position(of: secretRange.lowerBound)
        if let filter = fragment.lines, !filter.contains(lines.gitLine(of: secretRange.lowerBound)) { return nil }
        let matchBytes = UnsafeBufferPointer(start: base + whole.lowerBound, count: whole.count)
        let candidate = AllowlistCandidate(ruleID: rule.id, path: fragment.path, secret: secretBytes, match: matchBytes,
                                           line: lineBytes, commit: fragment.commit?.commit)
        let lineResults = scratch.lineAllowlistResults
        lineResults.use(line: lineRange.lowerBound, base: base, slots: lineAllowlistSlots)
        if compiled.allowlists.contains(where: { $0.allows(candidate, scratch: scratch.match, lineResults: lineResults) }) { return nil }
        if globalAllowlists.contains(where: { $0.allows(candidate, scratch: scratch.match, lineResults: lineResults) }) { return nil }
        let (endLine, endColumn) = lines.position(of: secretRange.upperBound)
        let secret = String(decoding: secretBytes, as: UTF8.self)
        var finding = Finding(
            ruleID: rule.id, category: .secret, severity: rule.severity,
            message: rule.description.isEmpty ? "Secret matched rule \(rule.id)" : rule.description,
            path: fragment.path, line: line, column: column, endLine: endLine, endColumn: endColumn,
            secret: secret, lineText: Excerpt.window(lineBytes, around: (secretRange.lowerBound - lineRange.lowerBound)..<(min(secretRange.upperBound, lineRange.upperBound) - lineRange.lowerBound)),
            entropy: entropy ?? shannonEntropy(secretBytes), commit: fragment.commit)
        finding.gitleaksIDs = rule.gitleaksIDs
        finding.help = Self.help(rule, inHistory: fragment.commit != nil)
        return finding
    }

    /// What to do about a secret: rotate it where the rule says, then keep it out of the code.
    static func help(_ rule: Rule, inHistory: Bool) -> String {
        var text: String
        switch rule.rotate {
        case let url? where url.hasPrefix("https://") || url.hasPrefix("http://"):
            text = "Rotate it at \(url), then load it from an environment variable or a secrets manager instead of the source."
        case let line?:
            text = line.hasSuffix(".") ? line : line + "."
            let lower = line.lowercased()
            if !(lower.contains("the environment") || lower.contains("environment variable") || lower.contains("secret manager")) {
                text += " Then load it from an environment variable or a secrets manager instead of the source."
            }
        case nil:
            text = "Revoke or rotate it, then load it from an environment variable or a secrets manager instead of the source."
        }
        if inHistory { text += " Deleting the line is not enough: the key stays in git history, so it must be rotated." }
        return text
    }

    /// One finding per place: identical spans of one rule collapse, and rules that found the
    /// same secret become one finding that lists them all (generic rules yield to specific ones).
    static func dedupe(_ findings: [Finding]) -> [Finding] {
        guard findings.count > 1 else { return findings }
        var seen = Set<String>()
        var out: [Finding] = []
        for f in findings {
            let key = "\(f.ruleID)|\(f.line)|\(f.column)|\(f.endLine)|\(f.endColumn)"
            guard seen.insert(key).inserted else { continue }
            out.append(f)
        }
        return FindingMerge.merge(out)
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
    /// Each rule's open window while hits are read (lower bounds, then upper bounds; -1 between fragments).
    var openWindows: [Int] = []
    /// The line whose suppression marker was last looked for, in the fragment at `suppressionBase`.
    var suppressionLine = -1
    var suppressionBase: UnsafePointer<UInt8>?
    var suppressed = false
    /// Line-target allowlist answers for the line of the last candidate.
    let lineAllowlistResults = LineAllowlistResults()
    /// Which of the detector's extra keywords the fragment at `extraFragment` holds.
    public internal(set) var extraSeen: [Bool] = []
    var extraFragment: (UnsafePointer<UInt8>, Int)?

    /// The extra-keyword results, if they belong to these bytes (nil: the detector has not
    /// scanned them, search yourself).
    public func extraKeywordsSeen(for bytes: UnsafeBufferPointer<UInt8>) -> [Bool]? {
        guard let (base, count) = extraFragment, base == bytes.baseAddress, count == bytes.count else { return nil }
        return extraSeen
    }
    /// Per-rule nanoseconds and windows, collected only when LEAKGUARD_RULE_STATS is set.
    var ruleTimes: [UInt64] = []
    var ruleWindows: [UInt64] = []

    public init() {}

    /// A second scratch for the thread that takes half of a large fragment's rules.
    private var helper: DetectorScratch?

    func helperScratch(ruleCount: Int) -> DetectorScratch {
        let h = helper ?? DetectorScratch()
        helper = h
        h.reset(ruleCount: ruleCount)
        h.suppressionBase = nil
        h.lineAllowlistResults.base = nil
        return h
    }

    /// Moves the per-rule figures of `LEAKGUARD_RULE_STATS` from this scratch to `other`.
    func addRuleStats(into other: DetectorScratch) {
        guard !ruleTimes.isEmpty, ruleTimes.count == other.ruleTimes.count else { return }
        for i in ruleTimes.indices {
            other.ruleTimes[i] &+= ruleTimes[i]; other.ruleWindows[i] &+= ruleWindows[i]
            ruleTimes[i] = 0; ruleWindows[i] = 0
        }
    }

    func reset(ruleCount: Int) {
        if windows.count != ruleCount {
            windows = Array(repeating: [], count: ruleCount)
            if RuleStats.enabled { ruleTimes = Array(repeating: 0, count: ruleCount); ruleWindows = ruleTimes }
        }
        for r in touched { windows[r].removeAll(keepingCapacity: true) }
        touched.removeAll(keepingCapacity: true)
    }

    @inline(__always) func touch(_ r: Int) { touched.append(r) }
}

/// Letters, digits, `_`, `.` and `-`: what `anchor = "word"` treats as one word.
@inline(__always) func isWordByte(_ b: UInt8) -> Bool {
    (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 95 || b == 46 || b == 45
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
    needle.isEmpty || byteOffset(of: needle, in: haystack) != nil
}

extension String {
    func trimmingLineBreak() -> String {
        var s = Substring(self)
        while let l = s.last, l == "\r" || l == "\n" { s.removeLast() }
        return String(s)
    }
}


/// A developer aid: which rules cost the most time (`LEAKGUARD_RULE_STATS=1`).
enum RuleStats {
    static let enabled = getenv("LEAKGUARD_RULE_STATS") != nil
    /// Nanoseconds and windows per rule, summed over workers.
    static let totals = Locked<(times: [UInt64], windows: [UInt64])>(([], []))

    static func merge(_ scratch: DetectorScratch) {
        guard enabled, !scratch.ruleTimes.isEmpty else { return }
        totals.withLock { t in
            if t.times.isEmpty { t.times = scratch.ruleTimes.map { _ in 0 }; t.windows = t.times }
            for i in 0..<scratch.ruleTimes.count { t.times[i] &+= scratch.ruleTimes[i]; t.windows[i] &+= scratch.ruleWindows[i] }
        }
    }

    /// The fragment whose rules asked for the most regex work per byte of it, and the one that
    /// asked for the most beyond the budget's floor (the figure `workPerByte` must stay above).
    static let highestWork = Locked<(ratio: Double, path: String, beyondFloor: Double, beyondPath: String)>((0, "", 0, ""))

    static func noteWork(_ work: Int, size: Int, path: String) {
        let ratio = Double(work) / Double(max(size, 1))
        let beyond = Double(max(0, work - Detector.workFloor)) / Double(max(size, 1))
        highestWork.withLock {
            if ratio > $0.ratio { $0.ratio = ratio; $0.path = path }
            if beyond > $0.beyondFloor { $0.beyondFloor = beyond; $0.beyondPath = path }
        }
    }

    static func report(_ detector: Detector) {
        let highest = highestWork.withLock { $0 }
        if enabled {
            let line = "rule-stats: most regex work per byte: \(highest.ratio) (\(highest.path)); most beyond the \(Detector.workFloor >> 20) MiB floor: \(highest.beyondFloor) per byte (\(highest.beyondPath.isEmpty ? "none" : highest.beyondPath)); the budget allows \(Detector.workPerByte)\n"
            writeStandardError(line)
        }
        let (times, windows) = totals.withLock { $0 }
        guard enabled, !times.isEmpty else { return }
        let order = times.indices.sorted { times[$0] > times[$1] }
        for i in order.prefix(25) {
            writeStandardError("rule-stats: \(detector.rules[i].rule.id): \(times[i] / 1_000_000) ms over \(windows[i]) windows\n")
        }
    }
}

enum MonotonicNanos {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
