#if canImport(Glibc)
import Glibc
#endif

/// Lists the files below a directory the way git sees the work tree: `.git` entries, ignored
/// files and ignored directories (never entered) are left out.
public enum Walker {
    public static func walk(root: String, followSymlinks: Bool = false, useGitIgnore: Bool = true) throws -> WalkResult {
        try walk(root: root, options: WalkOptions(followSymlinks: followSymlinks, useGitIgnore: useGitIgnore))
    }

    /// - Parameter stack: reuse an existing stack (its root must contain `root`); nil discovers one.
    public static func walk(root: String, options: WalkOptions, stack: IgnoreStack? = nil) throws -> WalkResult {
        let rootAbsolute = FileSystem.absolute(root)
        var info = stat()
        if stat(rootAbsolute, &info) != 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw WalkError.rootNotFound(root) }
            throw WalkError.rootUnreadable(root, reason: FileSystem.errorMessage(code))
        }
        switch FileSystem.kind(mode: info.st_mode) {
        case .regular:
            // An explicitly named file is listed as is, like ripgrep does.
            var result = WalkResult()
            let name = rootAbsolute.split(separator: "/").last.map(String.init) ?? rootAbsolute
            result.files = [WalkedFile(relativePath: name, absolutePath: rootAbsolute, size: Int(info.st_size))]
            return result
        case .directory:
            break
        default:
            throw WalkError.rootNotADirectoryOrFile(root)
        }
        guard let probe = opendir(rootAbsolute) else {
            throw WalkError.rootUnreadable(root, reason: FileSystem.errorMessage(errno))
        }
        closedir(probe)

        let environment = options.environment ?? ProcessEnvironment.current()
        let stack = options.useGitIgnore ? (stack ?? IgnoreStack.forDirectory(rootAbsolute, environment: environment)) : nil
        let warningsBefore = stack?.warnings.count ?? 0

        var result = WalkResult()
        result.isGitRepository = stack?.isGitRepository ?? (GitRepository.discover(from: rootAbsolute) != nil)
        result.workTreeRoot = stack?.workTreeRoot

        let scanPrefix = Array((stack?.relativePath(forAbsolutePath: rootAbsolute) ?? "").utf8)
        let plan = WalkPlan(options: options, stack: stack, rootAbsolute: Array(rootAbsolute.utf8), scanPrefix: scanPrefix)

        var rootJob = DirectoryJob(repoPath: scanPrefix, chain: [], ancestors: [])
        if let stack {
            // Rules from the parents of the scan root apply, and an excluded parent excludes
            // everything below it.
            if let decision = plan.prepareRoot(&rootJob, stack: stack) {
                result.warnings.append(
                    "scan root is inside the ignored directory '\(decision.matchedPath)' "
                        + "(pattern '\(decision.pattern)' at \(decision.sourcePath):\(decision.lineNumber)); "
                        + (plan.listsTracked ? "only tracked files are listed" : "nothing to list"))
                var output = DirectoryOutput()
                if plan.listsTracked { plan.emitTracked(under: scanPrefix, into: &output) }
                result.files = output.files
                result.skipped = output.skipped
                result.warnings += stack.warnings.dropFirst(warningsBefore)
                return result
            }
        }
        if options.followSymlinks {
            rootJob.ancestors = [FileID(info)]
        }

        var outputs: [DirectoryOutput]
        let threads = options.threads > 0 ? options.threads : WalkOptions.automaticThreadCount
        if threads > 1 {
            outputs = ParallelWalk.run(plan: plan, root: rootJob, threads: threads)
        } else {
            // One accumulating output: files go straight to their final array.
            var output = DirectoryOutput()
            var pending = [rootJob]
            var children: [DirectoryJob] = []
            while let job = pending.popLast() {
                plan.process(job, into: &output, children: &children)
                pending.append(contentsOf: children.reversed())
                children.removeAll(keepingCapacity: true)
            }
            outputs = [output]
        }
        if outputs.count == 1 {
            result.files = outputs[0].files
            result.skipped = outputs[0].skipped
            result.warnings += outputs[0].warnings
            if let stack { result.warnings += stack.warnings.dropFirst(warningsBefore) }
            return result
        }
        result.files = ParallelWalk.concatenateFiles(&outputs)
        for output in outputs {
            result.skipped.append(contentsOf: output.skipped)
            result.warnings.append(contentsOf: output.warnings)
        }
        if let stack { result.warnings += stack.warnings.dropFirst(warningsBefore) }
        return result
    }
}

/// Device and inode of a directory, to recognise symlink cycles.
struct FileID: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

struct DirectoryJob: Sendable {
    /// Relative to the ignore root (the work tree), no trailing slash.
    var repoPath: [UInt8]
    /// `.gitignore` matchers of the parents, root first.
    var chain: [GitIgnoreMatcher]
    /// Only when following symlinks: the directories from the scan root down to the parent.
    var ancestors: [FileID]
}

struct DirectoryOutput: Sendable {
    var files: [WalkedFile] = []
    var skipped: [SkippedEntry] = []
    var warnings: [String] = []
    var children: [DirectoryJob] = []
}

