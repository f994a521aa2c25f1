#if canImport(Glibc)
import Glibc
#endif

/// One file found by the ``Walker``.
public struct WalkedFile: Sendable, Hashable {
    /// Relative to the scan root, `/`-separated.
    public var relativePath: String
    public var absolutePath: String
    /// Size in bytes, or -1 when not collected (see ``WalkOptions/collectSizes``).
    public var size: Int
    /// The absolute path as raw bytes, set only when it is not valid UTF-8 (the Strings then
    /// hold replacement characters and cannot be used to open the file).
    public var rawAbsolutePath: [UInt8]?

    public init(relativePath: String, absolutePath: String, size: Int, rawAbsolutePath: [UInt8]? = nil) {
        self.relativePath = relativePath
        self.absolutePath = absolutePath
        self.size = size
        self.rawAbsolutePath = rawAbsolutePath
    }
}

extension WalkedFile {
    /// Builds the record from a directory prefix and a name, both paths written straight into
    /// their Strings. Names that are not valid UTF-8 keep their bytes in ``rawAbsolutePath``.
    @inline(__always)
    static func make(
        relativePrefix: UnsafeBufferPointer<UInt8>, absolutePrefix: UnsafeBufferPointer<UInt8>,
        name: UnsafeBufferPointer<UInt8>, size: Int
    ) -> WalkedFile {
        let relativeString = joined(relativePrefix, name)
        let absoluteString = joined(absolutePrefix, name)
        if isASCII(absolutePrefix) && isASCII(name) {
            return WalkedFile(relativePath: relativeString, absolutePath: absoluteString, size: size)
        }
        let raw = Array(absolutePrefix) + Array(name)
        if String(validating: raw, as: UTF8.self) != nil {
            return WalkedFile(relativePath: relativeString, absolutePath: absoluteString, size: size)
        }
        return WalkedFile(relativePath: relativeString, absolutePath: absoluteString, size: size, rawAbsolutePath: raw)
    }

    @inline(__always)
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b >= 0x80 { return false }
        return true
    }

    /// Concatenates two byte runs into a String (invalid UTF-8 is repaired).
    @inline(__always)
    private static func joined(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> String {
        let total = first.count + second.count
        return String(unsafeUninitializedCapacity: total) { buffer in
            if first.count > 0 {
                UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: first.baseAddress!, byteCount: first.count)
            }
            if second.count > 0 {
                UnsafeMutableRawPointer(buffer.baseAddress! + first.count).copyMemory(from: second.baseAddress!, byteCount: second.count)
            }
            return total
        }
    }
}

/// An entry the walker saw but did not list.
public struct SkippedEntry: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        /// A symbolic link, not followed.
        case symlink
        /// A followed symbolic link whose target does not exist.
        case brokenSymlink
        /// A followed symbolic link leading back to one of its own parent directories.
        case symlinkCycle
        /// A directory that could not be opened or read.
        case unreadable
        /// A FIFO, socket or device.
        case specialFile
    }

    /// Relative to the scan root.
    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path) (\(reason.rawValue))" }
}

public struct WalkResult: Sendable {
    /// Files to scan, depth first: a directory's files (sorted by name) before its subdirectories.
    public var files: [WalkedFile] = []
    public var warnings: [String] = []
    public var skipped: [SkippedEntry] = []
    public var isGitRepository = false
    public var workTreeRoot: String? = nil
}

public struct WalkOptions: Sendable {
    public var followSymlinks = false
    /// false: list everything except `.git` (the `--no-gitignore` switch).
    public var useGitIgnore = true
    /// List tracked files even when an ignore pattern matches them: git ignores ignore rules
    /// for files already in the index, so they will be committed.
    public var includeTrackedFiles = true
    /// Fill ``WalkedFile/size`` (one `fstatat` per file; otherwise -1 except for followed links).
    public var collectSizes = false
    /// Worker threads: 1 walks on the calling thread, 0 picks one per CPU, at most 2 (the
    /// measured gain stops there). The output is the same whatever the count.
    public var threads = 0
    /// Environment for configuration lookup; nil uses the process environment.
    public var environment: [String: String]? = nil
    /// Tests only: treat every `d_type` as `DT_UNKNOWN`, as some filesystems report it, to
    /// exercise the `fstatat` fallback.
    var ignoresEntryTypes = false

    static let automaticThreadCount = min(2, max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    public init(followSymlinks: Bool = false, useGitIgnore: Bool = true) {
        self.followSymlinks = followSymlinks
        self.useGitIgnore = useGitIgnore
    }
}

public enum WalkError: Error, CustomStringConvertible, Equatable {
    case rootNotFound(String)
    case rootUnreadable(String, reason: String)
    case rootNotADirectoryOrFile(String)

    public var description: String {
        switch self {
        case .rootNotFound(let path): return "scan root '\(path)' does not exist"
        case .rootUnreadable(let path, let reason): return "cannot read scan root '\(path)': \(reason)"
        case .rootNotADirectoryOrFile(let path): return "scan root '\(path)' is neither a directory nor a regular file"
        }
    }
}
