import LeakguardBase
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Scans the commits of a history.
///
/// One `git log --raw` streams, for every commit, the file versions it wrote; each distinct blob
/// goes once to a `cat-file` lane and is scanned whole, however many commits contain it. Only
/// ids, paths and findings are kept, never file contents.
///
/// Attribution: a secret found in a file version that commit C wrote belongs to C unless the same
/// secret (rule and text) is already in one of the versions C replaced or deleted (its parents'
/// versions of the files it changed; for a merge, every parent's). So a commit that edits a file
/// which already holds a secret is not blamed, a rename or a move between files is not a new leak,
/// and a merge is blamed only for what none of its parents had (a conflict resolution). A secret
/// that was removed and later added again has two introducing commits; findings with the same
/// fingerprint (rule, path, secret) are then reported once, for the oldest of them.
enum HistoryScan {
    /// Consecutive blob requests that go to one cat-file lane before the next lane's turn: long
    /// enough to keep delta chains together, short enough that a small repository still keeps
    /// every lane busy (about eight runs per lane for the repository's object count).
    static func laneRun(objects: Int, lanes: Int) -> Int {
        min(1024, max(16, objects / max(1, lanes * 8)))
    }

    /// Objects in the repository (`git count-objects -v`), or nil.
    static func objectCount(_ directory: String) -> Int? {
        guard let text = Git.tryLine(["count-objects", "-v"], in: directory) else { return nil }
        var total = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0] == "count" || parts[0] == "in-pack" {
                total += Int(parts[1].trimmingPrefix(" ")) ?? 0
            }
        }
        return total
    }

    /// What a scan result depends on: the blob, and the path only when the configuration has
    /// path-dependent rules or allowlists (`path` is -1 otherwise).
    struct UnitKey: Hashable { var blob: ObjectID; var path: Int32 }

    /// A path that a commit changed, by unit index (`newUnit` -1 for a deletion).
    struct Change { var commit: Int32; var path: Int32; var newUnit: Int32; var oldStart: Int32; var oldCount: Int32 }

    /// Everything the walk keeps: ids and small integers per change, nothing of the contents.
    final class Walk {
        var commits: [ObjectID] = []
        var paths: [String] = []
        var pathIndex: [String: Int32] = [:]
        var pathAllowed: [Bool] = []
        /// Whether scan results at this path may differ from the same blob elsewhere.
        var pathKeyed: [Bool] = []
        var unitIndex: [UnitKey: Int32] = [:]
        var unitBlob: [ObjectID] = []
        var unitPath: [Int32] = []
        var unitQueued: [Bool] = []
        var changes: [Change] = []
        var olds: [Int32] = []
        var distinctBlobs = Set<ObjectID>()
        var queuedUnits = 0
        var laneRun = 1024
    }

    /// One lane's results (each lane writes only its own).
    final class LaneResult {
        var findings: [Int32: [Finding]] = [:]
        var report = ScanReport()
    }

    static func run(_ plan: ScanPlan, revisions: GitRevisions, directory: String, gate: RangeGate?) throws -> ScanReport {
        let request = plan.request
        let configuration = plan.configuration
        // The same content checks as a tree scan: secrets, then the AI check on Python files.
        let checks = plan.checks
        let detector = try plan.detector
        let sensitivity = ContextSensitivity(configuration)
        let own = plan.ownRepositoryPaths
        let (options, revs) = try revisions.arguments()

        let progress = HistoryProgress(enabled: isatty(2) == 1 && getenv("LEAKGUARD_NO_PROGRESS") == nil)
        let counter = progress.enabled
            ? try GitProcess(["rev-list", "--count"] + options + ["--end-of-options"] + revs, in: directory) : nil
        let log = try GitProcess(["log", "--format=%H", "--raw", "-z", "-c", "--no-renames", "--no-abbrev", "--root",
                                  "--no-show-signature", "--no-color", "--no-notes"] + options + ["--end-of-options"] + revs,
                                 in: directory)
        let lanes = try BlobLanes(directory: directory, count: request.options.threads, maxSize: request.options.maxFileSize)
        let results = (0..<lanes.count).map { _ in UncheckedBox(LaneResult()) }
        let scratches = UncheckedBox((0..<lanes.count).map { _ in DetectorScratch() })
        let walk = Walk()
        walk.laneRun = lanes.count > 1 ? laneRun(objects: objectCount(directory) ?? Int.max, lanes: lanes.count) : Int.max
        let scratch = DetectorScratch()

        do throws(ScanError) {
            try lanes.run(produce: { () throws(ScanError) in
                if let counter {
                    let text = String(decoding: try counter.readAll(), as: UTF8.self).trimmingLineBreak()
                    if counter.waitForExit() == 0 { progress.totalCommits = Int(text) }
                }
                try walkLog(log, into: walk, lanes: lanes, detector: detector, scratch: scratch,
                            sensitivity: sensitivity, skipping: own, progress: progress)
            }, whileWaiting: progress.enabled ? { progress.tick(commits: walk.commits.count, queued: walk.queuedUnits) } : nil,
            consume: { lane, tag, path, content in
                let result = results[lane].value
                var part = ScanReport()
                let bytes: Int
                if case .bytes(let b) = content { bytes = b.count } else { bytes = 0 }
                scanBlob(content, path: path, lines: nil, commit: nil, checks: checks, options: request.options,
                         scratch: scratches.value[lane], into: &part, skippedDetail: "a version in the history")
                if !part.findings.isEmpty { result.findings[Int32(tag), default: []] += part.findings }
                result.report.warnings += part.warnings
                result.report.summary.files += part.summary.files
                result.report.summary.bytes += part.summary.bytes
                result.report.summary.skipped += part.summary.skipped
                progress.scanned(bytes: bytes)
            })
        } catch {
            progress.finish()
            // An unborn HEAD is the only "no commits" case: the ref name alone does not resolve.
            // (A damaged repository resolves the name but fails to read objects: git's own
            // message then says why.)
            if revs.contains("HEAD") && Git.tryLine(["rev-parse", "--verify", "-q", "HEAD"], in: directory) == nil
                && Git.tryLine(["symbolic-ref", "-q", "HEAD"], in: directory) != nil {
                throw ScanError("the repository has no commits yet, so there is no history to scan (--staged scans what is about to be committed)")
            }
            throw error
        }
        progress.finish()

        var report = ScanReport()
        var findings: [Int32: [Finding]] = [:]
        for r in results {
            findings.merge(r.value.findings) { $0 + $1 }
            report.absorb(r.value.report)  // lanes keep their findings apart, for attribution
        }
        report.summary.commits = walk.commits.count
        report.summary.blobs = sensitivity.path ? walk.distinctBlobs.count : walk.queuedUnits

        try readOlderVersions(walk, findings: &findings, directory: directory, checks: checks, options: request.options)
        var attributed = attribute(walk, findings: findings)
        // Every commit that added or changed a .env file put its keys in history, even if a
        // later commit deleted it.
        var dotenvChanges: [(commit: Int32, path: String)] = []
        if configuration.dotenv.enabled {
            for change in walk.changes where change.newUnit >= 0 {
                let path = walk.paths[Int(change.path)]
                if DotenvCheck.isDotenvName(path) { dotenvChanges.append((change.commit, path)) }
            }
        }
        let info = try commitInfo(Set(attributed.map(\.commit) + dotenvChanges.map(\.commit)).sorted().map { walk.commits[Int($0)] },
                                  directory: directory)
        if sensitivity.commit {
            attributed = try recheckWithCommits(attributed, walk: walk, info: info, directory: directory,
                                                detector: detector, options: request.options)
        }
        report.findings = attributed.map { a in
            var f = a.finding
            f.commit = info[walk.commits[Int(a.commit)]]
            if f.category == .secret, let rule = detector.rule(f.ruleID) { f.help = Detector.help(rule, inHistory: true) }
            return f
        }
        report.findings += DotenvCheck.apply(configuration.dotenv, to: dotenvChanges.map { change in
            DotenvCheck.trackedFinding(path: change.path, displayCommand: change.path, staged: false,
                                       commit: info[walk.commits[Int(change.commit)]])
        })
        if let gate { report.findings += try gate.changes(explicitConfig: request.configPath, explicitBaseline: request.baselinePath) }
        return report
    }

    /// Reads `git log --format=%H --raw -z -c` and requests every file version it introduces.
    /// Tokens are NUL-separated: a commit id; then entries ":<modes> <ids> <status>" (one colon per
    /// parent; merges list only paths that differ from every parent), each followed by its path.
    static func walkLog(_ log: GitProcess, into walk: Walk, lanes: BlobLanes, detector: Detector, scratch: DetectorScratch,
                        sensitivity: ContextSensitivity, skipping own: Set<String>, progress: HistoryProgress) throws(ScanError) {
        let pathSensitive = sensitivity.path
        let reader = PipeReader(fd: log.output, source: log.commandLine)
        var entry: (modes: [Int], ids: [ObjectID])?
        var currentCommit: Int32 = -1

        func unit(_ blob: ObjectID, _ path: Int32, queue: Bool) throws(ScanError) -> Int32 {
            // Keyed by path only where a path-scoped rule or allowlist applies to that path.
            let key = UnitKey(blob: blob, path: pathSensitive && walk.pathKeyed[Int(path)] ? path : -1)
            let index: Int32
            if let existing = walk.unitIndex[key] {
                index = existing
            } else {
                index = Int32(walk.unitBlob.count)
                walk.unitIndex[key] = index
                walk.unitBlob.append(blob)
                walk.unitPath.append(path)
                walk.unitQueued.append(false)
            }
            if queue && !walk.unitQueued[Int(index)] {
                walk.unitQueued[Int(index)] = true
                // Runs of consecutive requests per lane: a blob's delta base is usually a blob
                // requested just before it (whatever its path), and each cat-file has its own
                // delta-base cache. Interleaving lanes blob by blob doubles git's inflating.
                let lane = (walk.queuedUnits / walk.laneRun) % lanes.count
                walk.queuedUnits += 1
                if pathSensitive { walk.distinctBlobs.insert(blob) }
                try lanes.request(blob, tag: Int(index), path: walk.paths[Int(path)], lane: lane)
            }
            return index
        }

        while let raw = try reader.token(until: 0) {
            if let e = entry {
                entry = nil
                let path = raw.string
                let pathIndex: Int32
                if let p = walk.pathIndex[path] { pathIndex = p } else {
                    pathIndex = Int32(walk.paths.count)
                    walk.pathIndex[path] = pathIndex
                    walk.paths.append(path)
                    walk.pathAllowed.append(own.contains(path) || detector.isPathAllowed(path, scratch: scratch))
                    walk.pathKeyed.append(pathSensitive && sensitivity.dependsOnPath(path, scratch: scratch.match))
                }
                if walk.pathAllowed[Int(pathIndex)] { continue }
                let oldStart = Int32(walk.olds.count)
                for i in 0..<(e.ids.count - 1) where !e.ids[i].isZero && isFileMode(e.modes[i]) {
                    walk.olds.append(try unit(e.ids[i], pathIndex, queue: false))
                }
                let new = e.ids[e.ids.count - 1]
                let newUnit = !new.isZero && isFileMode(e.modes[e.modes.count - 1]) ? try unit(new, pathIndex, queue: true) : -1
                let oldCount = Int32(walk.olds.count) - oldStart
                if newUnit >= 0 || oldCount > 0 {
                    walk.changes.append(Change(commit: currentCommit, path: pathIndex, newUnit: newUnit,
                                               oldStart: oldStart, oldCount: oldCount))
                }
                continue
            }
            var token = raw
            while token.first == 10 { token = UnsafeBufferPointer(rebasing: token[1...]) }
            if token.isEmpty { continue }
            if token.first == UInt8(ascii: ":") {
                entry = try parseEntry(token)
                continue
            }
            guard let id = ObjectID(hex: token) else {
                throw ScanError("\(reader.source): unexpected output '\(token.string.prefix(80))'")
            }
            currentCommit = Int32(walk.commits.count)
            walk.commits.append(id)
            if progress.enabled && walk.commits.count % 64 == 0 {
                progress.tick(commits: walk.commits.count, queued: walk.queuedUnits)
            }
        }
        if entry != nil { throw ScanError("\(reader.source): output ended inside an entry") }
        try log.finish()
    }

    static func parseEntry(_ token: UnsafeBufferPointer<UInt8>) throws(ScanError) -> (modes: [Int], ids: [ObjectID]) {
        var colons = 0
        while colons < token.count && token[colons] == UInt8(ascii: ":") { colons += 1 }
        let fields = UnsafeBufferPointer(rebasing: token[colons...]).split(separator: 32)
        let sides = colons + 1
        guard fields.count == 2 * sides + 1 else {
            throw ScanError("cannot read `git log --raw` output: unexpected entry '\(token.string)'")
        }
        var modes: [Int] = [], ids: [ObjectID] = []
        for i in 0..<sides {
            guard let mode = parseOctal(fields[i]), let id = ObjectID(hex: UnsafeBufferPointer(rebasing: fields[sides + i])) else {
                throw ScanError("cannot read `git log --raw` output: unexpected entry '\(token.string)'")
            }
            modes.append(mode)
            ids.append(id)
        }
        return (modes, ids)
    }

    /// Regular and executable files; not symlinks, submodules or deletions.
    static func isFileMode(_ mode: Int) -> Bool { mode & 0o170000 == 0o100000 }

    /// Commits that wrote a version with findings are judged against the versions they replaced.
    /// Most of those were scanned already (an older commit in the walk introduced them); the
    /// rest (versions from before a range's start) are read now.
    static func readOlderVersions(_ walk: Walk, findings: inout [Int32: [Finding]], directory: String,
                                  checks: [any ContentCheck], options: ScanOptions) throws(ScanError) {
        let suspects = commitsWithFindings(walk, findings)
        var needed: [Int32] = []
        var seen = Set<Int32>()
        for change in walk.changes where suspects.contains(change.commit) {
            for i in change.oldStart..<(change.oldStart + change.oldCount) {
                let u = walk.olds[Int(i)]
                if !walk.unitQueued[Int(u)] && seen.insert(u).inserted { needed.append(u) }
            }
        }
        guard !needed.isEmpty else { return }
        let lanes = try BlobLanes(directory: directory, count: 1, maxSize: options.maxFileSize)
        let found = Locked<[Int32: [Finding]]>([:])
        let scratch = UncheckedBox(DetectorScratch())
        try lanes.run(produce: { () throws(ScanError) in
            for u in needed {
                try lanes.request(walk.unitBlob[Int(u)], tag: Int(u), path: walk.paths[Int(walk.unitPath[Int(u)])], lane: 0)
            }
        }, consume: { _, tag, path, content in
            var part = ScanReport()
            scanBlob(content, path: path, lines: nil, commit: nil, checks: checks, options: options, scratch: scratch.value, into: &part)
            if !part.findings.isEmpty { found.withLock { $0[Int32(tag)] = part.findings } }
        })
        findings.merge(found.withLock { $0 }) { $0 + $1 }
    }

    static func commitsWithFindings(_ walk: Walk, _ findings: [Int32: [Finding]]) -> Set<Int32> {
        var set = Set<Int32>()
        for change in walk.changes where change.newUnit >= 0 && findings[change.newUnit] != nil { set.insert(change.commit) }
        return set
    }

    struct Attributed {
        var finding: Finding
        var commit: Int32
        var unit: Int32
    }

    /// Applies the attribution rule described on `HistoryScan`.
    static func attribute(_ walk: Walk, findings: [Int32: [Finding]]) -> [Attributed] {
        // A secret is itself; a finding without one (the AI check's) is its rule and its code.
        func key(_ f: Finding) -> String { f.ruleID + "\u{0}" + (f.secret.isEmpty ? f.lineText.trimmed() : f.secret) }
        let suspects = commitsWithFindings(walk, findings)
        var replaced: [Int32: Set<String>] = [:]
        for change in walk.changes where suspects.contains(change.commit) {
            for i in change.oldStart..<(change.oldStart + change.oldCount) {
                for f in findings[walk.olds[Int(i)]] ?? [] { replaced[change.commit, default: []].insert(key(f)) }
            }
        }
        var attributed: [Attributed] = []
        for change in walk.changes where change.newUnit >= 0 {
            guard let found = findings[change.newUnit] else { continue }
            let before = replaced[change.commit] ?? []
            let path = walk.paths[Int(change.path)]
            // The blob was scanned under its first path; a member of an archive keeps its
            // `!member` part when the finding moves to this commit's path.
            let scanned = walk.paths[Int(walk.unitPath[Int(change.newUnit)])]
            for f in found where !before.contains(key(f)) {
                var target = path
                if f.path.hasPrefix(scanned + "!") { target = path + f.path.dropFirst(scanned.count) }
                attributed.append(Attributed(finding: f.path == target ? f : f.moved(to: target), commit: change.commit, unit: change.newUnit))
            }
        }
        // Commits are numbered in git log order, newest first: the oldest has the largest number.
        var oldest: [String: Int32] = [:]
        for a in attributed { oldest[a.finding.fingerprint] = max(oldest[a.finding.fingerprint] ?? -1, a.commit) }
        return attributed.filter { oldest[$0.finding.fingerprint] == $0.commit }
    }

    /// Author, email and date of the commits that findings belong to, in one `git log --stdin`.
    static func commitInfo(_ ids: [ObjectID], directory: String) throws(ScanError) -> [ObjectID: CommitInfo] {
        guard !ids.isEmpty else { return [:] }
        let process = try GitProcess(["log", "--no-walk=unsorted", "--stdin", "-z", "--no-show-signature",
                                      "--format=%H%x00%an%x00%ae%x00%aI"], in: directory, input: true)
        var input: [UInt8] = []
        for id in ids { id.appendHex(to: &input); input.append(10) }
        // git reads all of its input before it writes anything, so this cannot deadlock.
        try process.write(input)
        process.closeInput()
        let output = try process.readAll()
        try process.finish()
        let fields = output.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var info: [ObjectID: CommitInfo] = [:]
        var i = 0
        while i + 3 < fields.count {
            let hash = fields[i].trimmed()
            if let id = ObjectID(hash) {
                info[id] = CommitInfo(commit: hash, author: fields[i + 1], email: fields[i + 2], date: fields[i + 3])
            }
            i += 4
        }
        return info
    }

    /// With allowlists that name commits, each reported finding is checked again by scanning its
    /// file version as that commit's (a handful of blobs: only those with findings).
    static func recheckWithCommits(_ attributed: [Attributed], walk: Walk, info: [ObjectID: CommitInfo], directory: String,
                                   detector: Detector, options: ScanOptions) throws(ScanError) -> [Attributed] {
        struct Group: Hashable { var unit: Int32; var path: String; var commit: Int32 }
        let groups = Array(Set(attributed.map { Group(unit: $0.unit, path: $0.finding.path, commit: $0.commit) }))
        guard !groups.isEmpty else { return attributed }
        let lanes = try BlobLanes(directory: directory, count: 1, maxSize: options.maxFileSize)
        let confirmed = Locked(Set<String>())
        let scratch = UncheckedBox(DetectorScratch())
        let commits = groups.map { info[walk.commits[Int($0.commit)]] }
        try lanes.run(produce: { () throws(ScanError) in
            for (i, g) in groups.enumerated() { try lanes.request(walk.unitBlob[Int(g.unit)], tag: i, path: g.path, lane: 0) }
        }, consume: { _, tag, path, content in
            var part = ScanReport()
            scanBlob(content, path: path, lines: nil, commit: commits[tag], detector: detector, options: options, scratch: scratch.value, into: &part)
            confirmed.withLock { set in
                for f in part.findings { set.insert("\(tag)|\(f.ruleID)|\(f.line)|\(f.column)") }
            }
        })
        let index = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
        let ok = confirmed.withLock { $0 }
        return attributed.filter { a in
            guard a.finding.category == .secret else { return true }  // only secret rules see commits
            let tag = index[Group(unit: a.unit, path: a.finding.path, commit: a.commit)]!
            return ok.contains("\(tag)|\(a.finding.ruleID)|\(a.finding.line)|\(a.finding.column)")
        }
    }
}

