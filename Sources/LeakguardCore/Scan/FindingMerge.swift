import LeakguardBase
/// One finding per secret: when several rules (a provider rule, `generic-secret`,
/// `ai-key-hardcoded`, a gitleaks rule loaded beside the built-in pack) match the same secret at
/// the same place, the report shows one finding that lists every rule. A baseline or ignore
/// entry for any of those rules suppresses it (`Finding.suppressionKeys`).
public enum FindingMerge {
    /// Which finding speaks for a secret: a provider rule first, then the AI check's, then a
    /// generic rule.
    static func rank(_ f: Finding) -> Int {
        if f.category == .ai { return 1 }
        if f.ruleID.hasPrefix("generic") || f.ruleID == "url-credentials" || f.ruleID == "jwt" { return 2 }
        return 0
    }

    public static func merge(_ findings: [Finding]) -> [Finding] {
        guard findings.count > 1 else { return findings }
        // Candidates share path, commit and line; order by rank so the speaker comes first.
        var order = Array(findings.indices)
        order.sort { a, b in
            let fa = findings[a], fb = findings[b]
            return (fa.path, fa.commit?.commit ?? "", fa.line, rank(fa), a) < (fb.path, fb.commit?.commit ?? "", fb.line, rank(fb), b)
        }
        var absorbed = [Bool](repeating: false, count: findings.count)
        var merged = findings
        var i = 0
        while i < order.count {
            var j = i + 1
            let first = findings[order[i]]
            while j < order.count, findings[order[j]].path == first.path, findings[order[j]].line == first.line,
                  findings[order[j]].commit?.commit == first.commit?.commit { j += 1 }
            // order[i..<j] share a line: merge each into the best-ranked one holding the same secret.
            // Only findings whose places overlap can hold the same secret, so each is compared
            // with its neighbours by column, not with the whole line (a minified line may hold
            // thousands of findings).
            let group = LineGroup(order[i..<j], findings)
            for x in i..<j where !absorbed[order[x]] {
                for y in group.overlapping(findings[order[x]]).map({ $0 + i }) where y > x && !absorbed[order[y]] {
                    let a = merged[order[x]], b = merged[order[y]]
                    guard sameSecret(a, b) else { continue }
                    absorbed[order[y]] = true
                    var speaker = a
                    for id in [b.ruleID] + b.alsoMatched where id != speaker.ruleID && !speaker.alsoMatched.contains(id) {
                        speaker.alsoMatched.append(id)
                    }
                    for id in b.gitleaksIDs where !speaker.gitleaksIDs.contains(id) { speaker.gitleaksIDs.append(id) }
                    if speaker.help == nil { speaker.help = b.help }
                    if speaker.decoded.isEmpty && !b.decoded.isEmpty { speaker.decoded = b.decoded; speaker.encodedText = b.encodedText }
                    merged[order[x]] = speaker
                }
            }
            i = j
        }
        return merged.indices.filter { !absorbed[$0] }.map { merged[$0] }
    }

    /// The findings that start on one line, indexed by column so that those overlapping a place
    /// are found without looking at the others. A member is named by its offset from the group's
    /// first position in the merge order.
    private struct LineGroup {
        /// One-line findings as (column, end column, member), sorted by column.
        var spans: [(column: Int, end: Int, member: Int)] = []
        /// The longest one-line span: nothing starting further left can reach a column.
        var widest = 0
        /// Findings that end on a later line overlap anything to their right.
        var multiline: [(column: Int, member: Int)] = []

        init(_ members: ArraySlice<Int>, _ findings: [Finding]) {
            for (k, index) in members.enumerated() {
                let f = findings[index]
                if f.endLine > f.line {
                    multiline.append((f.column, k))
                } else {
                    spans.append((f.column, f.endColumn, k))
                    widest = max(widest, f.endColumn - f.column)
                }
            }
            spans.sort { ($0.column, $0.member) < ($1.column, $1.member) }
        }

        /// Members whose place may overlap `f`'s, in merge order (offsets from the group start).
        func overlapping(_ f: Finding) -> [Int] {
            let last = f.endLine > f.line ? Int.max : f.endColumn
            var out: [Int] = []
            // First span whose column is at least f.column - widest.
            var lo = 0, hi = spans.count
            let from = f.column - widest
            while lo < hi {
                let mid = (lo + hi) / 2
                if spans[mid].column < from { lo = mid + 1 } else { hi = mid }
            }
            var k = lo
            while k < spans.count && spans[k].column <= last {
                if spans[k].end >= f.column { out.append(spans[k].member) }
                k += 1
            }
            for m in multiline where m.column <= last { out.append(m.member) }
            return out.sorted()
        }
    }

    /// The same secret: both have one, one holds the other, and their places overlap.
    static func sameSecret(_ a: Finding, _ b: Finding) -> Bool {
        guard !a.secret.isEmpty, !b.secret.isEmpty else { return false }
        // The places first: comparing them is cheap, comparing text is not.
        guard (a.line, a.column) <= (b.endLine, b.endColumn) && (b.line, b.column) <= (a.endLine, a.endColumn) else { return false }
        // A decoded secret and a plain finding of its encoded spelling are one secret.
        let spelled = { (x: Finding, y: Finding) -> Bool in
            !x.encodedText.isEmpty && y.encodedText.isEmpty && (holds(y.secret, x.encodedText) || holds(x.encodedText, y.secret))
        }
        return holds(a.secret, b.secret) || holds(b.secret, a.secret) || spelled(a, b) || spelled(b, a)
    }

    /// `text` holds `part`, byte for byte.
    private static func holds(_ text: String, _ part: String) -> Bool {
        if part.utf8.count > text.utf8.count { return false }
        return text.utf8.withContiguousStorageIfAvailable { hay in
            part.utf8.withContiguousStorageIfAvailable { needle in
                needle.isEmpty || byteOffset(of: Array(needle), in: hay) != nil
            }
        }.flatMap { $0 } ?? text.contains(part)
    }
}
