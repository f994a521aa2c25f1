#if canImport(Glibc)
import Glibc
#endif

/// Encoded secrets: a key base64-encoded in a Kubernetes Secret, a docker `config.json` `auth`,
/// an `.npmrc` `_auth`, percent-encoded in a URL or `\u`-escaped in JSON. The decoder finds
/// candidate spans in a fragment, decodes those that turn into text, and the detector scans the
/// decoded text too (recursively, to a depth). Findings point at the encoded text and say how it
/// was encoded.
enum Decoder {
    enum Encoding: String { case base64, hex, percent, escape = "unicode-escape" }

    struct Span {
        var range: Range<Int>
        var encoding: Encoding
        var decoded: [UInt8]
    }

    /// Byte classes: bit 1 base64/base64url alphabet, bit 2 hex digit, bits 4, 8 and 16 upper-case
    /// letter, lower-case letter and digit.
    static let classes: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(b)] |= 1 | 4 }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(b)] |= 1 | 8 }
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(b)] |= 3 | 16 }
        for b in UInt8(ascii: "a")...UInt8(ascii: "f") { t[Int(b)] |= 2 }
        for b in UInt8(ascii: "A")...UInt8(ascii: "F") { t[Int(b)] |= 2 }
        for b in [UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_")] { t[Int(b)] |= 1 }
        return t
    }()

    /// The shortest run worth decoding: 24 base64 characters are 18 bytes, shorter than any
    /// key worth a rule.
    static let minimumBase64 = 24
    static let minimumHex = 32

    /// Encoded spans of `bytes` that decode to text.
    ///
    /// Runs of at least `minimumBase64` alphabet characters are found by skipping: if the byte
    /// `minimumBase64 - 1` ahead is not in the alphabet, no long-enough run starts before it, so
    /// ordinary text is looked at about one byte in twenty.
    static func candidates(_ bytes: UnsafeBufferPointer<UInt8>) -> [Span] {
        guard let base = bytes.baseAddress else { return [] }
        let n = bytes.count
        var spans: [Span] = []
        let reach = minimumBase64 - 1
        classes.withUnsafeBufferPointer { table in
            var i = 0
            while i + reach < n {
                let probe = i + reach
                if table[Int(base[probe])] & 1 == 0 { i = probe + 1; continue }
                var start = probe
                while start > i && table[Int(base[start - 1])] & 1 != 0 { start -= 1 }
                // One pass finds the run's end and which kinds of characters it holds.
                var stop = start
                var any: UInt8 = 0, every: UInt8 = 0xFF
                while stop < n {
                    let t = table[Int(base[stop])]
                    if t & 1 == 0 { break }
                    any |= t; every &= t
                    stop += 1
                }
                if stop - start >= minimumBase64 {
                    let allHex = every & 2 != 0, upper = any & 4 != 0, lower = any & 8 != 0, digit = any & 16 != 0
                    let length = stop - start
                    if allHex && length >= minimumHex && length % 2 == 0 {
                        if let text = decodeHex(UnsafeBufferPointer(start: base + start, count: length)) {
                            spans.append(Span(range: start..<stop, encoding: .hex, decoded: text))
                        }
                    } else if upper && lower && digit {
                        var end = stop
                        while end < n && base[end] == 61 && end - stop < 2 { end += 1 }  // padding
                        if let text = decodeBase64(UnsafeBufferPointer(start: base + start, count: length)) {
                            spans.append(Span(range: start..<end, encoding: .base64, decoded: text))
                        }
                    }
                }
                i = stop + 1
            }
        }
        if memchr(base, 37, n) != nil { spans += escapedSpans(bytes, marker: 37, encoding: .percent) }
        if memchr(base, 92, n) != nil { spans += escapedSpans(bytes, marker: 92, encoding: .escape) }
        return spans
    }

    /// Runs without spaces or quotes holding at least two `%XX` (or `\uXXXX` / `\xXX`) escapes.
    static func escapedSpans(_ bytes: UnsafeBufferPointer<UInt8>, marker: UInt8, encoding: Encoding) -> [Span] {
        var spans: [Span] = []
        var i = 0
        let n = bytes.count
        guard let base = bytes.baseAddress else { return [] }
        @inline(__always) func isBreak(_ b: UInt8) -> Bool { b <= 32 || b == 34 || b == 39 || b == 96 || b == 60 || b == 62 }
        while i < n {
            guard let p = memchr(base + i, Int32(marker), n - i) else { break }
            i = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
            // Cheap test first: an escape needs hex digits right after the marker.
            let next = i + 1 < n ? bytes[i + 1] : 0
            if marker == 37 ? classes[Int(next)] & 2 == 0 : (next != 117 && next != 120) { i += 1; continue }
            var start = i
            while start > 0 && !isBreak(bytes[start - 1]) { start -= 1 }
            var end = i
            while end < n && !isBreak(bytes[end]) { end += 1 }
            let run = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if let text = encoding == .percent ? decodePercent(run) : decodeEscapes(run) {
                spans.append(Span(range: start..<end, encoding: encoding, decoded: text))
            }
            i = end
        }
        return spans
    }

    /// Decoded bytes count as text when nearly all are printable ASCII (or line breaks, tabs).
    static func isText(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        var printable = 0
        for b in bytes where (b >= 32 && b < 127) || b == 9 || b == 10 || b == 13 { printable += 1 }
        return printable * 100 >= bytes.count * 95
    }

    /// Whether the decoded bytes can pass `isText`, decided without building them and given up
    /// at the first byte that makes it impossible: random base64 fails within a few bytes, so a
    /// long run of it costs one probe, not a decode.
    static func mayBeText(base64 text: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = text.count * 6 / 8
        guard count >= 8 else { return false }
        let allowed = count * 5 / 100
        var acc: UInt32 = 0, bits = 0, unprintable = 0
        for b in text {
            acc = acc << 6 | base64Value(b)
            bits += 6
            if bits >= 8 {
                bits -= 8
                let x = UInt8((acc >> UInt32(bits)) & 0xFF)
                if !((x >= 32 && x < 127) || x == 9 || x == 10 || x == 13) {
                    unprintable += 1
                    if unprintable > allowed { return false }
                }
            }
        }
        return true
    }

    @inline(__always) static func base64Value(_ b: UInt8) -> UInt32 {
        switch b {
        case 65...90: UInt32(b - 65)
        case 97...122: UInt32(b - 71)
        case 48...57: UInt32(b) + 4
        case 43, 45: 62
        default: 63
        }
    }

    static func decodeBase64(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard mayBeText(base64: text) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var acc: UInt32 = 0, bits = 0
        for b in text {
            let v: UInt32
            switch b {
            case 65...90: v = UInt32(b - 65)
            case 97...122: v = UInt32(b - 71)
            case 48...57: v = UInt32(b) + 4
            case 43, 45: v = 62
            case 47, 95: v = 63
            default: return nil
            }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 { bits -= 8; out.append(UInt8((acc >> UInt32(bits)) & 0xFF)) }
        }
        return isText(out) ? out : nil
    }

    static func decodeHex(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        func value(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: b - 48
            case 97...102: b - 87
            case 65...70: b - 55
            default: nil
            }
        }
        // First without building anything, giving up at the first byte too many that is not text.
        let allowed = (text.count / 2) * 5 / 100
        var unprintable = 0
        var i = 0
        while i + 1 < text.count {
            guard let h = value(text[i]), let l = value(text[i + 1]) else { return nil }
            let x = h << 4 | l
            if !((x >= 32 && x < 127) || x == 9 || x == 10 || x == 13) {
                unprintable += 1
                if unprintable > allowed { return nil }
            }
            i += 2
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        i = 0
        while i + 1 < text.count {
            out.append(value(text[i])! << 4 | value(text[i + 1])!)
            i += 2
        }
        return isText(out) ? out : nil
    }

    static func decodePercent(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var escapes = 0, i = 0
        while i < text.count {
            if text[i] == 37, i + 2 < text.count, let v = UInt8(String(decoding: text[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v); escapes += 1; i += 3
            } else {
                out.append(text[i]); i += 1
            }
        }
        return escapes >= 2 && isText(out) ? out : nil
    }

    static func decodeEscapes(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var escapes = 0, i = 0
        while i < text.count {
            if text[i] == 92, i + 5 < text.count, text[i + 1] == 117,
               let v = UInt32(String(decoding: text[(i + 2)...(i + 5)], as: UTF8.self), radix: 16), let scalar = Unicode.Scalar(v) {
                out += Array(String(Character(scalar)).utf8); escapes += 1; i += 6
            } else if text[i] == 92, i + 3 < text.count, text[i + 1] == 120,
                      let v = UInt8(String(decoding: text[(i + 2)...(i + 3)], as: UTF8.self), radix: 16) {
                out.append(v); escapes += 1; i += 4
            } else {
                out.append(text[i]); i += 1
            }
        }
        return escapes >= 2 && isText(out) ? out : nil
    }
}
