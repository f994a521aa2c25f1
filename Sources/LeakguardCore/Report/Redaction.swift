/// How much of a secret reports may show.
public enum Redaction: Sendable, Equatable {
    /// The default: a short prefix, then `…`.
    case prefix
    /// Hide this percentage (1…100) of the secret from the end; 100 hides it all.
    case percent(Int)
    /// Show the secret in full (`--no-redact`).
    case none

    public func apply(_ secret: String) -> String {
        if secret.isEmpty { return secret }
        let chars = Array(secret)
        switch self {
        case .none:
            return secret
        case .prefix:
            // Enough to recognise the key's kind, never enough to use it.
            let keep = min(4, chars.count / 4)
            return String(chars[0..<keep]) + "…"
        case .percent(let p):
            if p >= 100 { return "REDACTED" }
            let keep = chars.count * (100 - max(0, p)) / 100
            return String(chars[0..<min(keep, chars.count)]) + "…"
        }
    }

    /// `line` with every occurrence of `secret` redacted.
    public func apply(_ secret: String, in line: String) -> String {
        guard !secret.isEmpty, self != .none else { return line }
        return line.replacingAll(secret, with: apply(secret))
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        let u = self.utf8
        guard t.count <= u.count else { return nil }
        var i = u.startIndex
        while i != u.endIndex {
            if u[i] == t[0] {
                var j = i, k = 0
                while k < t.count && j != u.endIndex && u[j] == t[k] { j = u.index(after: j); k += 1 }
                if k == t.count, let lower = String.Index(i, within: self), let upper = String.Index(j, within: self) {
                    return lower..<upper
                }
            }
            i = u.index(after: i)
        }
        return nil
    }
}
