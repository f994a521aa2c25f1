/// Finds the 1-based line and column (in Unicode scalars) of byte offsets. Built only when a file
/// has something to report.
struct LineIndex {
    private let starts: [Int]

    init(_ source: UnsafeBufferPointer<UInt8>) {
        var starts = [0]
        var i = 0
        let n = source.count
        while i < n {
            let c = source[i]
            if c == 0x0A {
                starts.append(i + 1)
            } else if c == 0x0D {
                if i + 1 < n && source[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        self.starts = starts
    }

    /// The line and column of `offset`; the column counts scalars (UTF-8 lead bytes) before it.
    func position(of offset: Int, in source: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        let target = min(max(0, offset), source.count)
        var low = 0
        var high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= target { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var i = starts[low]
        // A byte-order mark at the file start is not a column.
        if low == 0 && source.count >= 3 && source[0] == 0xEF && source[1] == 0xBB && source[2] == 0xBF { i = min(3, target) }
        while i < target {
            if source[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (low + 1, column)
    }
}
