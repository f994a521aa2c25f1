import LeakguardBase
import GitIgnore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scan settings. Their defaults are the CLI's defaults.
public struct ScanOptions: Sendable {
    public static let defaultMaxFileSize = 10 * 1024 * 1024
    public var maxFileSize = ScanOptions.defaultMaxFileSize
    public var followSymlinks = false
    public var useGitIgnore = true
    /// Archives are opened this many levels deep (0: archives are skipped as binary).
    public var maxArchiveDepth = 2
    /// Layers of encoding (base64, hex, percent, `\u` escapes) looked through; 0 turns decoding off.
    public var maxDecodeDepth = 2
    /// Worker threads; defaults to the number of online cores.
    public var threads = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    public init() {}
}

/// A file the scan did not read, and why.
public struct SkippedFile: Sendable, Equatable {
    public enum Reason: String, Sendable {
        case binary, tooLarge = "too large", unreadable, symlink, special
        case corruptArchive = "corrupt archive", archiveLimit = "archive limit"
    }
    public var path: String
    public var reason: Reason
    public var detail: String
    public init(path: String, reason: Reason, detail: String = "") { self.path = path; self.reason = reason; self.detail = detail }
}

public struct ScanSummary: Sendable {
    public var files = 0
    public var bytes = 0
    public var skipped: [SkippedFile] = []
    public var durationMs = 0.0
    /// History scans: commits walked and distinct blobs read.
    public var commits: Int?
    public var blobs: Int?
    public init() {}
}

/// Everything a scan produced.
public struct ScanReport: Sendable {
    public var findings: [Finding] = []
    public var warnings: [String] = []
    public var summary = ScanSummary()
    /// What `--fix` changed, one line each.
    public var fixes: [String] = []
    /// What was scanned, how and when, for reports (set by the caller that ran the scan).
    public var scan = ScanDescription()
    /// What the content checks observed for tree-wide checks (not reported).
    public var facts: [Fact] = []
    public init() {}

    /// Adds another part's findings, warnings and counts (files, bytes, skipped) to this one.
    public mutating func absorb(_ part: ScanReport) {
        findings += part.findings
        warnings += part.warnings
        facts += part.facts
        summary.files += part.summary.files
        summary.bytes += part.summary.bytes
        summary.skipped += part.summary.skipped
    }

    public mutating func sortFindings() {
        findings.sort {
            ($0.path, $0.line, $0.column, $0.ruleID, $0.commit?.date ?? "") < ($1.path, $1.line, $1.column, $1.ruleID, $1.commit?.date ?? "")
        }
    }
}

/// A tool error: the scan could not be done as asked. Never reported as a clean result.
public struct ScanError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A check that looks at one file's content (the secret rules, the AI-backoff check).
public protocol ContentCheck: Sendable {
    /// Whether this check reads files with this path at all.
    func wants(path: String) -> Bool
    func check(_ fragment: Fragment, scratch: DetectorScratch) -> FragmentResult
}

extension Detector: ContentCheck {
    public func wants(path: String) -> Bool { true }
    public func check(_ fragment: Fragment, scratch: DetectorScratch) -> FragmentResult { scan(fragment, scratch: scratch) }
}

/// Runs content checks over many files in parallel on all cores.
public final class Scanner: Sendable {
    public let checks: [any ContentCheck]
    public let options: ScanOptions
    /// leakguard's own files (the config and baseline in use): never scanned, since they hold
    /// patterns and fingerprints, not secrets. Real paths.
    public let ownFiles: Set<String>

    public init(checks: [any ContentCheck], options: ScanOptions, ownFiles: [String] = []) {
        self.checks = checks
        self.options = options
        self.ownFiles = Set(ownFiles.compactMap(realPath))
    }

    func isOwnFile(_ path: String) -> Bool {
        guard !ownFiles.isEmpty else { return false }
        let name = basename(path)
        guard ownFiles.contains(where: { $0.hasSuffix("/" + name) }) else { return false }
        return realPath(path).map { ownFiles.contains($0) } ?? false
    }

    /// What a tree scan saw: the report, and the files the walk listed (relative to the root)
    /// for checks that judge the tree as a whole, such as the .env check.
    public struct TreeScan {
        public var report: ScanReport
        public var files: [String]
    }

