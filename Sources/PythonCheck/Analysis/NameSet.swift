/// A small set of names looked up by a token's bytes, without making a String: for the tests
/// that run on every call of a module (is its callee's last name a sink's, a moderation check's,
/// `append`?). A bit per (length, first byte) turns away nearly every name at once; the rest
/// are compared byte by byte.
struct NameSet: Sendable {
    /// 16 lengths (mod 16) × 256 first bytes.
    private var filter = [UInt64](repeating: 0, count: 64)
    private var names: [[UInt8]] = []
    /// Whether the empty name is in the set (it matches what has no name, as `""` would).
    private(set) var containsEmpty = false

    init<S: Sequence>(_ names: S) where S.Element == String {
        for name in Set(names) {
            let bytes = Array(name.utf8)
            guard let first = bytes.first else { containsEmpty = true; continue }
            let bit = NameSet.bit(count: bytes.count, first: first)
            filter[bit >> 6] |= 1 << UInt64(bit & 63)
            self.names.append(bytes)
        }
    }

    @inline(__always) private static func bit(count: Int, first: UInt8) -> Int { (count & 15) << 8 | Int(first) }

    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first else { return containsEmpty }
        let bit = NameSet.bit(count: bytes.count, first: first)
        guard filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else { return false }
        return names.contains { $0.count == bytes.count && $0.elementsEqual(bytes) }
    }

    func contains(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { contains($0) }
    }
}

extension SyntaxTree {
    /// Whether a token's bytes are one of `names`.
    func token(_ index: Int32, in names: NameSet) -> Bool { names.contains(bytes(ofToken: index)) }

    /// Whether the name a name or attribute node ends in (`append` in `items.append`) is one of
    /// `names`; a node of another kind has the empty name.
    func lastName(of node: Int32, in names: NameSet) -> Bool {
        let n = self[node]
        guard n.kind == .name || n.kind == .attribute, n.token >= 0 else { return names.containsEmpty }
        return token(n.token, in: names)
    }
}
