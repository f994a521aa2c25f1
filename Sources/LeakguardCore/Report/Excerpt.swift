/// Bounded excerpts of source lines: what a finding remembers of the line it was found on.
///
/// A finding keeps a window around its match, never the whole line: a 50 MB minified line would
/// otherwise be copied into every finding and every report. The window never ends inside a
/// token (a run of key-alphabet characters), so a second secret near the edge is either shown
/// whole, where redaction can see it, or not at all.
public enum Excerpt {
    /// Bytes kept on each side of the match.
    public static let context = 80
    /// The longest match shown in full; longer ones keep their two ends.
    public static let maxMatch = 240

    /// The part of `line` around `match` (byte offsets within `line`), with `…` where cut.
    public static func window(_ line: UnsafeBufferPointer<UInt8>, around match: Range<Int>) -> String {
        var end = line.count
        while end > 0, line[end - 1] == 10 || line[end - 1] == 13 { end -= 1 }
        let lower = min(max(0, match.lowerBound), end)
        let upper = min(max(lower, match.upperBound), end)
        var start = max(0, lower - context)
        var stop = min(end, upper + context)
        // Never cut inside a token or a UTF-8 sequence.
        if start > 0 {
            while start < lower && (isTokenByte(line[start - 1]) && isTokenByte(line[start]) || line[start] & 0xC0 == 0x80) { start += 1 }
        }
        if stop < end {
            while stop > upper && (isTokenByte(line[stop - 1]) && isTokenByte(line[stop]) || line[stop] & 0xC0 == 0x80) { stop -= 1 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(stop - start + 8)
        if start > 0 { out += ellipsis }
        if upper - lower > maxMatch {
            // A very long match (a minified blob): its ends are enough to place it.
            out += line[start..<(lower + maxMatch / 2)]
            out += ellipsis
            var tail = upper - maxMatch / 2
            while tail < upper && line[tail] & 0xC0 == 0x80 { tail += 1 }
            out += line[tail..<stop]
        } else {
            out += line[start..<stop]
        }
        if stop < end { out += ellipsis }
        return String(decoding: out, as: UTF8.self)
    }

    public static func window(_ line: String, around match: Range<Int>) -> String {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { window($0, around: match) }
    }

    static let ellipsis: [UInt8] = Array("…".utf8)
}

/// Characters that make up keys and tokens in every common alphabet (base64, base64url, hex,
/// JWT segments).
@inline(__always) func isTokenByte(_ b: UInt8) -> Bool {
    (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57)
        || b == 95 || b == 45 || b == 43 || b == 47 || b == 61 || b == 46
}