/// Which parts of a configuration make a finding depend on more than the blob's content.
struct ContextSensitivity {
    /// Rules or allowlists that look at the path (beyond global allowlists that exclude whole
    /// paths, which the walk applies to each path before anything is read).
    var path: Bool
    /// Allowlists that name commits.
    var commit: Bool
    /// The path regexes of path-scoped rules and allowlists: a path none of them matches gets
    /// the same results as any other path holding the same blob.
    var pathPatterns: [Pattern] = []

    func dependsOnPath(_ path: String, scratch: MatchScratch) -> Bool {
        pathPatterns.isEmpty || pathPatterns.contains { $0.matches(path, scratch: scratch) }
    }

    init(_ c: Configuration) {
        let wholePathOnly: (Allowlist) -> Bool = { a in
            a.targetRules.isEmpty && (a.condition == .or || (a.regexes.isEmpty && a.stopwords.isEmpty && a.commits.isEmpty))
        }
        path = c.rules.contains { $0.path != nil || $0.allowlists.contains { !$0.paths.isEmpty } }
            || c.allowlists.contains { !$0.paths.isEmpty && !wholePathOnly($0) }
        commit = c.rules.contains { $0.allowlists.contains { !$0.commits.isEmpty } } || c.allowlists.contains { !$0.commits.isEmpty }
        var sources = c.rules.compactMap(\.path) + c.rules.flatMap { $0.allowlists.flatMap(\.paths) }
        sources += c.allowlists.filter { !wholePathOnly($0) }.flatMap(\.paths)
        var patterns: [Pattern] = []
        for source in Set(sources) {
            // A pattern that does not compile fails the detector's build first; be safe anyway.
            guard let p = try? Pattern(source) else { patterns = []; break }
            patterns.append(p)
        }
        pathPatterns = patterns
    }
}

