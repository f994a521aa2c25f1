#if canImport(Glibc)
import Glibc
#endif

/// The encodings of text files that leakguard reads besides UTF-8: what Windows editors and
/// PowerShell write (UTF-16, sometimes UTF-32), with or without a byte-order mark.
public enum TextEncoding: String, Sendable {
    case utf8, utf16LE, utf16BE, utf32LE, utf32BE

    /// Recognises UTF-16/32 by byte-order mark, or by the NUL pattern ASCII text has in them.
    static func detect(_ bytes: UnsafeBufferPointer<UInt8>) -> TextEncoding {
        let n = bytes.count
        if n >= 4 {
            if bytes[0] == 0xFF && bytes[1] == 0xFE && bytes[2] == 0 && bytes[3] == 0 { return .utf32LE }
            if bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF { return .utf32BE }
        }
        // A UTF-16 mark counts only where the text has the NULs that ASCII characters (line
        // breaks, code) have in UTF-16: Latin-1 text may start with the same two bytes.
        if n >= 4, memchr(bytes.baseAddress! + 2, 0, min(n, 4096) - 2) != nil {
            if bytes[0] == 0xFF && bytes[1] == 0xFE { return .utf16LE }
            if bytes[0] == 0xFE && bytes[1] == 0xFF { return .utf16BE }
        }
        // No mark: look at the first 512 bytes. ASCII in UTF-16LE is `c 0 c 0 …`; in UTF-32LE
        // `c 0 0 0 …`. Require nearly every unit to fit the pattern so binaries stay binary.
        let sample = min(n, 512) & ~3
        guard sample >= 8 else { return .utf8 }
        var le16 = 0, be16 = 0, le32 = 0, be32 = 0
        var i = 0
        while i < sample {
            let a = bytes[i], b = bytes[i + 1], c = bytes[i + 2], d = bytes[i + 3]
            if a != 0 && b == 0 && c != 0 && d == 0 { le16 += 1 }
            if a == 0 && b != 0 && c == 0 && d != 0 { be16 += 1 }
            if a != 0 && b == 0 && c == 0 && d == 0 { le32 += 1 }
            if a == 0 && b == 0 && c == 0 && d != 0 { be32 += 1 }
            i += 4
        }
        let units = sample / 4
        let threshold = units * 9 / 10
        if le32 >= threshold { return .utf32LE }
        if be32 >= threshold { return .utf32BE }
        if le16 >= threshold { return .utf16LE }
        if be16 >= threshold { return .utf16BE }
        return .utf8
    }

    /// The text as UTF-8 (a byte-order mark dropped, invalid units replaced by U+FFFD).
    func transcode(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        switch self {
        case .utf8:
            return Array(bytes)
        case .utf16LE, .utf16BE:
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var i = 0
            while i + 1 < bytes.count {
                let u = self == .utf16LE ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
                units.append(u)
                i += 2
            }
            if units.first == 0xFEFF { units.removeFirst() }
            out += Array(String(decoding: units, as: UTF16.self).utf8)
        case .utf32LE, .utf32BE:
            var i = 0
            var first = true
            while i + 3 < bytes.count {
                let v: UInt32 = self == .utf32LE
                    ? UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
                    : UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
                i += 4
                if first && v == 0xFEFF { first = false; continue }
                first = false
                let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
                out += Array(String(Character(scalar)).utf8)
            }
        }
        return out
    }
}