/// Everything a worker needs; immutable, shared between threads.
final class WalkPlan: Sendable {
    let options: WalkOptions
    let stack: IgnoreStack?
    let globals: [GitIgnoreMatcher]
    let rootAbsolute: [UInt8]
    /// The scan root relative to the ignore root ("" when they coincide).
    let scanPrefix: [UInt8]
    let listsTracked: Bool
    // Copied out of `options` so the per-entry loop does not touch the environment dictionary.
    let followSymlinks: Bool
    let collectSizes: Bool
    let usesIgnoreRules: Bool
    let ignoresEntryTypes: Bool

    init(options: WalkOptions, stack: IgnoreStack?, rootAbsolute: [UInt8], scanPrefix: [UInt8]) {
        self.options = options
        self.followSymlinks = options.followSymlinks
        self.collectSizes = options.collectSizes
        self.usesIgnoreRules = stack != nil
        self.ignoresEntryTypes = options.ignoresEntryTypes
        self.stack = stack
        self.globals = stack?.globalMatchers ?? []
        self.rootAbsolute = rootAbsolute
        self.scanPrefix = scanPrefix
        self.listsTracked = options.includeTrackedFiles && stack?.isGitRepository == true
    }

    /// Loads the matchers of the scan root's parents into `job` and checks that none of those
    /// directories, nor the root itself, is excluded. Returns the excluding decision if one is.
    func prepareRoot(_ job: inout DirectoryJob, stack: IgnoreStack) -> IgnoreDecision? {
        var chain: [GitIgnoreMatcher] = []
        var directory: [UInt8] = []
        var componentStart = 0
        let components = scanPrefix.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        for component in components {
            if let matcher = stack.matcher(forDirectoryBytes: directory) { chain.append(matcher) }
            if !directory.isEmpty { directory.append(UInt8(ascii: "/")) }
            componentStart = directory.count
            directory.append(contentsOf: component)
            let match = directory.withUnsafeBufferPointer {
                IgnoreStack.lastMatch($0, fileNameStart: componentStart, isDirectory: true, chain: chain, globals: globals)
            }
            if let match, !match.pattern.isNegated {
                return IgnoreDecision(
                    sourcePath: match.matcher.sourcePath, source: match.matcher.source,
                    baseDirectory: match.matcher.baseDirectory, lineNumber: match.pattern.lineNumber,
                    pattern: match.pattern.text, isNegated: false,
                    matchedPath: String(decoding: directory, as: UTF8.self))
            }
        }
        job.chain = chain
        return nil
    }

    /// The part of a work-tree-relative path below the scan root.
    @inline(__always)
    func scanRelative(_ repoPath: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        if scanPrefix.isEmpty { return repoPath }
        return repoPath.count > scanPrefix.count ? repoPath.dropFirst(scanPrefix.count + 1) : repoPath.suffix(0)
    }

    func absolutePath(_ scanRelative: ArraySlice<UInt8>) -> [UInt8] {
        var path = rootAbsolute
        if !scanRelative.isEmpty {
            if path.last != UInt8(ascii: "/") { path.append(UInt8(ascii: "/")) }
            path.append(contentsOf: scanRelative)
        }
        return path
    }

    // MARK: One directory

    /// Reads one directory: lists its files, and returns its subdirectories as new jobs.
    func process(_ job: DirectoryJob) -> DirectoryOutput {
        var output = DirectoryOutput()
        var children: [DirectoryJob] = []
        process(job, into: &output, children: &children)
        output.children = children
        return output
    }

    /// As ``process(_:)``, appending to an existing output (the sequential walk keeps one).
    func process(_ job: DirectoryJob, into output: inout DirectoryOutput, children: inout [DirectoryJob]) {
        let relative = scanRelative(job.repoPath[...])
        var directoryPath = absolutePath(relative)
        directoryPath.append(0)
        let handle = directoryPath.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { opendir($0.baseAddress!) }
        }
        directoryPath.removeLast()
        guard let handle else {
            let code = errno
            let shown = relative.isEmpty ? "." : Self.string(relative)
            output.warnings.append("cannot read directory '\(shown)': \(FileSystem.errorMessage(code))")
            output.skipped.append(SkippedEntry(path: shown, reason: .unreadable))
            return
        }
        defer { closedir(handle) }
        let fd = dirfd(handle)

        var ancestors = job.ancestors
        if followSymlinks {
            var info = stat()
            if fstat(fd, &info) == 0 {
                let id = FileID(info)
                if !ancestors.contains(id) { ancestors.append(id) }
            }
        }

        var listing = DirectoryListing()
        if let failure = listing.read(handle) {
            let shown = relative.isEmpty ? "." : Self.string(relative)
            output.warnings.append("error while reading directory '\(shown)': \(FileSystem.errorMessage(failure))")
        }
        listing.sort()

        var chain = job.chain
        if let stack {
            if let matcher = stack.matcher(forDirectoryBytes: job.repoPath, mayExist: listing.hasIgnoreFile) {
                chain.append(matcher)
            }
        }