extension Finding {
    /// The same finding at another path (a blob that several paths share); the fingerprint follows.
    func moved(to path: String) -> Finding {
        var f = self
        f.path = path
        f.fingerprint = Finding.fingerprint(rule: ruleID, path: path, content: secret.isEmpty ? lineText.trimmed() : secret)
        return f
    }
}

/// "1234/5678 commits, 90.1 MB, 210 MB/s, ETA 12s" on standard error, only for a terminal.
final class HistoryProgress: @unchecked Sendable {
    let enabled: Bool
    var totalCommits: Int?
    private let start = ContinuousClock.now
    private var lastPrint: ContinuousClock.Instant
    private let bytes = Atomic<Int>(0)
    private let blobs = Atomic<Int>(0)
    private var printed = false

    init(enabled: Bool) {
        self.enabled = enabled
        lastPrint = start
    }

    /// Lane threads, per blob.
    func scanned(bytes n: Int) {
        guard enabled else { return }
        bytes.add(n, ordering: .relaxed)
        blobs.add(1, ordering: .relaxed)
    }

    /// The walking thread only.
    func tick(commits: Int, queued: Int) {
        guard enabled else { return }
        let now = ContinuousClock.now
        guard now - lastPrint >= .milliseconds(200) else { return }
        lastPrint = now
        let elapsed = seconds(now - start)
        let done = bytes.load(ordering: .relaxed)
        let blobsDone = blobs.load(ordering: .relaxed)
        var line = "leakguard: \(commits)\(totalCommits.map { "/\($0)" } ?? "") commits, \(blobsDone) blobs, "
            + "\(megabytes(done)) MB, \(megabytes(Int(Double(done) / max(elapsed, 0.001)))) MB/s"
        if let total = totalCommits, total > 0, queued > 0, blobsDone > 0 {
            let fraction = min(1, Double(commits) / Double(total)) * Double(blobsDone) / Double(queued)
            if fraction > 0.01 { line += ", ETA \(Int((elapsed * (1 - fraction) / fraction).rounded()))s" }
        }
        FileHandleError.write("\r\u{1B}[K" + line)
        printed = true
    }

    func finish() {
        if printed { FileHandleError.write("\r\u{1B}[K") }
    }

    private func megabytes(_ n: Int) -> String {
        let mb = Double(n) / 1_000_000
        return String(Int(mb)) + "." + String(Int(mb * 10) % 10)
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

enum FileHandleError {
    static func write(_ s: String) { writeStandardError(s) }
}
