#if canImport(Glibc)
import Glibc
#endif

/// The paths recorded in git's index (`$GIT_DIR/index`, versions 2 to 4).
///
/// Ignore rules do not apply to tracked files: a force-added `.env` stays in the repository
/// however `.gitignore` reads, so the walker must still list it. Paths are kept in one byte
/// buffer, sorted, for binary search.
struct TrackedPaths: Sendable {
    private var storage: [UInt8] = []
    private var starts: [Int] = []
    private var ends: [Int] = []

    static let empty = TrackedPaths()

    var count: Int { starts.count }

    /// Reads an index file. Returns nil when it is missing or not understood. A split index
    /// (`core.splitIndex`) is read only in its main part.
    static func load(indexPath: String, hashSize: Int) -> TrackedPaths? {
        guard case .contents(let bytes) = FileSystem.readFile(indexPath) else { return nil }
        return parse(bytes, hashSize: hashSize)
    }

    static func parse(_ bytes: [UInt8], hashSize: Int) -> TrackedPaths? {
        guard bytes.count >= 12, bytes.starts(with: Array("DIRC".utf8)) else { return nil }
        func be32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        let version = be32(4)
        let entryCount = be32(8)
        guard (2...4).contains(version) else { return nil }
        var result = TrackedPaths()
        result.storage.reserveCapacity(entryCount * 24)
        result.starts.reserveCapacity(entryCount)
        result.ends.reserveCapacity(entryCount)
        var offset = 12
        var previous: [UInt8] = []
        var sorted = true
        for _ in 0..<entryCount {
            let fixed = 40 + hashSize + 2
            guard offset + fixed <= bytes.count else { return nil }
            let flags = Int(bytes[offset + 40 + hashSize]) << 8 | Int(bytes[offset + 40 + hashSize + 1])
            let extended = version >= 3 && flags & 0x4000 != 0
            var nameStart = offset + fixed + (extended ? 2 : 0)
            let mode = be32(offset + 24)
            var name: ArraySlice<UInt8>
            if version == 4 {
                // Path compressed against the previous one: varint count of bytes to drop, then
                // the NUL-terminated remainder.
                guard let (strip, next) = decodeVarint(bytes, nameStart), strip <= previous.count else { return nil }
                nameStart = next
                guard let nul = bytes[nameStart...].firstIndex(of: 0) else { return nil }
                previous.removeLast(strip)
                previous.append(contentsOf: bytes[nameStart..<nul])
                name = previous[...]
                offset = nul + 1
            } else {
                guard let nul = bytes[nameStart...].firstIndex(of: 0) else { return nil }
                name = bytes[nameStart..<nul]
                let headerLength = nameStart - offset
                offset += (headerLength + name.count + 8) & ~7
            }
            // Sparse-index directory entries (mode 040000, name ending in "/") stand for
            // directories that are not checked out; there is nothing on disk to list.
            if mode & 0o170000 == 0o040000 { continue }
            let start = result.storage.count
            result.storage.append(contentsOf: name)
            if let last = result.starts.last, sorted {
                sorted = compare(result.storage, last, result.ends[result.ends.count - 1], result.storage, start, result.storage.count) <= 0
            }
            result.starts.append(start)
            result.ends.append(result.storage.count)
        }
        if !sorted { result.sort() }
        return result
    }

    private static func decodeVarint(_ bytes: [UInt8], _ start: Int) -> (Int, Int)? {
        var i = start
        guard i < bytes.count else { return nil }
        var c = bytes[i]
        i += 1
        var value = Int(c & 127)
        while c & 128 != 0 {
            guard i < bytes.count, value < (Int.max >> 8) else { return nil }
            value += 1
            c = bytes[i]
            i += 1
            value = (value << 7) + Int(c & 127)
        }
        return (value, i)
    }

    private mutating func sort() {
        let order = (0..<starts.count).sorted {
            TrackedPaths.compare(storage, starts[$0], ends[$0], storage, starts[$1], ends[$1]) < 0
        }
        starts = order.map { starts[$0] }
        ends = order.map { ends[$0] }
    }

    private static func compare(
        _ a: [UInt8], _ aStart: Int, _ aEnd: Int, _ b: [UInt8], _ bStart: Int, _ bEnd: Int
    ) -> Int {
        let n = min(aEnd - aStart, bEnd - bStart)
        var i = 0
        while i < n {
            let x = a[aStart + i], y = b[bStart + i]
            if x != y { return x < y ? -1 : 1 }
            i += 1
        }
        return (aEnd - aStart) - (bEnd - bStart)
    }

    /// Index of the first path not less than `key`.
    private func lowerBound(_ key: [UInt8]) -> Int {
        var low = 0, high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if TrackedPaths.compare(storage, starts[mid], ends[mid], key, 0, key.count) < 0 {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low
    }

    func contains(_ path: [UInt8]) -> Bool {
        let i = lowerBound(path)
        return i < starts.count && TrackedPaths.compare(storage, starts[i], ends[i], path, 0, path.count) == 0
    }

    /// Tracked paths strictly inside `directory` ("" for everything), in sorted order.
    func paths(under directory: [UInt8]) -> [[UInt8]] {
        var prefix = directory
        if !prefix.isEmpty { prefix.append(UInt8(ascii: "/")) }
        var result: [[UInt8]] = []
        var i = lowerBound(prefix)
        while i < starts.count, hasPrefix(i, prefix) {
            if result.last.map({ !$0.elementsEqual(storage[starts[i]..<ends[i]]) }) ?? true {
                result.append(Array(storage[starts[i]..<ends[i]]))  // stages of a conflict repeat a path
            }
            i += 1
        }
        return result
    }

    func hasPaths(under directory: [UInt8]) -> Bool {
        var prefix = directory
        if !prefix.isEmpty { prefix.append(UInt8(ascii: "/")) }
        let i = lowerBound(prefix)
        return i < starts.count && hasPrefix(i, prefix)
    }

    private func hasPrefix(_ i: Int, _ prefix: [UInt8]) -> Bool {
        guard ends[i] - starts[i] >= prefix.count else { return false }
        var k = 0
        while k < prefix.count {
            if storage[starts[i] + k] != prefix[k] { return false }
            k += 1
        }
        return true
    }
}
