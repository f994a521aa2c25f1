import LeakguardBase
import GitIgnore

/// Where a scan's content comes from: the working tree, the index, a commit history, standard
/// input (archive members and decoded spans are found inside any of them by the shared
/// `scanFragment`). A source first says where it stands, so the one plan can be built; then it
/// reads its fragments through the plan's checks. Adding a source is one type here plus one case
/// in `ScanSession.source(for:)`: configuration, own files, baselines, merging, sorting and timing
/// are the plan's.
protocol ScanSource: AnyObject {
    /// Where the configuration, `.gitleaksignore` and own files are looked for, and what the
    /// source itself must supply instead (a range scan's base configuration and baselines).
    func locate(_ request: ScanRequest) throws -> ScanLocation
    /// Every fragment through `plan.checks`, plus what only this source can judge (a staged or
    /// committed .env file, a range's config change).
    func scan(_ plan: ScanPlan) throws -> ScanReport
}

struct ScanLocation {
    /// The directory whose `.gitleaksignore` applies and against which own files are named:
    /// the repository root for git sources and for a subdirectory of a repository.
    var root: String
    /// Configuration the source read itself (nil: load from `root`).
    var configuration: Configuration?
    /// Baselines the source read itself (nil: `--baseline` plus `root/.gitleaksignore`).
    var baselines: [Baseline]?
    /// The tree roots, whose dependency files the AI check reads for version pins.
    var scanRoots: [String] = []
}

/// What a scan decides once, before reading any content, whatever the source: the configuration
/// (with `--enable-rule`/`--disable-rule`), the content checks, leakguard's own files and the
/// baselines; and the one wrap-up every report goes through.
public struct ScanPlan {
    public let request: ScanRequest
    public let configuration: Configuration
    public let checks: [any ContentCheck]
    /// Whether checks that judge a tree as a whole (the .env ignore-rule check) run: not when a
    /// caller brings its own checks.
    let treeWideChecks: Bool
    /// leakguard's own files (its configuration, the baseline, `.gitleaksignore`): never scanned.
    public let ownFiles: [String]
    let root: String
    let baselines: [Baseline]

    init(_ request: ScanRequest, _ location: ScanLocation,
         checks makeChecks: ((Configuration, [String]) throws -> [any ContentCheck])? = nil) throws {
        self.request = request
        root = location.root
        configuration = try request.selection.apply(
            to: location.configuration ?? ConfigLoader.load(explicitPath: request.configPath, root: location.root))
        if let makeChecks {
            checks = try makeChecks(configuration, location.scanRoots)
            treeWideChecks = false
        } else {
            checks = try ScanSession.contentChecks(configuration, options: request.options, scanRoots: location.scanRoots)
            treeWideChecks = true
        }
        ownFiles = configuration.loadedFrom + (request.baselinePath.map { [$0] } ?? []) + [joinPath(location.root, ".gitleaksignore")]
        baselines = try location.baselines ?? Self.loadBaselines(explicit: request.baselinePath, root: location.root)
    }

    /// The secret detector among the checks (the git sources ask it about paths and rules).
    var detector: Detector {
        get throws { try checks.lazy.compactMap({ $0 as? Detector }).first ?? Detector(configuration: configuration) }
    }

    /// The own files as repository paths (git sources name files that way).
    var ownRepositoryPaths: Set<String> {
        let top = resolvedPath(root)
        var out = Set<String>()
        for file in ownFiles {
            let full = resolvedPath(file)
            if full.hasPrefix(top + "/") { out.insert(String(full.dropFirst(top.count + 1))) }
        }
        return out
    }

    /// `--baseline FILE`, plus a `.gitleaksignore` at the root, which gitleaks users already keep
    /// there.
    static func loadBaselines(explicit: String?, root: String) throws(ConfigError) -> [Baseline] {
        var baselines: [Baseline] = []
        if let explicit { baselines.append(try Baseline.load(explicit)) }
        let ignoreFile = joinPath(root, ".gitleaksignore")
        if isRegularFile(ignoreFile) && explicit.map({ resolvedPath($0) != resolvedPath(ignoreFile) }) ?? true {
            baselines.append(try Baseline.load(ignoreFile))
        }
        return baselines
    }