    /// Scans the files below `root` (a directory or a single file). `stack` supplies git's
    /// ignore rules for the walk; nil walks everything but `.git`.
    public func scanTree(root: String, displayPrefix: String = "", stack: IgnoreStack?) throws(ScanError) -> TreeScan {
        var report = ScanReport()
        var st = stat()
        guard stat(root, &st) == 0 else {
            throw ScanError("cannot scan '\(root)': \(errnoDescription())")
        }
        var inputs: [ScanInput] = []
        var files: [String] = []
        let isDir = (st.st_mode & S_IFMT) == S_IFDIR
        if isDir {
            guard access(root, R_OK | X_OK) == 0 else { throw ScanError("cannot read directory '\(root)': \(errnoDescription())") }
            var walkOptions = WalkOptions(followSymlinks: options.followSymlinks, useGitIgnore: stack != nil)
            walkOptions.threads = options.threads
            let walked: WalkResult
            do {
                walked = try Walker.walk(root: root, options: walkOptions, stack: stack)
            } catch {
                throw ScanError("cannot walk '\(root)': \(error)")
            }
            report.warnings += walked.warnings
            for s in walked.skipped {
                let reason: SkippedFile.Reason
                switch s.reason {
                case .symlink, .brokenSymlink, .symlinkCycle: reason = .symlink
                case .unreadable: reason = .unreadable
                case .specialFile: reason = .special
                }
                report.summary.skipped.append(SkippedFile(path: displayPrefix + s.path, reason: reason, detail: s.reason.rawValue))
            }
            inputs.reserveCapacity(walked.files.count)
            files.reserveCapacity(walked.files.count)
            for f in walked.files {
                var input = ScanInput(absolutePath: f.absolutePath, displayPath: displayPrefix + f.relativePath, rawPath: f.rawAbsolutePath)
                if f.rawAbsolutePath == nil && !f.relativePath.hasPrefix("../") { input.relativePath = f.relativePath }
                inputs.append(input)
                files.append(f.relativePath)
            }
        } else {
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                throw ScanError("cannot scan '\(root)': not a regular file (\(fileKindName(st.st_mode)))")
            }
            let name = displayPrefix.isEmpty ? root : displayPrefix
            inputs = [ScanInput(absolutePath: root, displayPath: name)]
        }
        let progress = isDir ? TreeProgress.forTerminal(total: inputs.count) : nil
        let part = scanFiles(inputs, root: isDir ? root : nil, progress: progress)
        progress?.finish()
        if !isDir, let skip = part.summary.skipped.first, skip.reason == .unreadable || skip.reason == .special {
            // A file named on the command line that cannot be read is an error, never "clean".
            throw ScanError("cannot scan '\(root)': \(skip.detail.isEmpty ? skip.reason.rawValue : skip.detail)")
        }
        report.absorb(part)
        return TreeScan(report: report, files: files)
    }

    public struct ScanInput: Sendable {
        public var absolutePath: String
        public var displayPath: String
        /// The path's bytes when they are not valid UTF-8 (then `absolutePath` cannot open it).
        public var rawPath: [UInt8]?
        /// Relative to the root given to `scanFiles`, when known: opened with `openat`, so the
        /// kernel resolves a few path components instead of the whole absolute path.
        public var relativePath: String?
        public init(absolutePath: String, displayPath: String, rawPath: [UInt8]? = nil) {
            self.absolutePath = absolutePath; self.displayPath = displayPath; self.rawPath = rawPath
        }
    }

    /// Reads and checks each file; the work is shared by `options.threads` workers.
    public func scanFiles(_ inputs: [ScanInput], root: String? = nil) -> ScanReport {
        scanFiles(inputs, root: root, progress: nil)
    }

    func scanFiles(_ inputs: [ScanInput], root: String?, progress: TreeProgress?) -> ScanReport {
        let rootFD: Int32 = root.map { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } ?? -1
        defer { if rootFD >= 0 { close(rootFD) } }
        let next = Locked(0)
        let merged = Locked(ScanReport())
        let workers = max(1, min(options.threads, inputs.count))
        let work: @Sendable (Int) -> Void = { worker in
            var local = ScanReport()
            let scratch = DetectorScratch()
            var buffer = FileBuffer()
            while true {
                let i = next.withLock { v -> Int in let i = v; v += 1; return i }
                if i >= inputs.count { break }
                let bytesBefore = local.summary.bytes
                self.scanOne(inputs[i], rootFD: rootFD, buffer: &buffer, scratch: scratch, into: &local)
                if let progress {
                    progress.scanned(bytes: local.summary.bytes - bytesBefore)
                    if worker == 0 { progress.tick() }
                }
            }
            buffer.release()
            RuleStats.merge(scratch)
            merged.withLock { $0.absorb(local) }
        }
        if workers == 1 { work(0) } else { runParallel(workers, work) }
        if RuleStats.enabled, let detector = checks.first(where: { $0 is Detector }) as? Detector { RuleStats.report(detector) }
        var report = merged.withLock { $0 }
        report.summary.skipped.sort { $0.path < $1.path }
        return report
    }

    private func scanOne(_ input: ScanInput, rootFD: Int32, buffer: inout FileBuffer, scratch: DetectorScratch, into report: inout ScanReport) {
        // Most scans have one or two checks; avoid building a filtered array per file.
        guard checks.contains(where: { $0.wants(path: input.displayPath) }), !isOwnFile(input.absolutePath) else { return }
        let load: FileBuffer.Load
        let isArchive = options.maxArchiveDepth > 0 && ArchiveReader.isArchive(input.displayPath)
        buffer.checksBinary = !isArchive
        if rootFD >= 0, let relative = input.relativePath {
            load = buffer.load(relative, in: rootFD, maxSize: options.maxFileSize, followSymlinks: options.followSymlinks)
        } else {
            load = buffer.load(input.rawPath ?? Array(input.absolutePath.utf8), maxSize: options.maxFileSize)
        }
        switch load {
        case .failed(let why):
            report.summary.skipped.append(SkippedFile(path: input.displayPath, reason: .unreadable, detail: why))
            report.warnings.append("\(input.displayPath): skipped, cannot read (\(why))")
        case .tooLarge(let size):
            report.summary.skipped.append(SkippedFile(path: input.displayPath, reason: .tooLarge, detail: "\(size) bytes"))
        case .binary:
            report.summary.skipped.append(SkippedFile(path: input.displayPath, reason: .binary))
        case .special(let what):
            report.summary.skipped.append(SkippedFile(path: input.displayPath, reason: .special, detail: what))
        case .loaded(let bytes, _) where isArchive:
            scanArchive(bytes, name: input.displayPath, scratch: scratch, into: &report)
        case .loaded(let bytes, _):
            report.summary.files += 1
            report.summary.bytes += bytes.count
            // A path a global allowlist covers is left out by every check, as the git modes do
            // (the AI and .env checks too, not only the secret rules).
            if let detector = checks.first as? Detector, detector.isPathAllowed(input.displayPath, scratch: scratch) { return }
            runChecks(Fragment(bytes: bytes, path: input.displayPath), scratch: scratch, into: &report)
        }
    }

    func runChecks(_ fragment: Fragment, scratch: DetectorScratch, into report: inout ScanReport) {
        LeakguardCore.runChecks(checks, fragment, scratch: scratch, into: &report)
    }

    /// Scans what arrives on standard input (`leakguard scan -`), named `name` in findings.
    public func scanStandardInput(name: String) throws(ScanError) -> ScanReport {
        var report = ScanReport()
        var buffer = FileBuffer()
        defer { buffer.release() }
        let isArchive = options.maxArchiveDepth > 0 && ArchiveReader.isArchive(name)
        buffer.checksBinary = !isArchive
        let scratch = DetectorScratch()
        switch buffer.read(fd: 0, expected: 64 * 1024, maxSize: options.maxFileSize) {
        case .failed(let why): throw ScanError("cannot read standard input: \(why)")
        case .special(let why): throw ScanError("cannot read standard input: \(why)")
        case .tooLarge(let size):
            throw ScanError("standard input is over --max-file-size (\(size) bytes read); raise the limit to scan it")
        case .binary:
            report.summary.skipped.append(SkippedFile(path: name, reason: .binary))
        case .loaded(let bytes, _) where isArchive:
            scanArchive(bytes, name: name, scratch: scratch, into: &report)
        case .loaded(let bytes, _):
            report.summary.files += 1
            report.summary.bytes += bytes.count
            runChecks(Fragment(bytes: bytes, path: name), scratch: scratch, into: &report)
        }
        return report
    }

    func scanArchive(_ bytes: UnsafeBufferPointer<UInt8>, name: String, scratch: DetectorScratch, into report: inout ScanReport) {
        scanArchiveMembers(bytes, name: name, commit: nil, checks: checks, options: options, scratch: scratch, into: &report)
    }
}

