#if canImport(Glibc)
import Glibc
#endif

/// The names of one directory, held in a single buffer.
struct DirectoryListing {
    struct Entry {
        /// The first eight bytes of the name, big-endian and zero-padded: most comparisons
        /// while sorting end here.
        var key: UInt64
        var start: Int32
        var length: Int32
        var type: UInt8
    }

    static let unknown = UInt8(DT_UNKNOWN)
    static let regular = UInt8(DT_REG)
    static let directory = UInt8(DT_DIR)
    static let symlink = UInt8(DT_LNK)

    private(set) var names: [UInt8] = []
    private(set) var entries: [Entry] = []
    /// The listing has a `.gitignore` entry (saves an `open` in directories without one).
    private(set) var hasIgnoreFile = false

    static func type(mode: mode_t) -> UInt8 {
        switch FileSystem.kind(mode: mode) {
        case .regular: return regular
        case .directory: return directory
        case .symlink: return symlink
        default: return UInt8(DT_FIFO)
        }
    }

    /// Reads all entries except `.`, `..` and `.git`. Returns errno if reading stopped early.
    mutating func read(_ handle: OpaquePointer) -> Int32? {
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        names.reserveCapacity(1024)
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                return errno == 0 ? nil : errno
            }
            let name = UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: UInt8.self)
            let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
            if name[0] == UInt8(ascii: ".") {
                if length == 1 || (length == 2 && name[1] == UInt8(ascii: ".")) { continue }
                if length == 4 && name[1] == UInt8(ascii: "g") && name[2] == UInt8(ascii: "i") && name[3] == UInt8(ascii: "t") {
                    continue
                }
                if length == 10 && memcmp(name, ".gitignore", 10) == 0 { hasIgnoreFile = true }
            }
            let start = names.count
            // Stored NUL-terminated so `withName` can hand the bytes straight to fstatat.
            names.append(contentsOf: UnsafeBufferPointer(start: name, count: length + 1))
            var key: UInt64 = 0
            for i in 0..<8 { key = key << 8 | UInt64(i < length ? name[i] : 0) }
            entries.append(Entry(key: key, start: Int32(start), length: Int32(length), type: entry.pointee.d_type))
        }
    }

    mutating func sort() {
        names.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            entries.sort { a, b in
                if a.key != b.key { return a.key < b.key }
                let n = Int(min(a.length, b.length))
                let c = memcmp(base + Int(a.start), base + Int(b.start), n)
                return c != 0 ? c < 0 : a.length < b.length
            }
        }
    }

    /// The output record for one entry: both paths built straight into their Strings.
    @inline(__always)
    func makeFile(_ entry: Entry, relativePrefix: [UInt8], absolutePrefix: [UInt8], size: Int) -> WalkedFile {
        names.withUnsafeBufferPointer { all in
            let name = UnsafeBufferPointer(rebasing: all[Int(entry.start)..<Int(entry.start + entry.length)])
            return relativePrefix.withUnsafeBufferPointer { r in
                absolutePrefix.withUnsafeBufferPointer { a in
                    WalkedFile.make(relativePrefix: r, absolutePrefix: a, name: name, size: size)
                }
            }
        }
    }

    @inline(__always)
    func appendName(_ entry: Entry, to path: inout [UInt8]) {
        names.withUnsafeBufferPointer { all in
            path.append(contentsOf: UnsafeBufferPointer(start: all.baseAddress! + Int(entry.start), count: Int(entry.length)))
        }
    }

    /// Calls `body` with the entry's name as a C string.
    @inline(__always)
    func withName<R>(_ entry: Entry, _ body: (UnsafePointer<CChar>) -> R) -> R {
        names.withUnsafeBufferPointer { all in
            UnsafeRawPointer(all.baseAddress! + Int(entry.start)).withMemoryRebound(to: CChar.self, capacity: Int(entry.length) + 1) {
                body($0)
            }
        }
    }
}
