import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which commits a history scan reads (`--git`, `--all`, `--range`, `--since-commit`).
public struct GitRevisions: Sendable, Equatable {
    /// Every ref (`--all`) instead of HEAD.
    public var allRefs = false
    /// Revision arguments as `git rev-list` takes them ("A..B", "B", "^A"); they combine the same
    /// way, so several ranges mean "reachable from any tip, but from none of the excluded ones".
    public var ranges: [String] = []
    /// Only commits after this one (up to HEAD, or every ref with `allRefs`).
    public var sinceCommit: String?

    public init(allRefs: Bool = false, ranges: [String] = [], sinceCommit: String? = nil) {
        self.allRefs = allRefs; self.ranges = ranges; self.sinceCommit = sinceCommit
    }

    /// Options (before `--end-of-options`) and revisions (after it) for git log / rev-list.
    func arguments() throws(ScanError) -> (options: [String], revisions: [String]) {
        for r in ranges + [sinceCommit].compactMap({ $0 }) where r.isEmpty || r.hasPrefix("-") {
            throw ScanError("'\(r)' is not a revision or range (expected something like main..HEAD)")
        }
        var options: [String] = []
        var revisions = ranges
        if allRefs { options.append("--all") }
        if let since = sinceCommit {
            revisions.append("^" + since)
            if !allRefs && ranges.isEmpty { revisions.append("HEAD") }
        }
        if !allRefs && revisions.isEmpty { revisions = ["HEAD"] }
        return (options, revisions)
    }
}

/// Runs the git modes of a `ScanRequest`: the staged index (pre-commit) and commit histories
/// (audits, CI ranges, pre-push). Every git failure is a `ScanError`, never an empty report.
public enum GitScanSession {
    public static func run(_ request: ScanRequest) throws -> (ScanReport, Configuration) {
        let clock = ContinuousClock.now
        var report: ScanReport
        let configuration: Configuration
        let root: String
        var gate: RangeGate?
        switch request.mode {
        case .staged(let wholeFiles):
            (report, configuration, root) = try StagedScan.run(request, wholeFiles: wholeFiles)
        case .history(let revisions):
            (report, configuration, root, gate) = try HistoryScan.run(request, revisions: revisions)
        case .tree:
            preconditionFailure("tree scans are run by ScanSession")
        }
        report.findings = FindingMerge.merge(report.findings)
        report.warnings = configuration.warnings + report.warnings
        if let gate {
            let baselines = try gate.baselines(explicit: request.baselinePath)
            report.findings.removeAll { f in f.category != .config && baselines.contains { $0.contains(f) } }
        } else {
            try applyBaselines(&report, explicit: request.baselinePath, root: root)
        }
        report.sortFindings()
        let elapsed = ContinuousClock.now - clock
        report.summary.durationMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return (report, configuration)
    }

    /// `--baseline FILE`, plus a `.gitleaksignore` at the repository root, which gitleaks users
    /// already keep there.
    static func applyBaselines(_ report: inout ScanReport, explicit: String?, root: String) throws(ConfigError) {
        var baselines: [Baseline] = []
        if let explicit { baselines.append(try Baseline.load(explicit)) }
        let ignoreFile = joinPath(root, ".gitleaksignore")
        if isRegularFile(ignoreFile) && explicit.map({ resolvedPath($0) != resolvedPath(ignoreFile) }) ?? true {
            baselines.append(try Baseline.load(ignoreFile))
        }
        guard !baselines.isEmpty else { return }
        report.findings.removeAll { f in baselines.contains { $0.contains(f) } }
    }
}

