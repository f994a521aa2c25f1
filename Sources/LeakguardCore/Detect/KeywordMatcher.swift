/// Finds every occurrence of a set of literals in one pass (Aho-Corasick compiled to a full DFA),
/// ASCII case-insensitively. This is the prefilter: a rule's regex runs only where one of its
/// keywords occurred.
public struct KeywordMatcher: Sendable {
    /// `table[state << 8 | byte]` is the next state; negative when that state ends a keyword, so
    /// the hot loop needs a single load and a sign test per byte.
    private let table: [Int32]
    /// Keywords ending at each state (including those reached through failure links).
    private let outputs: [[Int32]]
    public let keywords: [[UInt8]]

    public init(keywords: [String]) {
        let lowered = keywords.map { Array($0.utf8).map(asciiLower) }
        self.keywords = lowered
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
        for i in 0..<delta.count where !out[Int(delta[i])].isEmpty { delta[i] = -delta[i] }
        table = delta
        outputs = out
    }

    /// Calls `hit(keywordIndex, endOffset)` for every occurrence (end offset exclusive).
    @inline(__always)
    public func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ hit: (Int, Int) -> Void) {
        guard let base = bytes.baseAddress, !outputs.isEmpty else { return }
        let n = bytes.count
        table.withUnsafeBufferPointer { t in
            let tp = t.baseAddress!
            var state: Int32 = 0
            var i = 0
            while i < n {
                state = tp[Int(state) << 8 | Int(base[i])]
                if state < 0 {
                    state = -state
                    for k in outputs[Int(state)] { hit(Int(k), i + 1) }
                }
                i += 1
            }
        }
    }

    public var stateCount: Int { outputs.count }
}

@inline(__always) func asciiLower(_ b: UInt8) -> UInt8 {
    (b >= 65 && b <= 90) ? b | 0x20 : b
}
