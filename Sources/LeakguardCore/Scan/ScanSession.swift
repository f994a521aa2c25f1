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
    public init() {}
}

/// Runs a scan request end to end: configuration, checks, sources, suppressions.
public enum ScanSession {
    /// Loads the configuration that applies to `request`.
    public static func configuration(for request: ScanRequest) throws(ConfigError) -> Configuration {
        try ConfigLoader.load(explicitPath: request.configPath, root: request.paths.first ?? ".")
    }

    public static func run(_ request: ScanRequest) throws -> (ScanReport, Configuration) {
        if request.mode != .tree { return try GitScanSession.run(request) }
        let configuration = try configuration(for: request)
        let paths = request.paths.isEmpty ? ["."] : request.paths
        // gitleaks keeps its ignore file at the root it scans; so do we (the first root).
        let baselineRoot = isDirectory(paths[0]) ? paths[0] : parentDirectory(of: paths[0])
        let scanner = Scanner(checks: try contentChecks(configuration, scanRoots: paths), options: request.options,
                              ownFiles: configuration.loadedFrom + (request.baselinePath.map { [$0] } ?? [])
                                + [joinPath(baselineRoot, ".gitleaksignore")])
        var report = ScanReport()
        let clock = ContinuousClock.now
        for path in paths {
            let prefix = paths.count > 1 ? (path.hasSuffix("/") ? path : path + "/") : ""
            // One ignore stack per root serves the walk and the .env check alike.
            let stack = isDirectory(path) ? IgnoreStack.forDirectory(path) : nil
            let part = try scanner.scanTree(root: path, displayPrefix: stack != nil ? prefix : (paths.count > 1 ? path : ""),
                                            stack: request.options.useGitIgnore ? stack : nil)
            // The .env usage probe's findings are evidence for the .env check, not results.
            var own = part.report
            let probes = own.findings.filter { $0.ruleID == DotenvUsageProbe.ruleID }
                .map { var p = $0; p.path = String(p.path.dropFirst(prefix.count)); return p }
            own.findings.removeAll { $0.ruleID == DotenvUsageProbe.ruleID }
            report.absorb(own)
            if let stack, configuration.dotenv.enabled {
                var dotenv = DotenvCheck.checkTree(files: part.files, scanRoot: path, stack: stack, settings: configuration.dotenv, probes: probes)
                if request.fix && !dotenv.isEmpty {
                    let changes = try DotenvFix.apply(findings: dotenv, files: part.files, scanRoot: path, stack: stack)
                    report.fixes += changes.map { prefix + $0.description }
                    // Judge again with the repaired ignore files.
                    dotenv = DotenvCheck.checkTree(files: part.files, scanRoot: path, stack: IgnoreStack.forDirectory(path), settings: configuration.dotenv, probes: probes)
                }
                for var f in dotenv {
                    f.path = prefix + f.path
                    report.findings.append(f)
                }
            }
        }
        try GitScanSession.applyBaselines(&report, explicit: request.baselinePath, root: baselineRoot)
        report.sortFindings()
        let elapsed = ContinuousClock.now - clock
        report.summary.durationMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return (report, configuration)
    }

    /// The checks that read file contents, in report order: secret rules, then AI backoff.
    /// `scanRoots` (a tree scan's paths) let the AI check read the dependency files beside them.
    public static func contentChecks(_ configuration: Configuration, scanRoots: [String] = []) throws(ConfigError) -> [any ContentCheck] {
        // The other checks' trigger words ride along in the detector's single keyword pass.
        var ai = configuration.ai.enabled ? AIBackoffCheck(settings: configuration.ai, scanRoots: scanRoots) : nil
        var extra: [String] = []
        if var check = ai { check.triggerOffset = extra.count; extra += check.triggerWords.map(\.word); ai = check }
        var probe = configuration.dotenv.enabled ? DotenvUsageProbe() : nil
        if probe != nil { probe!.triggerOffset = extra.count; extra.append("dotenv") }
        var checks: [any ContentCheck] = [try Detector(configuration: configuration, extraKeywords: extra)]
        if let ai { checks.append(ai) }
        if let probe { checks.append(probe) }
        return checks
    }

    /// Rule descriptions for reports: every configured secret rule, then the .env and AI rules.
    public static func ruleMetadata(_ configuration: Configuration) -> [RuleMetadata] {
        configuration.rules.map {
            RuleMetadata(id: $0.id, category: .secret, severity: $0.severity, description: $0.description, tags: $0.tags)
        } + DotenvCheck.rules + AIBackoffCheck.rules
    }
}

/// Fingerprints of findings a team has accepted (`leakguard baseline create`); matching findings
/// are not reported again. A gitleaks `.gitleaksignore` line (`[commit:]path:rule:line`) works too.
public struct Baseline: Sendable {
    public var fingerprints: Set<String>

    public init(fingerprints: Set<String>) { self.fingerprints = fingerprints }

    public func contains(_ f: Finding) -> Bool {
        fingerprints.contains(f.fingerprint) || fingerprints.contains(f.gitleaksFingerprint)
    }

    public static func load(_ path: String) throws(ConfigError) -> Baseline {
        guard let text = readTextFile(path) else {
            throw ConfigError(file: path, message: "cannot read baseline (\(errnoDescription()))")
        }
        let trimmed = text.trimmed()
        if trimmed.hasPrefix("{") {
            // Our own format; parsed loosely: every "fingerprint": "…" value counts.
            var set = Set<String>()
            var rest = Substring(trimmed)
            while let r = rest.range(of: "\"fingerprint\"") {
                rest = rest[r.upperBound...]
                guard let q1 = rest.firstIndex(of: "\"") else { break }
                let after = rest[rest.index(after: q1)...]
                guard let q2 = after.firstIndex(of: "\"") else { break }
                set.insert(String(after[..<q2]))
                rest = after[after.index(after: q2)...]
            }
            if set.isEmpty && !trimmed.contains("\"findings\"") {
                throw ConfigError(file: path, message: "not a leakguard baseline (no \"findings\" list)")
            }
            return Baseline(fingerprints: set)
        }
        var set = Set<String>()
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let l = String(line).trimmed()
            if l.isEmpty || l.hasPrefix("#") { continue }
            set.insert(l)
        }
        return Baseline(fingerprints: set)
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