        // Prefixes shared by every entry: the work-tree-relative path (for matching), the
        // scan-relative path and the absolute path (for output).
        var path = job.repoPath
        if !path.isEmpty { path.append(UInt8(ascii: "/")) }
        let nameStart = path.count
        var relativePrefix = Array(relative)
        if !relativePrefix.isEmpty { relativePrefix.append(UInt8(ascii: "/")) }
        var absolutePrefix = directoryPath
        if absolutePrefix.last != UInt8(ascii: "/") { absolutePrefix.append(UInt8(ascii: "/")) }
        var info = stat()

        for entryIndex in 0..<listing.entries.count {
            let entry = listing.entries[entryIndex]
            path.removeLast(path.count - nameStart)
            listing.appendName(entry, to: &path)

            var type = ignoresEntryTypes ? DirectoryListing.unknown : entry.type
            if type == DirectoryListing.unknown {
                let ok = listing.withName(entry) { fstatat(fd, $0, &info, AT_SYMLINK_NOFOLLOW) } == 0
                if !ok { continue }  // vanished since the listing
                type = DirectoryListing.type(mode: info.st_mode)
            }
            var isDirectory = type == DirectoryListing.directory
            var target: stat? = nil
            if type == DirectoryListing.symlink && followSymlinks {
                if listing.withName(entry, { fstatat(fd, $0, &info, 0) }) == 0 {
                    target = info
                    isDirectory = FileSystem.kind(mode: info.st_mode) == .directory
                }
            }

            if usesIgnoreRules {
                let match = path.withUnsafeBufferPointer {
                    IgnoreStack.lastMatch($0, fileNameStart: nameStart, isDirectory: isDirectory, chain: chain, globals: globals)
                }
                if let match, !match.pattern.isNegated {
                    guard listsTracked, let tracked = stack?.trackedPaths() else { continue }
                    if isDirectory && type == DirectoryListing.directory {
                        if tracked.hasPaths(under: path) { emitTracked(under: path, into: &output) }
                        continue
                    }
                    if !tracked.contains(path) { continue }
                }
            }

            switch type {
            case DirectoryListing.regular:
                var size = -1
                if collectSizes, listing.withName(entry, { fstatat(fd, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 {
                    size = Int(info.st_size)
                }
                output.files.append(listing.makeFile(entry, relativePrefix: relativePrefix, absolutePrefix: absolutePrefix, size: size))
            case DirectoryListing.directory:
                children.append(DirectoryJob(repoPath: path, chain: chain, ancestors: ancestors))
            case DirectoryListing.symlink:
                guard followSymlinks else {
                    output.skipped.append(SkippedEntry(path: Self.string(scanRelative(path[...])), reason: .symlink))
                    continue
                }
                guard let target else {
                    output.skipped.append(SkippedEntry(path: Self.string(scanRelative(path[...])), reason: .brokenSymlink))
                    continue
                }
                switch FileSystem.kind(mode: target.st_mode) {
                case .regular:
                    output.files.append(listing.makeFile(entry, relativePrefix: relativePrefix, absolutePrefix: absolutePrefix, size: Int(target.st_size)))
                case .directory:
                    if ancestors.contains(FileID(target)) {
                        output.skipped.append(SkippedEntry(path: Self.string(scanRelative(path[...])), reason: .symlinkCycle))
                    } else {
                        children.append(DirectoryJob(repoPath: path, chain: chain, ancestors: ancestors))
                    }
                default:
                    output.skipped.append(SkippedEntry(path: Self.string(scanRelative(path[...])), reason: .specialFile))
                }
            default:
                output.skipped.append(SkippedEntry(path: Self.string(scanRelative(path[...])), reason: .specialFile))
            }
        }
    }

    /// Lists the tracked files below an ignored directory (which is not walked).
    func emitTracked(under directory: [UInt8], into output: inout DirectoryOutput) {
        guard let tracked = stack?.trackedPaths() else { return }
        var info = stat()
        for path in tracked.paths(under: directory) {
            var absolute = absolutePath(scanRelative(path[...]))
            absolute.append(0)
            let rc = absolute.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &info) }
            }
            guard rc == 0 else { continue }  // deleted in the work tree
            switch FileSystem.kind(mode: info.st_mode) {
            case .regular:
                output.files.append(makeFile(path[...], size: collectSizes ? Int(info.st_size) : -1))
            case .symlink:
                output.skipped.append(SkippedEntry(path: Self.string(scanRelative(path[...])), reason: .symlink))
            default:
                continue
            }
        }
    }

    private func makeFile(_ repoPath: ArraySlice<UInt8>, size: Int) -> WalkedFile {
        let relative = Array(scanRelative(repoPath))
        let absolute = absolutePath(relative[...])
        return relative.withUnsafeBufferPointer { r in
            absolute.withUnsafeBufferPointer { a in
                WalkedFile.make(relativePrefix: r, absolutePrefix: a, name: UnsafeBufferPointer(start: nil, count: 0), size: size)
            }
        }
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
