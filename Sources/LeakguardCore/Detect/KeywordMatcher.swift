/// Finds every occurrence of a set of literals in one pass (Aho-Corasick compiled to a DFA),
/// ASCII case-insensitively. This is the prefilter: a rule's regex runs only where one of its
/// keywords occurred.
public struct KeywordMatcher: Sendable {
    /// `table[state × width + byteClass[byte]]` is the next state, its high bit set when that
    /// state ends a keyword: one dependent load and a bit test per input byte. Entries are 16
    /// bits while the automaton has fewer than 32,768 states (the built-in pack has about 6,500),
    /// which halves the table so it stays in a core's L2 cache; `table32` serves larger packs.
    private let table16: [UInt16]
    private let table32: [UInt32]
    /// Bytes that behave alike in every state share a column, so the table has a few dozen
    /// columns instead of 256 and stays in cache however many rules there are.
    private let byteClass: [UInt8]
    private let width: Int
    /// Keywords ending at state s (including those reached through failure links) are
    /// `outputList[outputStart[s]..<outputStart[s + 1]]`.
    private let outputStart: [Int32]
    private let outputList: [Int32]
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
        // Trie over classes; -1 marks a missing edge. Its table is allocated once, at its exact
        // size: the states are the distinct prefixes of the keywords, which in sorted order are
        // each word's bytes beyond the prefix it shares with the word before it. (Growing the
        // table a state at a time was most of start-up's cost here.)
        var states = 1
        var previous: [UInt8] = []
        for word in lowered.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            var shared = 0
            while shared < word.count && shared < previous.count && word[shared] == previous[shared] { shared += 1 }
            states += word.count - shared
            previous = word
        }
        var goto = [Int32](repeating: -1, count: states * width)
        var out: [[Int32]] = [[]]
        out.reserveCapacity(states)
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
                    goto[state * width + c] = Int32(created)
                    state = created
                }
            }
            out[state].append(Int32(index))
        }
        let count = out.count
        // Failure links breadth-first, so a state's failure target is complete before the state
        // is; each missing edge is then filled in place from the failure target's row, which
        // turns the trie into the automaton's table without a second table of the same size.
        // The loop runs once per state and class (a few hundred thousand entries for the
        // built-in pack): through buffers, without a bounds check per entry.
        var fail = [Int32](repeating: 0, count: count)
        var queue: [Int] = []
        queue.reserveCapacity(count)
        for c in 0..<width {
            if goto[c] >= 0 { queue.append(Int(goto[c])) } else { goto[c] = 0 }
        }
        goto.withUnsafeMutableBufferPointer { d in
        fail.withUnsafeMutableBufferPointer { fl in
            var head = 0
            while head < queue.count {
                let s = queue[head]; head += 1
                let f = Int(fl[s])
                if !out[f].isEmpty { out[s] += out[f] }
                let row = s * width, failRow = f * width
                for c in 0..<width {
                    let next = d[row + c]
                    if next >= 0 {
                        fl[Int(next)] = d[failRow + c]
                        queue.append(Int(next))
                    } else {
                        d[row + c] = d[failRow + c]
                    }
                }
            }
        }}
        let delta = goto
        // Whether each state ends a keyword, as a flat array: looking into `out` (an array of
        // arrays) once per table entry retained and released an array each time.
        let ends = out.map { !$0.isEmpty }
        if count < 0x8000 {
            table16 = delta.map { UInt16($0) | (ends[Int($0)] ? 0x8000 : 0) }
            table32 = []
        } else {
            table16 = []
            table32 = delta.map { UInt32($0) | (ends[Int($0)] ? 0x8000_0000 : 0) }
        }
        byteClass = classOf
        self.width = width
        var starts: [Int32] = [0]
        starts.reserveCapacity(count + 1)
        for o in out { starts.append(starts[starts.count - 1] + Int32(o.count)) }
        outputStart = starts
        outputList = out.flatMap { $0 }
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
        guard let base = bytes.baseAddress, outputStart.count > 2, !range.isEmpty else { return }
        let upper = min(range.upperBound, bytes.count)
        guard range.lowerBound < upper else { return }
        outputStart.withUnsafeBufferPointer { starts in
            outputList.withUnsafeBufferPointer { list in
                byteClass.withUnsafeBufferPointer { cls in
                    let automaton = Automaton(classes: cls.baseAddress!, width: width, maxKeywordLength: maxKeywordLength,
                                              outputStart: starts.baseAddress!, outputList: list.baseAddress!)
                    if table16.isEmpty {
                        table32.withUnsafeBufferPointer { t in
                            automaton.collect(t.baseAddress!, base, range.lowerBound..<upper, into: &hits)
                        }
                    } else {
                        table16.withUnsafeBufferPointer { t in
                            automaton.collect(t.baseAddress!, base, range.lowerBound..<upper, into: &hits)
                        }
                    }
                }
            }
        }
    }

    public var stateCount: Int { outputStart.count - 1 }
}