/// Runs `body(worker)` on `count` threads and waits for all of them.
func runParallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    final class Box: @unchecked Sendable { let body: @Sendable (Int) -> Void; let index: Int
        init(_ b: @escaping @Sendable (Int) -> Void, _ i: Int) { body = b; index = i } }
    var threads: [pthread_t] = []
    for i in 1..<count {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(body, i)).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, 8 << 20)
        let rc = pthread_create(&thread, &attr, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body(box.index)
            return nil
        }, box)
        pthread_attr_destroy(&attr)
        if rc == 0 { threads.append(thread) } else { Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body(i) }
    }
    body(0)
    for t in threads { pthread_join(t, nil) }
}

/// A file is binary when its first 8 KiB hold a NUL byte (git's own test).
func looksBinary(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = bytes.baseAddress else { return false }
    return memchr(base, 0, min(bytes.count, 8000)) != nil
}

/// One worker's reusable read buffer: files are read into it, never into fresh arrays.
struct FileBuffer {
    private var storage: UnsafeMutablePointer<UInt8>?
    private var capacity = 0
    /// Off for archives, which are binary by nature and read whole.
    var checksBinary = true

    enum Load {
        case loaded(UnsafeBufferPointer<UInt8>, TextEncoding)
        case binary, tooLarge(Int), failed(String)
        /// A FIFO, socket or device (perhaps swapped in after the walk listed a regular file).
        case special(String)
    }

