import LeakguardBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a report describes: which roots were scanned, how, with which rules, and when. The JSON
/// report carries it so that an audit report built later (`report merge`, `--format html`) can
/// say what was scanned.
public struct ScanDescription: Sendable, Equatable {
    /// The paths as given on the command line.
    public var roots: [String] = []
    /// The repository's name (the scanned directory's name) when one root was scanned; findings
    /// of a merged report name theirs instead.
    public var repository: String?
    /// `tree`, `staged`, `history`, or `merged` for a merged report.
    public var mode = "tree"
    /// History scans: the revisions as `git rev-list` takes them (`HEAD`, `--all`, `A..B`).
    public var revisions: [String] = []
    /// Where the rules came from (`built-in` or the config files), how many, and a digest of
    /// their ids and patterns, so two reports can be seen to use the same rules.
    public var rulesSource = ""
    public var ruleCount = 0
    public var rulesDigest = ""
    /// UTC, ISO 8601 (`2025-01-31T12:00:00Z`).
    public var startedAt = ""
    /// The lowest severity that fails the scan (the exit-code threshold).
    public var failOn: Severity = .warning
    /// A merged report's parts, one per input report.
    public var parts: [ReportPart] = []

    public init() {}

    /// Describes `request` run with `configuration`, started at `startedAt`.
    public init(request: ScanRequest, configuration: Configuration, startedAt: String, failOn: Severity = .warning) {
        roots = request.paths.isEmpty ? ["."] : request.paths
        if roots.count == 1 { repository = realPath(roots[0]).map(basename) ?? basename(roots[0]) }
        switch request.mode {
        case .tree: mode = "tree"
        case .staged: mode = "staged"
        case .history(let revisions):
            mode = "history"
            var described = revisions.ranges
            if let since = revisions.sinceCommit { described.append("\(since)..\(revisions.allRefs ? "--all" : "HEAD")") }
            if described.isEmpty { described = [revisions.allRefs ? "--all" : "HEAD"] }
            self.revisions = described
        }
        rulesSource = configuration.loadedFrom.isEmpty ? "built-in" : configuration.loadedFrom.joined(separator: ", ")
        ruleCount = configuration.rules.count
        var material: [UInt8] = []
        for rule in configuration.rules {
            material += Array(rule.id.utf8); material.append(0)
            material += Array(rule.regex.utf8); material.append(0)
        }
        rulesDigest = String(SHA256.hex(material).prefix(12))
        self.startedAt = startedAt
        self.failOn = failOn
    }

    /// The current time as ISO 8601 UTC.
    public static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

/// One input of a merged report: a repository, or one shard of one.
public struct ReportPart: Sendable, Equatable {
    public var repository: String
    /// The report file it was read from.
    public var source: String
    public var mode: String
    public var revisions: [String]
    public var startedAt: String
    public var files: Int
    public var bytes: Int
    public var commits: Int?
    public var findings: Int
    public var durationMs: Double
    public init(repository: String, source: String, mode: String, revisions: [String], startedAt: String,
                files: Int, bytes: Int, commits: Int?, findings: Int, durationMs: Double) {
        self.repository = repository; self.source = source; self.mode = mode; self.revisions = revisions
        self.startedAt = startedAt; self.files = files; self.bytes = bytes; self.commits = commits
        self.findings = findings; self.durationMs = durationMs
    }
}

extension ScanDescription {
    /// The JSON report's `scan` member.
    var json: JSONValue {
        var members: [(String, JSONValue)] = [("roots", .array(roots.map { .string($0) }))]
        if let repository { members.append(("repository", .string(repository))) }
        members += [
            ("mode", .string(mode)),
            ("revisions", .array(revisions.map { .string($0) })),
            ("rules", .object([("source", .string(rulesSource)), ("count", .int(ruleCount)), ("digest", .string(rulesDigest))])),
            ("startedAt", .string(startedAt)),
            ("failOn", .string(failOn.rawValue)),
        ]
        if !parts.isEmpty {
            members.append(("parts", .array(parts.map { p in
                var part: [(String, JSONValue)] = [
                    ("repository", .string(p.repository)), ("source", .string(p.source)), ("mode", .string(p.mode)),
                    ("revisions", .array(p.revisions.map { .string($0) })), ("startedAt", .string(p.startedAt)),
                    ("files", .int(p.files)), ("bytes", .int(p.bytes)), ("findings", .int(p.findings)),
                    ("durationMs", .double(p.durationMs)),
                ]
                if let c = p.commits { part.append(("commits", .int(c))) }
                return .object(part)
            })))
        }
        return .object(members)
    }
}
