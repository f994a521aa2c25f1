#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps byte offsets of a text to 1-based lines and columns, the one definition every check and
/// report uses. Lines end at LF, CR LF or a lone CR (SARIF 2.1.0's definition, and what editors
/// and Python's tokenizer do); columns count Unicode scalars (UTF-8 lead bytes), and a UTF-8
/// byte-order mark at the start of the text is not a column. The index is built on first use,
/// since most texts have nothing to report.
public struct LineIndex {
    public let bytes: UnsafeBufferPointer<UInt8>
    private var starts: [Int] = []
    /// Line starts as git and diff count lines (only LF ends one), kept only when the text has
    /// a lone CR; otherwise the same as `starts`.
    private var newlineStarts: [Int]?
    /// The last position computed, so many positions on one long line cost one pass over it.
    private var last: (offset: Int, line: Int, column: Int) = (-1, 0, 0)

    public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private mutating func index() {
        guard starts.isEmpty else { return }
        starts.append(0)
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count
        var lfStarts = [0]
        var offset = 0
        while offset < n, let p = memchr(base + offset, 10, n - offset) {
            let at = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
            lfStarts.append(at + 1)
            offset = at + 1
        }
        // A CR not followed by LF also ends a line; look only when the text has a CR at all.
        var loneCR = false
        offset = 0
        while offset < n, let p = memchr(base + offset, 13, n - offset) {
            let at = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
            if at + 1 >= n || base[at + 1] != 10 { loneCR = true; break }
            offset = at + 1
        }
        guard loneCR else { starts = lfStarts; return }
        newlineStarts = lfStarts
        var i = 0
        while i < n {
            let c = base[i]
            if c == 10 {
                starts.append(i + 1)
            } else if c == 13 {
                if i + 1 < n && base[i + 1] == 10 { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
    }

    private static func search(_ starts: [Int], _ offset: Int) -> Int {
        var lo = 0, hi = starts.count
        while lo + 1 < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// (line, column), both 1-based, of the byte at `offset` (clamped to the text).
    public mutating func position(of offset: Int) -> (line: Int, column: Int) {
        index()
        let target = min(max(0, offset), bytes.count)
        let l = Self.search(starts, target)
        var column = 1
        var i = starts[l]
        if l == 0 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = min(3, target) }
        if last.line == l + 1 && last.offset <= target && last.offset >= i { column = last.column; i = last.offset }
        while i < target { if bytes[i] & 0xC0 != 0x80 { column += 1 }; i += 1 }
        last = (target, l + 1, column)
        return (l + 1, column)
    }

    /// The 1-based line of `offset` as git counts lines (only LF ends one): what a staged diff's
    /// added-line numbers refer to. The same as `position(of:).line` unless the text has a lone CR.
    public mutating func gitLine(of offset: Int) -> Int {
        index()
        let target = min(max(0, offset), bytes.count)
        return Self.search(newlineStarts ?? starts, target) + 1
    }

    /// Byte range of 1-based `line`, without its line break; nil when the text has fewer lines.
    public mutating func lineRange(ofLine line: Int) -> Range<Int>? {
        index()
        guard line >= 1, line <= starts.count else { return nil }
        return lineRange(containing: starts[line - 1])
    }

    /// Byte range of the line holding `offset`, without its line break.
    public mutating func lineRange(containing offset: Int) -> Range<Int> {
        index()
        let l = Self.search(starts, min(max(0, offset), bytes.count))
        let start = starts[l]
        var end = l + 1 < starts.count ? starts[l + 1] : bytes.count
        if end > start && bytes[end - 1] == 10 { end -= 1 }
        if end > start && bytes[end - 1] == 13 { end -= 1 }
        return start..<end
    }
}
