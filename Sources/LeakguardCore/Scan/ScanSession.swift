import LeakguardBase
import GitIgnore

/// What to scan and how: the one description of a scan that the CLI, hooks and tests build.
public struct ScanRequest: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Files in the given paths (working tree or any directory).
        case tree
        /// What `git commit` would record: the index's blobs, only lines the staged diff adds
        /// unless `wholeFiles` (`--staged`). The first path names the repository.
        case staged(wholeFiles: Bool)
        /// Commits of a git history (`--git`, `--all`, `--range`, `--since-commit`).
        case history(GitRevisions)
    }
    public var paths: [String] = ["."]
    public var configPath: String?
    public var mode: Mode = .tree
    public var options = ScanOptions()
    public var baselinePath: String?
    /// Repair what is safe to repair (.gitignore entries for .env files) before reporting.
    public var fix = false
    /// Where a range scan reads its configuration, ignore file and baseline: the range's base
    /// (the default: a pull request cannot loosen the gate that judges it) or the work tree.
    public enum ConfigSource: String, Sendable { case base, head }
    public var configFrom: ConfigSource = .base
    /// The path findings name for content read from standard input (`scan -`).
    public var stdinName = "stdin"
    /// `--enable-rule`, `--disable-rule`, `--exclude`: applied to whichever configuration loads.
    public var selection = RuleSelection()
    public init() {}
}

/// Runs a scan request end to end, the same way for every source: the source says where it
/// stands, one plan is built (configuration, checks, own files, baselines), the source reads its
/// fragments through the plan's checks, and the plan's one wrap-up finishes the report.
public enum ScanSession {
    /// `checks`, when given, replaces the configured content checks (and the tree-wide .env
    /// check): the AI inventory reads a tree this way, with the same walk, ignore rules,
    /// configuration and own files as a scan. It gets the loaded configuration and the scan roots.
    public static func run(_ request: ScanRequest,
                           checks: ((Configuration, [String]) throws -> [any ContentCheck])? = nil) throws -> (ScanReport, Configuration) {
        let source = self.source(for: request)
        let started = ContinuousClock.now
        let plan = try ScanPlan(request, source.locate(request), checks: checks)
        var report = try source.scan(plan)
        plan.wrapUp(&report, started: started)
        return (report, plan.configuration)
    }

    static func source(for request: ScanRequest) -> any ScanSource {
        switch request.mode {
        case .tree: request.paths == ["-"] ? StandardInputSource() : TreeSource()
        case .staged(let wholeFiles): StagedSource(wholeFiles: wholeFiles)
        case .history(let revisions): HistorySource(revisions: revisions)
        }
    }

    /// The checks that read file contents, in report order: secret rules, then AI backoff.
    /// `scanRoots` (a tree scan's paths) let the AI check read the dependency files beside them.
    public static func contentChecks(_ configuration: Configuration, options: ScanOptions = ScanOptions(), scanRoots: [String] = []) throws(ConfigError) -> [any ContentCheck] {
        // The other checks' trigger words ride along in the detector's single keyword pass.
        var ai = configuration.ai.enabled ? AIBackoffCheck(settings: configuration.ai, scanRoots: scanRoots) : nil
        var extra: [String] = []
        if var check = ai { check.triggerOffset = extra.count; extra += check.triggerWords.map(\.word); ai = check }
        var probe = configuration.dotenv.enabled ? DotenvUsageProbe() : nil
        if probe != nil { probe!.triggerOffset = extra.count; extra.append("dotenv") }
        // `--threads 1` means one thread: no second one for a large file either.
        var checks: [any ContentCheck] = [try Detector(configuration: configuration, extraKeywords: extra, maxDecodeDepth: options.maxDecodeDepth,
                                                       splitsLargeFragments: options.threads > 1)]
        if let ai { checks.append(ai) }
        if let probe { checks.append(probe) }
        return checks
    }

    /// Rule descriptions for reports: every configured secret rule, then the .env and AI rules.
    public static func ruleMetadata(_ configuration: Configuration) -> [RuleMetadata] {
        configuration.rules.map {
            RuleMetadata(id: $0.id, category: .secret, severity: $0.severity, description: $0.description, tags: $0.tags,
                         rotate: $0.rotate, helpUri: $0.origin.hasPrefix("rules/") ? leakguardDocsURL + "/" + $0.origin : nil)
        } + DotenvCheck.rules + AIBackoffCheck.rules + [RangeGate.rule]
    }
}