    /// Opening never blocks and never follows a final symlink unless asked: a file swapped for
    /// a FIFO between the walk and the open is refused, not waited on.
    static func openFlags(followSymlinks: Bool) -> Int32 {
        O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followSymlinks ? 0 : O_NOFOLLOW)
    }

    mutating func load(_ path: [UInt8], maxSize: Int, followSymlinks: Bool = true) -> Load {
        let fd = (path + [0]).withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { open($0, Self.openFlags(followSymlinks: followSymlinks)) }
        }
        return load(fd: fd, maxSize: maxSize)
    }

    /// Opens `relative` below the directory `dirFD`.
    mutating func load(_ relative: String, in dirFD: Int32, maxSize: Int, followSymlinks: Bool = false) -> Load {
        load(fd: openat(dirFD, relative, Self.openFlags(followSymlinks: followSymlinks)), maxSize: maxSize)
    }

    private mutating func load(fd: Int32, maxSize: Int) -> Load {
        guard fd >= 0 else {
            if errno == ELOOP { return .special("a symbolic link appeared where the walk saw a file; not followed") }
            return .failed(errnoDescription())
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failed(errnoDescription()) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .special(fileKindName(st.st_mode)) }
        let size = Int(st.st_size)
        if size > maxSize { return .tooLarge(size) }
        return read(fd: fd, expected: size, maxSize: maxSize)
    }

    /// Reads until EOF (sizes can change under us), never past `maxSize`.
    mutating func read(fd: Int32, expected: Int, maxSize: Int) -> Load {
        ensure(max(expected + 1, 8192))
        var total = 0
        var checkedBinary = false
        while true {
            // Binary files are dropped after their first 8000 bytes, never read whole. UTF-16
            // and UTF-32 text is full of NULs too: it is recognised first.
            if checksBinary && !checkedBinary && total >= 8000 {
                checkedBinary = true
                if TextEncoding.detect(UnsafeBufferPointer(start: storage, count: total)) == .utf8,
                   memchr(storage!, 0, 8000) != nil { return .binary }
            }
            if total == capacity {
                if total > maxSize { return .tooLarge(total) }
                ensure(capacity * 2)
            }
            let n = Glibc.read(fd, storage! + total, capacity - total)
            if n < 0 { if errno == EINTR { continue }; return .failed(errnoDescription()) }
            if n == 0 { break }
            total += n
        }
        if total > maxSize { return .tooLarge(total) }
        let loaded = UnsafeBufferPointer(start: storage, count: total)
        let encoding = checksBinary ? TextEncoding.detect(loaded) : .utf8
        if encoding != .utf8 {
            // Transcoded to UTF-8: characters and line breaks are kept one for one, so lines and
            // columns (which count characters) point into the original.
            let utf8 = encoding.transcode(loaded)
            ensure(max(utf8.count, 1))
            utf8.withUnsafeBufferPointer { storage!.update(from: $0.baseAddress!, count: utf8.count) }
            return .loaded(UnsafeBufferPointer(start: storage, count: utf8.count), encoding)
        }
        if checksBinary && !checkedBinary && looksBinary(loaded) { return .binary }
        return .loaded(loaded, .utf8)
    }

    /// Wraps bytes that are already in memory (git blobs) in the same interface.
    mutating func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeBufferPointer<UInt8> {
        ensure(max(bytes.count, 1))
        if bytes.count > 0 { storage!.update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
        return UnsafeBufferPointer(start: storage, count: bytes.count)
    }

    private mutating func ensure(_ size: Int) {
        if size <= capacity { return }
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        if let storage {
            newStorage.update(from: storage, count: capacity)
            storage.deallocate()
        }
        storage = newStorage
        capacity = size
    }

    mutating func release() { storage?.deallocate(); storage = nil; capacity = 0 }
}
