import LeakguardBase
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

/// A commit history (`--git`, `--all`, `--range`, `--since-commit`): audits, CI ranges,
/// pre-push. Every git failure is a `ScanError`, never an empty report. In a range whose base is
/// the judge (`--config-from base`), the configuration and baselines come from the base.
final class HistorySource: ScanSource {
    let revisions: GitRevisions
    private var directory = "."
    private var gate: RangeGate?

    init(revisions: GitRevisions) { self.revisions = revisions }

    func locate(_ request: ScanRequest) throws -> ScanLocation {
        directory = request.paths.first ?? "."
        let bare = try Git.line(["rev-parse", "--is-bare-repository"], in: directory) == "true"
        let root = bare ? directory : try Git.line(["rev-parse", "--show-toplevel"], in: directory)
        gate = try RangeGate.resolve(revisions, source: request.configFrom, directory: directory, root: root)
        return ScanLocation(root: root, configuration: try gate?.configuration(explicitPath: request.configPath),
                              baselines: try gate?.baselines(explicit: request.baselinePath))
    }

    func scan(_ plan: ScanPlan) throws -> ScanReport {
        try HistoryScan.run(plan, revisions: revisions, directory: directory, gate: gate)
    }
}

/// What `git commit` would record (`--staged`): the blobs in the index, never the working
/// tree; only the lines the staged diff adds unless `wholeFiles`.
final class StagedSource: ScanSource {
    let wholeFiles: Bool
    private var directory = "."
    private var diff: GitProcess?
    private var lanes: BlobLanes?

    init(wholeFiles: Bool) { self.wholeFiles = wholeFiles }

    func locate(_ request: ScanRequest) throws -> ScanLocation {
        directory = request.paths.first ?? "."
        // Three git processes, started together so their start-up costs overlap.
        let topLevel = try GitProcess(["rev-parse", "--show-toplevel"], in: directory)
        var diffArguments = ["diff", "--cached", "--raw", "-z", "--no-abbrev", "--full-index", "-M",
                             "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative",
                             "--ignore-submodules=none", "--submodule=short"]
        // -U0 and no fusing of nearby hunks (diff.interHunkContext), so every line that a hunk
        // header covers is an added one.
        if !wholeFiles { diffArguments += ["-p", "-U0", "--inter-hunk-context=0", "--src-prefix=a/", "--dst-prefix=b/"] }
        diff = try GitProcess(diffArguments, in: directory)
        lanes = try BlobLanes(directory: directory, count: 1, maxSize: request.options.maxFileSize)

        let rootBytes = try topLevel.readAll()
        do { try topLevel.finish() } catch {
            throw ScanError("--staged needs a git work tree: \(error)")
        }
        return ScanLocation(root: String(decoding: rootBytes, as: UTF8.self).trimmingLineBreak())
    }

    func scan(_ plan: ScanPlan) throws -> ScanReport {
        guard let diff, var lanes else { preconditionFailure("StagedSource.scan before locate") }
        let request = plan.request
        let configuration = plan.configuration
        // The same content checks as a tree scan (secrets, then AI backoff), on the added lines.
        let checks = plan.checks
        let detector = try plan.detector
        let output = try diff.readAll()
        try diff.finish()
        let staged = try StagedDiff.parse(output)
        let own = plan.ownRepositoryPaths

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
        let merged = Locked(ScanReport())
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
            scanBlob(content, path: path, lines: units[tag].lines, commit: nil, checks: checks, options: request.options,
                     scratch: scratches[lane], into: &part)
            merged.withLock { $0.absorb(part) }
        })
        report.absorb(merged.withLock { $0 })
        return report
    }
}

/// Scans one blob the way the tree scan scans one file: binary files (a NUL in the first 8000
/// bytes) and files over the size limit are skipped and listed; an archive's members are
/// scanned under the same limits as in the tree.
func scanBlob(_ content: BlobContent, path: String, lines: LineSet?, commit: CommitInfo?, detector: Detector,
              options: ScanOptions, scratch: DetectorScratch, into report: inout ScanReport, skippedDetail: String = "") {
    scanBlob(content, path: path, lines: lines, commit: commit, checks: [detector], options: options, scratch: scratch,
             into: &report, skippedDetail: skippedDetail)
}

func scanBlob(_ content: BlobContent, path: String, lines: LineSet?, commit: CommitInfo?, checks: [any ContentCheck],
              options: ScanOptions, scratch: DetectorScratch, into report: inout ScanReport, skippedDetail: String = "") {
    switch content {
    case .tooLarge(let size):
        report.summary.skipped.append(SkippedFile(path: path, reason: .tooLarge,
                                                  detail: "\(size) bytes" + (skippedDetail.isEmpty ? "" : ", " + skippedDetail)))
    case .bytes(let bytes) where options.maxArchiveDepth > 0 && ArchiveReader.isArchive(path):
        scanArchiveMembers(bytes, name: path, commit: commit, checks: checks, options: options, scratch: scratch, into: &report)
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

/// Every text member of an archive (nested archives to `--max-archive-depth`, members up to
/// `--max-file-size`), through `checks` as if each were a file: the one archive pass that tree,
/// staged, history and stdin scans share. Binary members (class files, images) are expected in
/// archives and passed over quietly; skipped members and warnings are reported.
func scanArchiveMembers(_ bytes: UnsafeBufferPointer<UInt8>, name: String, commit: CommitInfo?, checks: [any ContentCheck],
                        options: ScanOptions, scratch: DetectorScratch, into report: inout ScanReport) {
    var limits = ArchiveReader.Limits()
    limits.maxDepth = options.maxArchiveDepth
    limits.maxMemberSize = options.maxFileSize
    var reader = ArchiveReader(limits: limits, compressedSize: bytes.count)
    var part = ScanReport()
    reader.read(bytes, name: name) { memberPath, member in
        guard !looksBinary(member) else { return }
        part.summary.files += 1
        part.summary.bytes += member.count
        runChecks(checks, Fragment(bytes: member, path: memberPath, commit: commit, lines: nil), scratch: scratch, into: &part)
    }
    part.summary.skipped += reader.skipped
    part.warnings += reader.warnings
    report.absorb(part)
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
