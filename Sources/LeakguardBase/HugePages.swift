#if canImport(Glibc)
import Glibc
#endif

extension Array {
    /// Reserves room for `capacity` elements and, for a large reservation on Linux, asks the
    /// kernel to back it with transparent huge pages (`madvise(MADV_HUGEPAGE)`, what glibc's
    /// `glibc.malloc.hugetlb=1` does for every allocation). The Python front end fills arrays of
    /// tens of megabytes for one large file; faulting them in 4 KiB at a time cost as much as
    /// tokenizing and parsing (bench/hostile.py python-calls). The advice covers the whole 2 MiB
    /// pages inside the reservation; it is a hint: where it is not taken, nothing changes. The
    /// part of the reservation never written stays untouched either way.
    public mutating func reserveCapacityPreferringHugePages(_ capacity: Int) {
        reserveCapacity(capacity)
        #if os(Linux)
        let hugePage = 2 << 20
        let bytes = self.capacity * MemoryLayout<Element>.stride
        guard bytes >= 2 * hugePage else { return }
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let start = (Int(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
            let end = (Int(bitPattern: base) + bytes) & ~(hugePage - 1)
            if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        }
        #endif
    }
}