    /// The one wrap-up: one finding per secret, configuration warnings first and the others in
    /// order (workers finish in any order; a report must not change from run to run), baselines
    /// (never over a range's config-change findings, which judge the gate itself), report order,
    /// timing.
    func wrapUp(_ report: inout ScanReport, started: ContinuousClock.Instant) {
        report.findings = FindingMerge.merge(report.findings)
        report.warnings = configuration.warnings + report.warnings.sorted()
        if !baselines.isEmpty {
            report.findings.removeAll { f in f.category != .config && baselines.contains { $0.contains(f) } }
        }
        report.summary.skipped.sort { $0.path < $1.path }
        report.sortFindings()
        let elapsed = ContinuousClock.now - started
        report.summary.durationMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}

/// Files and directories (`scan PATH...`): one walk per root with git's ignore rules, then the
/// tree-wide .env check on what the walk listed.
final class TreeSource: ScanSource {
    private var paths: [String] = []
    /// A subdirectory of a repository is scanned as part of it: paths relative to the
    /// repository root (so SARIF URIs resolve).
    private var repositoryPrefix = ""

    func locate(_ request: ScanRequest) throws -> ScanLocation {
        paths = request.paths.isEmpty ? ["."] : request.paths
        var repositoryRoot: String?
        if paths.count == 1, isDirectory(paths[0]), let top = IgnoreStack.forDirectory(paths[0]).workTreeRoot,
           let here = realPath(paths[0]), let topReal = realPath(top), here != topReal, here.hasPrefix(topReal + "/") {
            repositoryPrefix = String(here.dropFirst(topReal.count + 1)) + "/"
            repositoryRoot = top
        }
        // The scanned directory's own configuration, else (for a subdirectory) the repository
        // root's, as gitleaks does; the root's .gitleaksignore and baseline apply the same way.
        var configuration = try ConfigLoader.load(explicitPath: request.configPath, root: paths[0])
        if let repositoryRoot, request.configPath == nil, configuration.loadedFrom.isEmpty {
            configuration = try ConfigLoader.load(explicitPath: nil, root: repositoryRoot)
        }
        let root = repositoryRoot ?? (isDirectory(paths[0]) ? paths[0] : parentDirectory(of: paths[0]))
        return ScanLocation(root: root, configuration: configuration, scanRoots: paths)
    }

    func scan(_ plan: ScanPlan) throws -> ScanReport {
        let request = plan.request
        let scanner = Scanner(checks: plan.checks, options: request.options, ownFiles: plan.ownFiles)
        let configuration = plan.configuration
        var report = ScanReport()
        for path in paths {
            let prefix = paths.count > 1 ? (path.hasSuffix("/") ? path : path + "/") : repositoryPrefix
            // One ignore stack per root serves the walk and the .env check alike.
            let stack = isDirectory(path) ? IgnoreStack.forDirectory(path) : nil
            let part = try scanner.scanTree(root: path, displayPrefix: stack != nil ? prefix : (paths.count > 1 ? path : ""),
                                            stack: request.options.useGitIgnore ? stack : nil)
            // What the content pass saw of .env usage is evidence for the .env check.
            let probes = part.report.facts.compactMap { fact -> DotenvUsage? in
                guard case .dotenvUsage(var usage) = fact else { return nil }
                usage.path = String(usage.path.dropFirst(prefix.count))
                return usage
            }
            report.absorb(part.report)
            if let stack, plan.treeWideChecks, configuration.dotenv.enabled {
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
        return report
    }
}

/// `leakguard scan -`: one fragment from standard input, judged by the current directory's
/// configuration.
final class StandardInputSource: ScanSource {
    func locate(_ request: ScanRequest) throws -> ScanLocation {
        ScanLocation(root: ".")
    }

    func scan(_ plan: ScanPlan) throws -> ScanReport {
        try Scanner(checks: plan.checks, options: plan.request.options).scanStandardInput(name: plan.request.stdinName)
    }
}
