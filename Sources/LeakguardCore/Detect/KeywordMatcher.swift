/// Finds every occurrence of a set of literals in one pass (Aho-Corasick compiled to a DFA),
/// ASCII case-insensitively. This is the prefilter: a rule's regex runs only where one of its
/// keywords occurred.
public struct KeywordMatcher: Sendable {
    /// `table[row + byteClass[byte]]` is the next row (state × width), its high bit set when that
    /// state ends a keyword: one dependent load and a bit test per input byte.
    private let table: [UInt32]
    /// Bytes that behave alike in every state share a column, so the table has a few dozen
    /// columns instead of 256 and stays in cache however many rules there are.
    private let byteClass: [UInt8]
    private let width: Int
    /// Keywords ending at each state (including those reached through failure links).
    private let outputs: [[Int32]]
    public let keywords: [[UInt8]]
    private let maxKeywordLength: Int

    public init(keywords: [String]) {
        let lowered = keywords.map { Array($0.utf8).map(asciiLower) }
        self.keywords = lowered
        maxKeywordLength = max(1, lowered.map(\.count).max() ?? 1)
        var goto: [[Int32]] = [[Int32](repeating: -1, count: 256)]
        var out: [[Int32]] = [[]]
        for (index, word) in lowered.enumerated() where !word.isEmpty {
            var state = 0
            for byte in word {
                let next = goto[state][Int(byte)]
                if next >= 0 {
                    state = Int(next)
                } else {
                    goto.append([Int32](repeating: -1, count: 256))
                    out.append([])
                    goto[state][Int(byte)] = Int32(goto.count - 1)
                    state = goto.count - 1
                }
            }
            out[state].append(Int32(index))
        }
        let count = goto.count
        var fail = [Int32](repeating: 0, count: count)
        var delta = [Int32](repeating: 0, count: count * 256)
        // Breadth-first, so a state's failure target is complete before the state is.
        var queue: [Int] = []
        for b in 0..<256 {
            let next = goto[0][b]
            if next >= 0 { delta[b] = next; fail[Int(next)] = 0; queue.append(Int(next)) } else { delta[b] = 0 }
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]; head += 1
            out[s] += out[Int(fail[s])]
            for b in 0..<256 {
                let next = goto[s][b]
                if next >= 0 {
                    fail[Int(next)] = delta[Int(fail[s]) << 8 | b]
                    delta[s << 8 | b] = next
                    queue.append(Int(next))
                } else {
                    delta[s << 8 | b] = delta[Int(fail[s]) << 8 | b]
                }
            }
        }
        // Fold case: an upper-case input byte moves like its lower-case letter.
        for s in 0..<count {
            for b in UInt8(ascii: "A")...UInt8(ascii: "Z") {
                delta[s << 8 | Int(b)] = delta[s << 8 | Int(b | 0x20)]
            }
        }
        var classOf = [UInt8](repeating: 0, count: 256)
        var columns: [[Int32]: Int] = [:]
        var representatives: [Int] = []
        for b in 0..<256 {
            let column = (0..<count).map { delta[$0 << 8 | b] }
            if let c = columns[column] { classOf[b] = UInt8(c) } else {
                columns[column] = representatives.count
                classOf[b] = UInt8(representatives.count)
                representatives.append(b)
            }
        }
        let width = representatives.count
        var compact = [UInt32](repeating: 0, count: count * width)
        for s in 0..<count {
            for (c, b) in representatives.enumerated() {
                let next = Int(delta[s << 8 | b])
                compact[s * width + c] = UInt32(next * width) | (out[next].isEmpty ? 0 : 0x8000_0000)
            }
        }
        byteClass = classOf
        self.width = width
        table = compact
        outputs = out
    }

    /// Calls `hit(keywordIndex, endOffset)` for every occurrence (end offset exclusive).
    public func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ hit: (Int, Int) -> Void) {
        var hits: [UInt64] = []
        collect(bytes, into: &hits)
        for h in hits { hit(Int(h >> 40), Int(h & 0xFF_FFFF_FFFF)) }
    }

    /// Appends `keywordIndex << 40 | endOffset` for every occurrence, in order of end offset.
    ///
    /// Each step waits on the previous table load, so one automaton runs at memory latency, not
    /// bandwidth. Large inputs are split into four stripes whose automata advance in the same
    /// loop, which lets the CPU overlap their loads. A stripe starts `maxKeyword - 1` bytes early
    /// and keeps only hits that end inside it, so a keyword across a seam is found exactly once.
    func collect(_ bytes: UnsafeBufferPointer<UInt8>, into hits: inout [UInt64]) {
        guard let base = bytes.baseAddress, outputs.count > 1 else { return }
        let n = bytes.count
        if n < 16 * 1024 {
            run(base, from: 0, to: n, keepAfter: 0, into: &hits)
            return
        }
        let stripe = n / 4
        let bounds = [0, stripe, 2 * stripe, 3 * stripe, n]
        var extra: [[UInt64]] = [[], [], []]
        let w = UInt32(width)
        let overlap = maxKeywordLength - 1
        table.withUnsafeBufferPointer { t in
            byteClass.withUnsafeBufferPointer { cls in
                let tp = t.baseAddress!, cp = cls.baseAddress!
                var r0: UInt32 = 0, r1: UInt32 = 0, r2: UInt32 = 0, r3: UInt32 = 0
                var i0 = 0
                var i1 = max(0, bounds[1] - overlap), i2 = max(0, bounds[2] - overlap), i3 = max(0, bounds[3] - overlap)
                let steps = stripe + overlap
                var step = 0
                // Every stripe but the last has length `stripe`; the last may be longer.
                while step < steps && i3 < n {
                    let e0 = tp[Int(r0) &+ Int(cp[Int(base[min(i0, n - 1)])])]
                    let e1 = tp[Int(r1) &+ Int(cp[Int(base[i1])])]
                    let e2 = tp[Int(r2) &+ Int(cp[Int(base[i2])])]
                    let e3 = tp[Int(r3) &+ Int(cp[Int(base[i3])])]
                    r0 = e0 & 0x7FFF_FFFF; r1 = e1 & 0x7FFF_FFFF; r2 = e2 & 0x7FFF_FFFF; r3 = e3 & 0x7FFF_FFFF
                    if (e0 | e1 | e2 | e3) & 0x8000_0000 != 0 {
                        if e0 & 0x8000_0000 != 0 && i0 < bounds[1] {
                            for k in outputs[Int(r0 / w)] { hits.append(UInt64(k) << 40 | UInt64(i0 + 1)) }
                        }
                        if e1 & 0x8000_0000 != 0 && i1 >= bounds[1] && i1 < bounds[2] {
                            for k in outputs[Int(r1 / w)] { extra[0].append(UInt64(k) << 40 | UInt64(i1 + 1)) }
                        }
                        if e2 & 0x8000_0000 != 0 && i2 >= bounds[2] && i2 < bounds[3] {
                            for k in outputs[Int(r2 / w)] { extra[1].append(UInt64(k) << 40 | UInt64(i2 + 1)) }
                        }
                        if e3 & 0x8000_0000 != 0 && i3 >= bounds[3] {
                            for k in outputs[Int(r3 / w)] { extra[2].append(UInt64(k) << 40 | UInt64(i3 + 1)) }
                        }
                    }
                    i0 &+= 1; i1 &+= 1; i2 &+= 1; i3 &+= 1
                    step &+= 1
                }
                // The last stripe's tail (n - 4 * stripe extra bytes) on its own.
                if i3 < n {
                    var r = r3
                    while i3 < n {
                        let e = tp[Int(r) &+ Int(cp[Int(base[i3])])]
                        r = e & 0x7FFF_FFFF
                        if e & 0x8000_0000 != 0 {
                            for k in outputs[Int(r / w)] { extra[2].append(UInt64(k) << 40 | UInt64(i3 + 1)) }
                        }
                        i3 &+= 1
                    }
                }
            }
        }
        for part in extra { hits += part }
    }

    /// One automaton over `base[from..<to]`, keeping hits that end after `keepAfter`.
    private func run(_ base: UnsafePointer<UInt8>, from: Int, to: Int, keepAfter: Int, into hits: inout [UInt64]) {
        let w = UInt32(width)
        table.withUnsafeBufferPointer { t in
            byteClass.withUnsafeBufferPointer { cls in
                let tp = t.baseAddress!, cp = cls.baseAddress!
                var row: UInt32 = 0
                var i = from
                while i < to {
                    let entry = tp[Int(row) &+ Int(cp[Int(base[i])])]
                    row = entry & 0x7FFF_FFFF
                    if entry & 0x8000_0000 != 0 && i >= keepAfter {
                        for k in outputs[Int(row / w)] { hits.append(UInt64(k) << 40 | UInt64(i + 1)) }
                    }
                    i &+= 1
                }
            }
        }
    }

    public var stateCount: Int { outputs.count }
}

@inline(__always) func asciiLower(_ b: UInt8) -> UInt8 {
    (b >= 65 && b <= 90) ? b | 0x20 : b
}
