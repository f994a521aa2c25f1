import ArgumentParser
import LeakguardCore
#if canImport(Glibc)
import Glibc
#endif

/// Flags shared by every command that produces a report.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Output format: text, json, sarif, junit or html.")
    var format: ReportFormat = .text

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var reportPath: String?

    @Option(name: .long, help: "Percentage of each secret to hide (1-100; 100 hides it all). Default: a short prefix only.")
    var redact: Int?

    @Flag(name: .long, help: "Print secrets in full.")
    var noRedact = false

    @Flag(name: .long, help: "Never colour the text report (also: NO_COLOR).")
    var noColor = false

    func validate() throws {
        if let redact, !(0...100).contains(redact) {
            throw ValidationError("--redact takes a percentage from 0 to 100")
        }
        if noRedact && redact != nil { throw ValidationError("--no-redact and --redact cannot be used together") }
    }

    var redaction: Redaction {
        if noRedact { return .none }
        if let redact { return redact == 0 ? .none : .percent(redact) }
        return .prefix
    }

    /// Writes the report where asked; colour only for a terminal. Everything goes through
    /// `ReportOutput`, which redacts and guards; `detector` lets it find secrets in excerpts
    /// that no finding named.
    func emit(_ report: ScanReport, rules: [RuleMetadata], configuration: Configuration, secretsAlreadyRedacted: Bool = false) throws {
        var context = ReportContext()
        context.secretsAlreadyRedacted = secretsAlreadyRedacted
        context.redaction = redaction
        context.rules = rules
        let toStdout = reportPath == nil || reportPath == "-"
        context.color = toStdout && format == .text && !noColor && isatty(1) == 1 && getenv("NO_COLOR") == nil
        let detector = report.findings.isEmpty || redaction == .none ? nil : try? Detector(configuration: configuration)
        if !toStdout, let reportPath {
            let fd = open(reportPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw ToolError("cannot write report to '\(reportPath)': \(String(cString: strerror(errno)))")
            }
            var ok = true
            ReportOutput.write(report, format: format, context: context, detector: detector) { ok = ok && writeAll(fd, $0) }
            guard close(fd) == 0, ok else {
                throw ToolError("cannot write report to '\(reportPath)': \(String(cString: strerror(errno)))")
            }
            FileHandleOutput.stderr(TextReporter().summaryLine(report) + "\n")
        } else {
            ReportOutput.write(report, format: format, context: context, detector: detector) { FileHandleOutput.stdout($0) }
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}

func writeText(_ text: String, to path: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return writeAll(fd, text)
}

extension Severity: ExpressibleByArgument {}

extension ScanRequest.ConfigSource: ExpressibleByArgument {}


/// Flags that choose what is scanned and how.
struct ScanInputOptions: ParsableArguments {
    @Argument(help: "Files or directories to scan.")
    var paths: [String] = ["."]

    @Option(name: [.short, .long], help: "Rule/config file (default: .leakguard.toml or .gitleaks.toml at the scan root, else the built-in rules).")
    var config: String?

    @Option(name: .long, help: "Skip files larger than this many bytes (suffixes K, M, G allowed).")
    var maxFileSize: String = String(ScanOptions.defaultMaxFileSize)

    @Flag(name: .long, help: "Follow symbolic links (cycles are detected).")
    var followSymlinks = false

    @Flag(name: .long, help: "Scan files even when .gitignore ignores them.")
    var noGitignore = false

    @Option(name: .long, help: ArgumentHelp("With '-' as the path: the file name findings report for standard input (its extension picks the checks, e.g. app.py).", valueName: "name"))
    var stdinName: String = "stdin"

    @Option(name: .long, help: "Look for secrets inside base64, hex, percent and \\u escapes this many layers deep; 0 turns it off.")
    var maxDecodeDepth: Int = 2

    @Option(name: .long, help: "Open archives (zip, whl, jar, tar, tar.gz, gz, …) this many levels deep; 0 skips them.")
    var maxArchiveDepth: Int = 2

    @Option(name: .long, help: "Worker threads (default: one per core).")
    var threads: Int?

    @Flag(name: .long, help: "Scan what is about to be committed (the git index, not the working tree); report only lines the staged changes add. LEAKGUARD_SKIP=1 skips it.")
    var staged = false

    @Flag(name: .long, help: "With --staged: report findings anywhere in the staged files, not only on added lines.")
    var wholeFiles = false

    @Flag(name: .long, help: "Scan the git history reachable from HEAD, each distinct file version once; findings name the commit that added them.")
    var git = false

    @Flag(name: .long, help: "With --git: scan the commits of every ref, not only HEAD.")
    var all = false

    @Option(name: .long, help: ArgumentHelp("Scan only the commits of a range such as origin/main..HEAD (implies --git). Repeatable; values combine as in git rev-list (B, ^A, A..B).", valueName: "range"))
    var range: [String] = []

    @Option(name: .long, help: ArgumentHelp("Scan only the commits after this one, up to HEAD (implies --git).", valueName: "commit"))
    var sinceCommit: String?

    @Option(name: .long, help: ArgumentHelp("With --range/--since-commit: read the config, baseline and .gitleaksignore from the range's base (default; a change to them is reported) or from the work tree (head).", valueName: "base|head"))
    var configFrom: ScanRequest.ConfigSource = .base

    func validate() throws {
        if parseSize(maxFileSize) == nil { throw ValidationError("--max-file-size: '\(maxFileSize)' is not a size like 10M") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if paths.contains("-") && (paths.count > 1 || staged || git || all || !range.isEmpty || sinceCommit != nil) {
            throw ValidationError("'-' (standard input) is scanned alone, not with other paths or git modes")
        }
        if !(0...4).contains(maxDecodeDepth) { throw ValidationError("--max-decode-depth takes 0 to 4") }
        if !(0...8).contains(maxArchiveDepth) { throw ValidationError("--max-archive-depth takes 0 to 8") }
        let history = git || all || !range.isEmpty || sinceCommit != nil
        if staged && history { throw ValidationError("--staged scans the index; it cannot be combined with --git, --all, --range or --since-commit") }
        if wholeFiles && !staged { throw ValidationError("--whole-files only applies to --staged") }
        if (staged || history) && paths.count > 1 { throw ValidationError("--staged and --git take at most one path: the repository") }
        for r in range + [sinceCommit].compactMap({ $0 }) where r.isEmpty || r.hasPrefix("-") {
            throw ValidationError("'\(r)' is not a revision or range (expected something like origin/main..HEAD)")
        }
    }

    func request() -> ScanRequest {
        var request = ScanRequest()
        request.paths = paths
        request.configPath = config
        request.options.maxFileSize = parseSize(maxFileSize) ?? ScanOptions.defaultMaxFileSize
        request.options.followSymlinks = followSymlinks
        request.options.useGitIgnore = !noGitignore
        request.options.maxArchiveDepth = maxArchiveDepth
        request.options.maxDecodeDepth = maxDecodeDepth
        request.stdinName = stdinName
        request.configFrom = configFrom
        if let threads { request.options.threads = threads }
        if staged {
            request.mode = .staged(wholeFiles: wholeFiles)
        } else if git || all || !range.isEmpty || sinceCommit != nil {
            request.mode = .history(GitRevisions(allRefs: all, ranges: range, sinceCommit: sinceCommit))
        }
        return request
    }
}

func parseSize(_ text: String) -> Int? {
    var digits = text.uppercased()
    var multiplier = 1
    if digits.hasSuffix("B") { digits.removeLast() }
    switch digits.last {
    case "K": multiplier = 1 << 10; digits.removeLast()
    case "M": multiplier = 1 << 20; digits.removeLast()
    case "G": multiplier = 1 << 30; digits.removeLast()
    default: break
    }
    guard let n = Int(digits), n >= 0 else { return nil }
    return n * multiplier
}

extension LeakguardCommand {
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan files for secrets, .env mistakes and AI calls without backoff.")

        @OptionGroup var input: ScanInputOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: "Lowest severity that makes the scan fail (error, warning or note).")
        var failOn: Severity = .warning

        @Option(name: .long, help: "Suppress findings listed in this baseline (.leakguard-baseline.json or .gitleaksignore).")
        var baseline: String?

        @Flag(name: .long, help: "Repair what is safe to repair: add .env entries to the right .gitignore. Never untracks files or rewrites history.")
        var fix = false

        func run() throws {
            var request = input.request()
            request.baselinePath = baseline
            request.fix = fix
            if case .staged = request.mode, let skip = getenv("LEAKGUARD_SKIP"), ["1", "true", "yes"].contains(String(cString: skip).lowercased()) {
                FileHandleOutput.stderr("leakguard: LEAKGUARD_SKIP is set: staged changes were not scanned\n")
                return
            }
            let (report, configuration) = try runScan(request, failOn: failOn)
            for change in report.fixes { FileHandleOutput.stderr("leakguard: fixed: \(change)\n") }
            if fix && report.fixes.isEmpty { FileHandleOutput.stderr("leakguard: --fix: nothing to change\n") }
            for warning in report.warnings { FileHandleOutput.stderr("leakguard: warning: \(escapeControls(warning))\n") }
            try output.emit(report, rules: ScanSession.ruleMetadata(configuration), configuration: configuration)
            if report.findings.contains(where: { $0.severity >= failOn }) { throw ExitCode(1) }
        }
    }
}

/// Runs a scan, turning library errors into tool errors (exit 2) with their cause.
func runScan(_ request: ScanRequest, failOn: Severity = .warning) throws -> (ScanReport, Configuration) {
    let startedAt = ScanDescription.now()
    do {
        var (report, configuration) = try ScanSession.run(request)
        report.scan = ScanDescription(request: request, configuration: configuration, startedAt: startedAt, failOn: failOn)
        return (report, configuration)
    } catch let error as ConfigError {
        throw ToolError("config error: \(error)\nFix the file or pass another with --config.")
    } catch let error as ScanError {
        throw ToolError(error.description)
    }
}