/// Scans what `git commit` would record: the blobs in the index, never the working tree.
enum StagedScan {
    static func run(_ request: ScanRequest, wholeFiles: Bool) throws -> (ScanReport, Configuration, String) {
        let directory = request.paths.first ?? "."
        // Three git processes, started together so their start-up costs overlap.
        let topLevel = try GitProcess(["rev-parse", "--show-toplevel"], in: directory)
        var diffArguments = ["diff", "--cached", "--raw", "-z", "--no-abbrev", "--full-index", "-M",
                             "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
                             "--ignore-submodules=none", "--submodule=short"]
        // -U0 and no fusing of nearby hunks (diff.interHunkContext), so every line that a hunk
        // header covers is an added one.
        if !wholeFiles { diffArguments += ["-p", "-U0", "--inter-hunk-context=0", "--src-prefix=a/", "--dst-prefix=b/"] }
        let diff = try GitProcess(diffArguments, in: directory)
        var lanes = try BlobLanes(directory: directory, count: 1, maxSize: request.options.maxFileSize)

        let rootBytes = try topLevel.readAll()
        do { try topLevel.finish() } catch {
            throw ScanError("--staged needs a git work tree: \(error)")
        }
        let root = String(decoding: rootBytes, as: UTF8.self).trimmingLineBreak()
        let configuration = try request.selection.apply(to: ConfigLoader.load(explicitPath: request.configPath, root: root))
        // The same content checks as a tree scan (secrets, then AI backoff), on the added lines.
        let checks = try ScanSession.contentChecks(configuration, options: request.options)
        let detector = try checks.compactMap({ $0 as? Detector }).first ?? Detector(configuration: configuration)
        let output = try diff.readAll()
        try diff.finish()
        let staged = try StagedDiff.parse(output)
        let own = ownRepositoryPaths(configuration, baseline: request.baselinePath, root: root)

        var report = ScanReport()
        struct Unit { var id: ObjectID; var path: String; var lines: LineSet? }
        var units: [Unit] = []
        let scratch = DetectorScratch()
        for change in staged.changes {
            switch change.status {
            case UInt8(ascii: "D"): continue
            case UInt8(ascii: "U"):
                report.warnings.append("\(change.path): unmerged; resolve the conflict and stage the result")
                continue
            default: break
            }
            // Staging a .env file is the leak itself, whatever its lines say.
            if configuration.dotenv.enabled && DotenvCheck.isDotenvName(change.path) {
                report.findings += DotenvCheck.apply(configuration.dotenv, to: [
                    DotenvCheck.trackedFinding(path: change.path, displayCommand: change.path, staged: true)])
            }
            if change.newMode == StagedDiff.modeSubmodule {
                report.warnings.append("\(change.path): submodule skipped (scan it in its own repository)")
                report.summary.skipped.append(SkippedFile(path: change.path, reason: .special, detail: "submodule"))
                continue
            }
            if change.newMode == StagedDiff.modeSymlink {
                report.summary.skipped.append(SkippedFile(path: change.path, reason: .symlink, detail: "symbolic link"))
                continue
            }
            guard change.newMode & 0o170000 == 0o100000, !change.newID.isZero else { continue }
            if own.contains(change.path) || detector.isPathAllowed(change.path, scratch: scratch) { continue }
            var lines: LineSet?
            if !wholeFiles {
                // No patch: a pure rename or a mode change, so nothing was added.
                guard let patch = staged.patch(for: change) else { continue }
                if !patch.binary {
                    if patch.added.isEmpty { continue }
                    lines = LineSet(patch.added)
                }
                // git's "binary" can be a `-diff` attribute on a text file: then the whole file is new to us.
            }
            units.append(Unit(id: change.newID, path: change.path, lines: lines))
        }

        if units.count >= 256 && request.options.threads > 1 {
            lanes = try BlobLanes(directory: directory, count: min(request.options.threads, 8), maxSize: request.options.maxFileSize)
        }
        let scratches = (0..<lanes.count).map { _ in DetectorScratch() }
        let merged = Mutex(ScanReport())
        let laneCount = lanes.count
        let shared = UncheckedBox((units, scratches))
        let lanesRef = lanes
        try lanes.run(produce: { () throws(ScanError) in
            for (i, unit) in units.enumerated() {
                try lanesRef.request(unit.id, tag: i, path: unit.path, lane: i % laneCount)
            }
        }, consume: { lane, tag, path, content in
            let (units, scratches) = shared.value
            var part = ScanReport()
            scanBlob(content, path: path, lines: units[tag].lines, commit: nil, checks: checks,
                     scratch: scratches[lane], into: &part)
            merged.withLock { $0.absorb(part) }
        })
        report.absorb(merged.withLock { $0 })
        report.summary.skipped.sort { $0.path < $1.path }
        return (report, configuration, root)
    }
}

