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
            for x in i..<j where !absorbed[order[x]] {
                for y in (x + 1)..<j where !absorbed[order[y]] {
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

    /// The same secret: both have one, one holds the other, and their places overlap.
    static func sameSecret(_ a: Finding, _ b: Finding) -> Bool {
        guard !a.secret.isEmpty, !b.secret.isEmpty else { return false }
        // A decoded secret and a plain finding of its encoded spelling are one secret.
        let spelled = { (x: Finding, y: Finding) -> Bool in
            !x.encodedText.isEmpty && y.encodedText.isEmpty && (y.secret.contains(x.encodedText) || x.encodedText.contains(y.secret))
        }
        guard a.secret.contains(b.secret) || b.secret.contains(a.secret) || spelled(a, b) || spelled(b, a) else { return false }
        return (a.line, a.column) <= (b.endLine, b.endColumn) && (b.line, b.column) <= (a.endLine, a.endColumn)
    }
}