/// The matcher's arrays as pointers, for the loops of one `collect` call; generic over the
/// table's entry width so both sizes run the same code.
private struct Automaton {
    let classes: UnsafePointer<UInt8>
    let width: Int
    let maxKeywordLength: Int
    let outputStart: UnsafePointer<Int32>
    let outputList: UnsafePointer<Int32>

    @inline(__always)
    func emit(_ state: Int, endingAt end: Int, into hits: inout [UInt64]) {
        for j in Int(outputStart[state])..<Int(outputStart[state + 1]) {
            hits.append(UInt64(outputList[j]) << 40 | UInt64(end))
        }
    }

    @inline(__always)
    func collect<Entry: FixedWidthInteger & UnsignedInteger>(_ tp: UnsafePointer<Entry>, _ base: UnsafePointer<UInt8>,
                                                             _ range: Range<Int>, into hits: inout [UInt64]) {
        let lower = range.lowerBound, upper = range.upperBound
        let overlap = maxKeywordLength - 1
        let flag: Entry = 1 << (Entry.bitWidth - 1)
        let mask: Entry = ~flag
        let w = width
        if upper - lower < 2048 {
            run(tp, base, from: lower, to: upper, state: prime(tp, base, from: max(0, lower - overlap), to: lower), into: &hits)
            return
        }
        let stripe = (upper - lower) / 4
        let b1 = lower + stripe, b2 = lower + 2 * stripe, b3 = lower + 3 * stripe
        var extra1: [UInt64] = [], extra2: [UInt64] = [], extra3: [UInt64] = []
        // Room for a hit every 16 bytes up front: dense input then grows each buffer a few times,
        // not a dozen.
        hits.reserveCapacity(hits.count + stripe / 16)
        extra1.reserveCapacity(stripe / 16); extra2.reserveCapacity(stripe / 16); extra3.reserveCapacity(stripe / 16)
        // Each stripe's automaton first reads the `overlap` bytes before its stripe, keeping
        // nothing, so a keyword across a seam is found once, by the stripe it ends in.
        var s0 = prime(tp, base, from: max(0, lower - overlap), to: lower)
        var s1 = prime(tp, base, from: b1 - overlap, to: b1)
        var s2 = prime(tp, base, from: b2 - overlap, to: b2)
        var s3 = prime(tp, base, from: b3 - overlap, to: b3)
        // The four automata advance in one loop, a block at a time. One branch asks whether any
        // of them ended a keyword (rarely taken in ordinary text); then each stores its state and
        // offset and moves its cursor on by its entry's end-of-keyword bit, without a branch of
        // its own: on dense input (a keyword list) four separate branches mispredicted half the
        // time. After each block the stored states are expanded into keyword hits.
        let block = Self.block
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4 * block) { raw in
            let r0 = raw.baseAddress!, r1 = r0 + block, r2 = r1 + block, r3 = r2 + block
            var done = 0
            while done < stripe {
                let steps = min(block, stripe - done)
                let i0 = lower + done, i1 = b1 + done, i2 = b2 + done, i3 = b3 + done
                var n0 = 0, n1 = 0, n2 = 0, n3 = 0
                var k = 0
                while k < steps {
                    let e0 = tp[s0 &* w &+ Int(classes[Int(base[i0 &+ k])])]
                    let e1 = tp[s1 &* w &+ Int(classes[Int(base[i1 &+ k])])]
                    let e2 = tp[s2 &* w &+ Int(classes[Int(base[i2 &+ k])])]
                    let e3 = tp[s3 &* w &+ Int(classes[Int(base[i3 &+ k])])]
                    s0 = Int(e0 & mask); s1 = Int(e1 & mask); s2 = Int(e2 & mask); s3 = Int(e3 & mask)
                    if (e0 | e1 | e2 | e3) & flag != 0 {
                        let offset = UInt64(truncatingIfNeeded: k)
                        r0[n0] = UInt64(truncatingIfNeeded: s0) << 32 | offset
                        r1[n1] = UInt64(truncatingIfNeeded: s1) << 32 | offset
                        r2[n2] = UInt64(truncatingIfNeeded: s2) << 32 | offset
                        r3[n3] = UInt64(truncatingIfNeeded: s3) << 32 | offset
                        n0 &+= Int(truncatingIfNeeded: e0 >> (Entry.bitWidth - 1))
                        n1 &+= Int(truncatingIfNeeded: e1 >> (Entry.bitWidth - 1))
                        n2 &+= Int(truncatingIfNeeded: e2 >> (Entry.bitWidth - 1))
                        n3 &+= Int(truncatingIfNeeded: e3 >> (Entry.bitWidth - 1))
                    }
                    k &+= 1
                }
                expand(r0, n0, offset: i0, into: &hits)
                expand(r1, n1, offset: i1, into: &extra1)
                expand(r2, n2, offset: i2, into: &extra2)
                expand(r3, n3, offset: i3, into: &extra3)
                done += steps
            }
        }
        // The last stripe's tail (the range's length beyond 4 stripes) goes on with its automaton alone.
        run(tp, base, from: b3 + stripe, to: upper, state: s3, into: &extra3)
        hits += extra1
        hits += extra2
        hits += extra3
    }

    /// Steps of the striped loop between expansions: the stored states of one block (4 × 8 KiB)
    /// stay in the L1 cache.
    static let block = 1024

    /// The state after reading `base[from..<to]` from the root, keeping no hits.
    @inline(__always)
    func prime<Entry: FixedWidthInteger & UnsignedInteger>(_ tp: UnsafePointer<Entry>, _ base: UnsafePointer<UInt8>,
                                                           from: Int, to: Int) -> Int {
        let mask: Entry = ~(1 << (Entry.bitWidth - 1))
        var state = 0
        var i = from
        while i < to { state = Int(tp[state &* width &+ Int(classes[Int(base[i])])] & mask); i &+= 1 }
        return state
    }

    /// Appends the keywords ending at each stored state (`state << 32 | step`; the keyword ends
    /// after byte `offset + step`) to `hits`, through a small buffer so the array is grown and
    /// checked once per batch, not once per hit.
    @inline(__always)
    func expand(_ stored: UnsafePointer<UInt64>, _ count: Int, offset: Int, into hits: inout [UInt64]) {
        guard count > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 256) { out in
            let o = out.baseAddress!
            var n = 0
            for x in 0..<count {
                let packed = stored[x]
                let state = Int(truncatingIfNeeded: packed >> 32)
                let end = UInt64(truncatingIfNeeded: offset + Int(truncatingIfNeeded: packed & 0xFFFF_FFFF) + 1)
                let first = Int(outputStart[state]), last = Int(outputStart[state + 1])
                for j in first..<last {
                    if n == 256 { hits.append(contentsOf: UnsafeBufferPointer(start: o, count: n)); n = 0 }
                    o[n] = UInt64(truncatingIfNeeded: outputList[j]) << 40 | end
                    n &+= 1
                }
            }
            hits.append(contentsOf: UnsafeBufferPointer(start: o, count: n))
        }
    }

    /// One automaton over `base[from..<to]`, starting in `state`.
    @inline(__always)
    func run<Entry: FixedWidthInteger & UnsignedInteger>(_ tp: UnsafePointer<Entry>, _ base: UnsafePointer<UInt8>,
                                                         from: Int, to: Int, state start: Int, into hits: inout [UInt64]) {
        let flag: Entry = 1 << (Entry.bitWidth - 1)
        let mask: Entry = ~flag
        let w = width
        var state = start
        var i = from
        while i < to {
            let entry = tp[state &* w &+ Int(classes[Int(base[i])])]
            state = Int(entry & mask)
            if entry & flag != 0 { emit(state, endingAt: i + 1, into: &hits) }
            i &+= 1
        }
    }
}

@inline(__always) func asciiLower(_ b: UInt8) -> UInt8 {
    (b >= 65 && b <= 90) ? b | 0x20 : b
}