/// Scans one blob the way the tree scan scans one file: binary files (a NUL in the first 8000
/// bytes) and files over the size limit are skipped and listed.
func scanBlob(_ content: BlobContent, path: String, lines: LineSet?, commit: CommitInfo?, detector: Detector,
              scratch: DetectorScratch, into report: inout ScanReport, skippedDetail: String = "") {
    scanBlob(content, path: path, lines: lines, commit: commit, checks: [detector], scratch: scratch, into: &report,
             skippedDetail: skippedDetail)
}

func scanBlob(_ content: BlobContent, path: String, lines: LineSet?, commit: CommitInfo?, checks: [any ContentCheck],
              scratch: DetectorScratch, into report: inout ScanReport, skippedDetail: String = "") {
    switch content {
    case .tooLarge(let size):
        report.summary.skipped.append(SkippedFile(path: path, reason: .tooLarge,
                                                  detail: "\(size) bytes" + (skippedDetail.isEmpty ? "" : ", " + skippedDetail)))
    case .bytes(let bytes) where ArchiveReader.isArchive(path):
        // A committed archive: its text members are scanned like files (two levels deep).
        var limits = ArchiveReader.Limits()
        limits.maxMemberSize = ScanOptions.defaultMaxFileSize
        var reader = ArchiveReader(limits: limits, compressedSize: bytes.count)
        reader.read(bytes, name: path) { memberPath, member in
            guard !looksBinary(member) else { return }
            report.summary.files += 1
            report.summary.bytes += member.count
            runChecks(checks, Fragment(bytes: member, path: memberPath, commit: commit, lines: nil), scratch: scratch, into: &report)
        }
        report.summary.skipped += reader.skipped
        report.warnings += reader.warnings
    case .bytes(let bytes):
        if looksBinary(bytes) {
            report.summary.skipped.append(SkippedFile(path: path, reason: .binary, detail: skippedDetail))
            return
        }
        report.summary.files += 1
        report.summary.bytes += bytes.count
        runChecks(checks, Fragment(bytes: bytes, path: path, commit: commit, lines: lines), scratch: scratch, into: &report)
    }
}

/// Every check that wants the fragment's path, its results added to `report`: the one loop
/// that tree, staged, history, archive and stdin scans share.
func runChecks(_ checks: [any ContentCheck], _ fragment: Fragment, scratch: DetectorScratch, into report: inout ScanReport) {
    for check in checks where check.wants(path: fragment.path) {
        let result = check.check(fragment, scratch: scratch)
        report.findings += result.findings
        report.warnings += result.warnings
        report.facts += result.facts
    }
}

/// Hands a value that is only read, or only touched by one thread at a time, to worker threads.
final class UncheckedBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

func resolvedPath(_ path: String) -> String {
    guard let p = realpath(path, nil) else { return path }
    defer { free(p) }
    return String(cString: p)
}

/// leakguard's own files inside the repository (its configuration, the baseline, the
/// `.gitleaksignore`), as repository paths: like the tree scan, the git scans skip them.
func ownRepositoryPaths(_ configuration: Configuration, baseline: String?, root: String) -> Set<String> {
    let top = resolvedPath(root)
    var out = Set<String>()
    for file in configuration.loadedFrom + [baseline, joinPath(root, ".gitleaksignore")].compactMap({ $0 }) {
        let full = resolvedPath(file)
        if full.hasPrefix(top + "/") { out.insert(String(full.dropFirst(top.count + 1))) }
    }
    return out
}
