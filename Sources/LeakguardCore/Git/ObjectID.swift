/// A git object name (SHA-1, or SHA-256 in repositories that use it), kept as raw bytes so
/// millions of them hash and compare cheaply.
struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    private var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0
    /// Number of bytes: 20 or 32.
    private(set) var length: UInt8 = 0

    /// Parses 40 or 64 hex digits; nil for anything else.
    init?(hex: UnsafeBufferPointer<UInt8>) {
        guard hex.count == 40 || hex.count == 64 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for i in 0..<hex.count {
            guard let v = hexValue(hex[i]) else { return nil }
            let bits = UInt64(v) << UInt64(60 - (i % 16) * 4)
            switch i / 16 {
            case 0: words.0 |= bits
            case 1: words.1 |= bits
            case 2: words.2 |= bits
            default: words.3 |= bits
            }
        }
        (a, b, c, d) = words
        length = UInt8(hex.count / 2)
    }

    init?(_ hex: String) {
        var text = hex
        guard let id = text.withUTF8({ ObjectID(hex: $0) }) else { return nil }
        self = id
    }

    /// All zeros: git's "no object" (added or deleted files).
    var isZero: Bool { a == 0 && b == 0 && c == 0 && d == 0 }

    /// The all-zero id of the same hash length.
    var zero: ObjectID {
        var z = self
        z.a = 0; z.b = 0; z.c = 0; z.d = 0
        return z
    }

    var description: String {
        var out = [UInt8]()
        out.reserveCapacity(Int(length) * 2)
        appendHex(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func appendHex(to out: inout [UInt8]) {
        for i in 0..<(Int(length) * 2) {
            let word = i < 16 ? a : i < 32 ? b : i < 48 ? c : d
            out.append(digits[Int((word >> UInt64(60 - (i % 16) * 4)) & 0xF)])
        }
    }
}

private let digits: [UInt8] = Array("0123456789abcdef".utf8)

@inline(__always)
private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: return c - 48
    case 97...102: return c - 87
    case 65...70: return c - 55
    default: return nil
    }
}