/// Fingerprints of findings a team has accepted (`leakguard baseline create`); matching findings
/// are not reported again. A gitleaks `.gitleaksignore` line (`[commit:]path:rule:line`) works too.
public struct Baseline: Sendable {
    public var fingerprints: Set<String>

    public init(fingerprints: Set<String>) { self.fingerprints = fingerprints }

    public func contains(_ f: Finding) -> Bool {
        f.suppressionKeys.contains { fingerprints.contains($0) }
    }

    public static func load(_ path: String) throws(ConfigError) -> Baseline {
        try parse(try readBaselineText(path), file: path)
    }

    static func readBaselineText(_ path: String) throws(ConfigError) -> String {
        let text: String
        switch readRegularFile(path) {
        case .success(let bytes): text = String(decoding: bytes, as: UTF8.self)
        case .failure(let error):
            throw ConfigError(file: path, message: fileExists(path) ? "cannot read baseline: \(error)" : "baseline file not found")
        }
        return text
    }

    /// A baseline from its text; `file` names it in errors. Three forms load: leakguard's own
    /// baseline (`{"findings": [{"fingerprint": …}]}`), a gitleaks JSON report (`[{"Fingerprint":
    /// "commit:file:rule:line", …}]`) and ignore-file lines (`[commit:]file:rule:line` or a
    /// leakguard fingerprint). Anything else is an error, never a baseline that silently
    /// suppresses nothing.
    public static func parse(_ text: String, file path: String) throws(ConfigError) -> Baseline {
        let trimmed = text.trimmed()
        if trimmed.hasPrefix("{") {
            let set = stringValues(of: "\"fingerprint\"", in: trimmed)
            if set.isEmpty && !trimmed.contains("\"findings\"") {
                throw ConfigError(file: path, message: "not a leakguard baseline (no \"findings\" list) nor a gitleaks report")
            }
            return Baseline(fingerprints: set)
        }
        if trimmed.hasPrefix("[") {
            let set = stringValues(of: "\"Fingerprint\"", in: trimmed)
            let empty = trimmed.dropFirst().trimmingPrefix(while: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }).hasPrefix("]")
            if set.isEmpty && !empty {
                throw ConfigError(file: path, message: "a JSON array without \"Fingerprint\" fields: not a gitleaks report (create a baseline with `leakguard baseline create` or `gitleaks detect --report-format json`)")
            }
            return Baseline(fingerprints: set)
        }
        var set = Set<String>()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = String(line).trimmed()
            if l.isEmpty || l.hasPrefix("#") { continue }
            guard isIgnoreEntry(l) else {
                throw ConfigError(file: path, message: "line \(number + 1) is neither a leakguard fingerprint nor a gitleaks ignore entry ([commit:]file:rule-id:line): \(escapeControls(String(l.prefix(80))))")
            }
            set.insert(l)
        }
        return Baseline(fingerprints: set)
    }

    /// A 32-hex leakguard fingerprint, or gitleaks' `[commit:]file:rule:line`.
    static func isIgnoreEntry(_ line: String) -> Bool {
        let bytes = Array(line.utf8)
        if bytes.count == 32 && bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) { return true }
        let parts = line.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.allSatisfy(\.isNumber) else { return false }
        return !parts[parts.count - 2].isEmpty
    }

    /// Every string value of `key` in loosely read JSON text.
    static func stringValues(of key: String, in text: String) -> Set<String> {
        var set = Set<String>()
        var rest = Substring(text)
        while let r = rest.range(of: key) {
            rest = rest[r.upperBound...]
            guard let q1 = rest.firstIndex(of: "\"") else { break }
            let after = rest[rest.index(after: q1)...]
            guard let q2 = after.firstIndex(of: "\"") else { break }
            set.insert(String(after[..<q2]))
            rest = after[after.index(after: q2)...]
        }
        return set
    }

    /// The baseline file for `findings`: fingerprints and where they were, never the secrets.
    public static func document(for findings: [Finding]) -> String {
        JSONValue.object([
            ("tool", .string("leakguard")),
            ("version", .int(1)),
            ("findings", .array(findings.map { f in
                .object([("fingerprint", .string(f.fingerprint)), ("rule", .string(f.ruleID)),
                         ("file", .string(f.path)), ("line", .int(f.line))]
                        + (f.commit.map { [("commit", JSONValue.string($0.commit))] } ?? []))
            })),
        ]).render()
    }
}
