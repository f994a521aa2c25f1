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
        // Byte classes: every byte that occurs in a keyword (case folded) is its own class; all
        // other bytes behave alike (back to the root) and share class 0. Building the automaton
        // over classes keeps start-up well under a millisecond however many rules there are.
        var classOf = [UInt8](repeating: 0, count: 256)
        var width = 1
        for word in lowered {
            for b in word where classOf[Int(b)] == 0 {
                classOf[Int(b)] = UInt8(width)
                width += 1
            }
        }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { classOf[Int(b)] = classOf[Int(b | 0x20)] }
        // Trie over classes; -1 marks a missing edge.
        var goto = [Int32](repeating: -1, count: width)
        var out: [[Int32]] = [[]]
        for (index, word) in lowered.enumerated() where !word.isEmpty {
            var state = 0
            for byte in word {
                let c = Int(classOf[Int(byte)])
                let next = goto[state * width + c]
                if next >= 0 {
                    state = Int(next)
                } else {
                    let created = out.count
                    out.append([])
                    goto += [Int32](repeating: -1, count: width)
                    goto[state * width + c] = Int32(created)
                    state = created
                }
            }
            out[state].append(Int32(index))
        }
        let count = out.count
        var fail = [Int32](repeating: 0, count: count)
        var delta = [Int32](repeating: 0, count: count * width)
        // Breadth-first, so a state's failure target is complete before the state is.
        var queue: [Int] = []
        queue.reserveCapacity(count)
        for c in 0..<width {
            let next = goto[c]
            if next >= 0 { delta[c] = next; queue.append(Int(next)) }
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]; head += 1
            let f = Int(fail[s])
            if s != 0 && !out[f].isEmpty { out[s] += out[f] }
            for c in 0..<width {
                let next = goto[s * width + c]
                if next >= 0 {
                    fail[Int(next)] = delta[f * width + c]
                    delta[s * width + c] = next
                    queue.append(Int(next))
                } else {
                    delta[s * width + c] = delta[f * width + c]
                }
            }
        }
        var compact = [UInt32](repeating: 0, count: count * width)
        for i in 0..<(count * width) {
            let next = Int(delta[i])
            compact[i] = UInt32(next * width) | (out[next].isEmpty ? 0 : 0x8000_0000)
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
    func collect(_ bytes: UnsafeBufferPointer<UInt8>, into hits: inout [UInt64]) {
        collect(bytes, endingIn: 0..<bytes.count, into: &hits)
    }

    /// Appends `keywordIndex << 40 | endOffset` for every occurrence whose last byte lies in
    /// `range`, in order of end offset. The automaton starts `maxKeyword - 1` bytes before the
    /// range, so a keyword that begins before it and ends inside is found, and one that ends
    /// before it is not: consecutive ranges find every occurrence exactly once, which lets a
    /// caller take the hits of a large input a chunk at a time in a buffer of bounded size.
    ///
    /// Each step waits on the previous table load, so one automaton runs at memory latency, not
    /// bandwidth. Large ranges are split into four stripes whose automata advance in the same
    /// loop, which lets the CPU overlap their loads. A stripe starts `maxKeyword - 1` bytes early
    /// and keeps only hits that end inside it, so a keyword across a seam is found exactly once.
    func collect(_ bytes: UnsafeBufferPointer<UInt8>, endingIn range: Range<Int>, into hits: inout [UInt64]) {
        guard let base = bytes.baseAddress, outputs.count > 1, !range.isEmpty else { return }
        let lower = range.lowerBound, upper = min(range.upperBound, bytes.count)
        let overlap = maxKeywordLength - 1
        if upper - lower < 2048 {
            let row = advance(base, from: max(0, lower - overlap), to: lower)
            run(base, from: lower, to: upper, row: row, into: &hits)
            return
        }
        let stripe = (upper - lower) / 4
        let b1 = lower + stripe, b2 = lower + 2 * stripe, b3 = lower + 3 * stripe
        var extra1: [UInt64] = [], extra2: [UInt64] = [], extra3: [UInt64] = []
        let w = UInt32(width)
        var tailStart = upper, tailRow: UInt32 = 0
        table.withUnsafeBufferPointer { t in
            byteClass.withUnsafeBufferPointer { cls in
                let tp = t.baseAddress!, cp = cls.baseAddress!
                var r0: UInt32 = 0, r1: UInt32 = 0, r2: UInt32 = 0, r3: UInt32 = 0
                var i0 = max(0, lower - overlap)
                var i1 = b1 - overlap, i2 = b2 - overlap, i3 = b3 - overlap
                // Stripe 0 may start fewer than `overlap` bytes early (at the input's start); it
                // reads on into stripe 1 then, keeping nothing there.
                let steps = stripe + overlap
                var step = 0
                // Every stripe but the last has length `stripe`; the last may be longer.
                while step < steps && i3 < upper {
                    let e0 = tp[Int(r0) &+ Int(cp[Int(base[i0])])]
                    let e1 = tp[Int(r1) &+ Int(cp[Int(base[i1])])]
                    let e2 = tp[Int(r2) &+ Int(cp[Int(base[i2])])]
                    let e3 = tp[Int(r3) &+ Int(cp[Int(base[i3])])]
                    r0 = e0 & 0x7FFF_FFFF; r1 = e1 & 0x7FFF_FFFF; r2 = e2 & 0x7FFF_FFFF; r3 = e3 & 0x7FFF_FFFF
                    if (e0 | e1 | e2 | e3) & 0x8000_0000 != 0 {
                        if e0 & 0x8000_0000 != 0 && i0 >= lower && i0 < b1 {
                            for k in outputs[Int(r0 / w)] { hits.append(UInt64(k) << 40 | UInt64(i0 + 1)) }
                        }
                        if e1 & 0x8000_0000 != 0 && i1 >= b1 && i1 < b2 {
                            for k in outputs[Int(r1 / w)] { extra1.append(UInt64(k) << 40 | UInt64(i1 + 1)) }
                        }
                        if e2 & 0x8000_0000 != 0 && i2 >= b2 && i2 < b3 {
                            for k in outputs[Int(r2 / w)] { extra2.append(UInt64(k) << 40 | UInt64(i2 + 1)) }
                        }
                        if e3 & 0x8000_0000 != 0 && i3 >= b3 {
                            for k in outputs[Int(r3 / w)] { extra3.append(UInt64(k) << 40 | UInt64(i3 + 1)) }
                        }
                    }
                    i0 &+= 1; i1 &+= 1; i2 &+= 1; i3 &+= 1
                    step &+= 1
                }
                tailStart = i3
                tailRow = r3
            }
        }
        // The last stripe's tail (the range's length beyond 4 stripes) goes on with its automaton alone.
        run(base, from: tailStart, to: upper, row: tailRow, into: &extra3)
        hits += extra1
        hits += extra2
        hits += extra3
    }

    /// The automaton's state after reading `base[from..<to]` from the start state.
    private func advance(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> UInt32 {
        table.withUnsafeBufferPointer { t in
            byteClass.withUnsafeBufferPointer { cls in
                var row: UInt32 = 0
                for i in from..<to { row = t[Int(row) &+ Int(cls[Int(base[i])])] & 0x7FFF_FFFF }
                return row
            }
        }
    }

    /// One automaton over `base[from..<to]`, starting in `row`.
    private func run(_ base: UnsafePointer<UInt8>, from: Int, to: Int, row start: UInt32, into hits: inout [UInt64]) {
        let w = UInt32(width)
        table.withUnsafeBufferPointer { t in
            byteClass.withUnsafeBufferPointer { cls in
                let tp = t.baseAddress!, cp = cls.baseAddress!
                var row = start
                var i = from
                while i < to {
                    let entry = tp[Int(row) &+ Int(cp[Int(base[i])])]
                    row = entry & 0x7FFF_FFFF
                    if entry & 0x8000_0000 != 0 {
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
