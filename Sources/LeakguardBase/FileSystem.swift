#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public func fileExists(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0
}

public func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

public func isRegularFile(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
}

public func parentDirectory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
}

public func joinPath(_ a: String, _ b: String) -> String {
    if a.isEmpty || a == "." { return b }
    return a.hasSuffix("/") ? a + b : a + "/" + b
}

/// Why a file was not read.
public struct FileReadError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// Opens `path` for reading only if it is a regular file, without ever blocking: a FIFO or
/// device where a config, baseline or ignore file should be would otherwise hang the scan.
/// `followSymlinks: false` refuses a symlink as the last component.
public func openRegularFile(_ path: String, at directory: Int32 = AT_FDCWD, followSymlinks: Bool = true) -> Result<Int32, FileReadError> {
    var flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
    if !followSymlinks { flags |= O_NOFOLLOW }
    let fd = openat(directory, path, flags)
    guard fd >= 0 else {
        if errno == ELOOP && !followSymlinks { return .failure(FileReadError(description: "is a symbolic link; not followed")) }
        return .failure(FileReadError(description: errnoDescription()))
    }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
        let message = errnoDescription()
        close(fd)
        return .failure(FileReadError(description: message))
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
        close(fd)
        return .failure(FileReadError(description: "not a regular file (\(fileKindName(st.st_mode)))"))
    }
    return .success(fd)
}

public func fileKindName(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFDIR: "a directory"
    case S_IFIFO: "a FIFO"
    case S_IFSOCK: "a socket"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFLNK: "a symbolic link"
    default: "a special file"
    }
}

/// Reads a whole regular file (at most `maxBytes` of it), or says why not.
public func readRegularFile(_ path: String, followSymlinks: Bool = true, maxBytes: Int = .max) -> Result<[UInt8], FileReadError> {
    switch openRegularFile(path, followSymlinks: followSymlinks) {
    case .failure(let error): return .failure(error)
    case .success(let fd):
        defer { close(fd) }
        guard let bytes = readAll(fd, maxBytes: maxBytes) else { return .failure(FileReadError(description: errnoDescription())) }
        return .success(bytes)
    }
}

/// Reads a whole file; nil (with errno set) when it cannot be read or is not a regular file.
public func readFileBytes(_ path: String) -> [UInt8]? {
    switch readRegularFile(path) {
    case .success(let bytes): return bytes
    case .failure: if errno == 0 { errno = EINVAL }; return nil
    }
}

private func readAll(_ fd: Int32, maxBytes: Int) -> [UInt8]? {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while out.count < maxBytes {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

public func readTextFile(_ path: String) -> String? {
    guard let bytes = readFileBytes(path) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then rename.
public func writeFileAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) -> Bool {
    let tmp = path + ".leakguard-tmp-\(getpid())"
    // A fresh file only: never through a symlink or over something planted at the temp name.
    unlink(tmp)
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard fd >= 0 else { return false }
    var offset = 0
    let ok: Bool = bytes.withUnsafeBytes { buf in
        while offset < buf.count {
            let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }
    guard ok, fsync(fd) == 0 || true, close(fd) == 0 else { unlink(tmp); return false }
    if rename(tmp, path) != 0 { unlink(tmp); return false }
    return true
}

public func errnoDescription() -> String { String(cString: strerror(errno)) }

/// The canonical absolute path (symlinks resolved), or nil when it does not exist.
public func realPath(_ path: String) -> String? {
    guard let p = realpath(path, nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
}

/// The canonical path when there is one, else `path` unchanged.
public func resolvedPath(_ path: String) -> String { realPath(path) ?? path }

/// Writes all of `text` to `fd`, retrying short writes and EINTR; false on an error.
@discardableResult
public func writeAll(_ fd: Int32, _ text: String) -> Bool {
    var bytes = Array(text.utf8)
    var offset = 0
    return bytes.withUnsafeMutableBytes { buf in
        while offset < buf.count {
            let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }
}

/// Writes `text` to standard error (progress, statistics, messages).
public func writeStandardError(_ text: String) { writeAll(2, text) }
