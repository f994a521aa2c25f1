import LeakguardBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin POSIX wrappers. Paths are passed as Strings or as raw bytes; nothing here throws.
enum FileSystem {
    enum ReadResult {
        case contents([UInt8])
        case missing
        case failed(errno: Int32)
    }

    /// Reads a whole file. `followSymlinks: false` refuses a symlink (git does so for in-tree
    /// `.gitignore` files).
    /// Only regular files are read: a FIFO or device named `.gitignore` would block forever, so
    /// the open never blocks (`O_NONBLOCK`) and the type is checked on the open descriptor.
    static func readFile(_ path: String, followSymlinks: Bool = true) -> ReadResult {
        var flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        if !followSymlinks { flags |= O_NOFOLLOW }
        let fd = open(path, flags)
        if fd < 0 {
            let error = errno
            return error == ENOENT || error == ENOTDIR ? .missing : .failed(errno: error)
        }
        defer { close(fd) }
        var info = stat()
        var capacity = 4096
        if fstat(fd, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return .failed(errno: EISDIR) }
            if (info.st_mode & S_IFMT) != S_IFREG { return .failed(errno: notRegularFile) }
            capacity = max(Int(info.st_size) + 1, 64)
        }
        var bytes = [UInt8](repeating: 0, count: capacity)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let n = bytes.withUnsafeMutableBufferPointer { buffer in
                read(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failed(errno: errno)
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeSubrange(count...)
        return .contents(bytes)
    }

    static func readText(_ path: String) -> String? {
        if case .contents(let bytes) = readFile(path) { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    enum Kind {
        case directory, regular, symlink, other, missing
    }

    static func kind(_ path: String, followSymlinks: Bool = true) -> Kind {
        var info = stat()
        let rc = followSymlinks ? stat(path, &info) : lstat(path, &info)
        if rc != 0 { return .missing }
        return kind(mode: info.st_mode)
    }

    static func kind(mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regular
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    static func isDirectory(_ path: String) -> Bool { kind(path) == .directory }
    static func exists(_ path: String) -> Bool { kind(path, followSymlinks: false) != .missing }

    static func realPath(_ path: String) -> String? { LeakguardBase.realPath(path) }

    static func currentDirectory() -> String {
        guard let cwd = getcwd(nil, 0) else { return "/" }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// The error code `readFile` gives for a FIFO, socket or device.
    static let notRegularFile: Int32 = -1

    static func errorMessage(_ code: Int32) -> String {
        if code == notRegularFile { return "not a regular file (a FIFO, socket or device); not read" }
        guard let message = strerror(code) else { return "error \(code)" }
        return String(cString: message)
    }

    /// Makes a path absolute against the current directory and removes `.`, empty components
    /// and trailing slashes. `..` is kept: resolving it lexically is wrong across symlinks.
    static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func join(_ directory: String, _ name: String) -> String {
        if name.isEmpty { return directory }
        if name.hasPrefix("/") { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}
