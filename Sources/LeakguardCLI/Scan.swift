import LeakguardBase
import ArgumentParser
import LeakguardCore
#if canImport(Glibc)
import Glibc
#endif

/// Flags shared by every command that produces a report.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("Report format.", valueName: "text|json|sarif|junit|html|markdown"))
    var format: ReportFormat = .text

    @Option(name: .long, help: ArgumentHelp("Write the report to a file (- is stdout).", valueName: "file"))
    var reportPath: String?

    @Option(name: .long, help: ArgumentHelp("Hide this % of each secret (default: all but a prefix).", valueName: "1-100"))
    var redact: Int?

    @Flag(name: .long, help: "Print secrets in full.")
    var noRedact = false

    @Flag(name: .long, help: "Never colour the text report (also: NO_COLOR).")
    var noColor = false

    @Flag(name: [.short, .long], help: "Also list skipped files with reasons, and timings.")
    var verbose = false

    @Flag(name: [.short, .long], help: "Only the report: no summary line or warnings.")
    var quiet = false

    func validate() throws {
        if let redact, !(1...100).contains(redact) {
            throw ValidationError("--redact takes a percentage from 1 to 100 (to show secrets in full: --no-redact)")
        }
        if noRedact && redact != nil { throw ValidationError("--no-redact and --redact cannot be used together") }
        if verbose && quiet { throw ValidationError("--verbose and --quiet cannot be used together") }
    }

    var redaction: Redaction {
        if noRedact { return .none }
        if let redact { return .percent(redact) }
        return .prefix
    }

    /// Writes the report where asked; colour only for a terminal. Everything goes through
    /// `ReportOutput`, which redacts and guards; `detector` lets it find secrets in excerpts
    /// that no finding named.
    func emit(_ report: ScanReport, rules: [RuleMetadata], configuration: Configuration,
              failOn: Severity = .note, repository: RepositoryInfo? = nil, secretsAlreadyRedacted: Bool = false,
              inventory: AIInventory? = nil) throws {
        var context = ReportContext()
        context.inventory = inventory
        context.secretsAlreadyRedacted = secretsAlreadyRedacted
        context.redaction = redaction
        context.rules = rules
        context.failOn = failOn
        context.repository = repository
        context.verboseSkips = verbose
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
            if !quiet { FileHandleOutput.stderr(TextReporter().summaryLine(report) + "\n") }
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


/// Flags that choose what is scanned and how, in two help sections.
struct ScanInputOptions: ParsableArguments {
    @OptionGroup(title: "What to scan") var target: ScanTargetOptions
    @OptionGroup(title: "Rules and files") var files: FileSelectionOptions

    var paths: [String] { target.paths }

    func request() -> ScanRequest {
        var request = ScanRequest()
        target.apply(to: &request)
        files.apply(to: &request)
        return request
    }
}

/// Where the content comes from: paths, the index or the history.
struct ScanTargetOptions: ParsableArguments {
    @Argument(help: "Files or directories to scan.")
    var paths: [String] = ["."]

    @Flag(name: .long, help: "Scan the staged changes (the index): only the lines they add.")
    var staged = false

    @Flag(name: .long, help: "With --staged: report anywhere in the staged files.")
    var wholeFiles = false

    @Flag(name: .long, help: "Scan the history reachable from HEAD; findings name their commit.")
    var git = false

    @Flag(name: .long, help: "With --git: the commits of every ref, not only HEAD.")
    var all = false

    @Option(name: .long, help: ArgumentHelp("Scan the commits of a range such as origin/main..HEAD (implies --git; repeatable; combine as in git rev-list).", valueName: "range"))
    var range: [String] = []

    @Option(name: .long, help: ArgumentHelp("Scan the commits after this one, up to HEAD.", valueName: "commit"))
    var sinceCommit: String?

    @Option(name: .long, help: ArgumentHelp("Read config and baselines from the range's base (default) or the work tree.", valueName: "base|head"))
    var configFrom: ScanRequest.ConfigSource = .base

    @Option(name: .long, help: ArgumentHelp("The name findings give standard input ('scan -'); its extension picks the checks.", valueName: "name"))
    var stdinName: String = "stdin"

    func validate() throws {
        if paths.contains("-") && (paths.count > 1 || staged || git || all || !range.isEmpty || sinceCommit != nil) {
            throw ValidationError("'-' (standard input) is scanned alone, not with other paths or git modes")
        }
        let history = git || all || !range.isEmpty || sinceCommit != nil
        if staged && history { throw ValidationError("--staged scans the index; it cannot be combined with --git, --all, --range or --since-commit") }
        if wholeFiles && !staged { throw ValidationError("--whole-files only applies to --staged") }
        if (staged || history) && paths.count > 1 { throw ValidationError("--staged and --git take at most one path: the repository") }
        for r in range + [sinceCommit].compactMap({ $0 }) where r.isEmpty || r.hasPrefix("-") {
            throw ValidationError("'\(r)' is not a revision or range (expected something like origin/main..HEAD)")
        }
    }

    func apply(to request: inout ScanRequest) {
        request.paths = paths
        request.configFrom = configFrom
        request.stdinName = stdinName
        if staged {
            request.mode = .staged(wholeFiles: wholeFiles)
        } else if git || all || !range.isEmpty || sinceCommit != nil {
            request.mode = .history(GitRevisions(allRefs: all, ranges: range, sinceCommit: sinceCommit))
        }
    }
}

/// Which rules run and which files they read.
struct FileSelectionOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("Rule/config file (default: .leakguard.toml or .gitleaks.toml at the root, else the built-in rules).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Run only this rule (repeatable).", valueName: "id"))
    var enableRule: [String] = []

    @Option(name: .long, help: ArgumentHelp("Do not run this rule (repeatable).", valueName: "id"))
    var disableRule: [String] = []

    @Option(name: .long, help: ArgumentHelp("Report nothing under paths matching this glob (repeatable).", valueName: "glob"))
    var exclude: [String] = []

    @Option(name: .long, help: ArgumentHelp("Skip larger files (suffixes K, M, G).", valueName: "size"))
    var maxFileSize: String = String(ScanOptions.defaultMaxFileSize)

    @Flag(name: .long, help: "Follow symbolic links (cycles are detected).")
    var followSymlinks = false

    @Flag(name: .long, help: "Scan files even when .gitignore ignores them.")
    var noGitignore = false

    @Option(name: .long, help: ArgumentHelp("Open archives (zip, whl, jar, tar.gz, gz, …) this deep; 0 skips them.", valueName: "0-8"))
    var maxArchiveDepth: Int = 2

    @Option(name: .long, help: ArgumentHelp("Look inside base64, hex, percent and \\u escapes this deep; 0: off.", valueName: "0-4"))
    var maxDecodeDepth: Int = 2

    @Option(name: .long, help: ArgumentHelp("Worker threads (default: one per core).", valueName: "1-1024"))
    var threads: Int?

    func validate() throws {
        if parseSize(maxFileSize) == nil { throw ValidationError("--max-file-size: '\(maxFileSize)' is not a size like 10M") }
        if let threads, !(1...1024).contains(threads) { throw ValidationError("--threads takes a number from 1 to 1024") }
        for glob in exclude where glob.isEmpty { throw ValidationError("--exclude needs a glob such as 'vendor/**' or '*.min.js'") }
        if !(0...8).contains(maxArchiveDepth) { throw ValidationError("--max-archive-depth takes 0 to 8") }
        if !(0...4).contains(maxDecodeDepth) { throw ValidationError("--max-decode-depth takes 0 to 4") }
    }

    func apply(to request: inout ScanRequest) {
        request.configPath = config
        request.options.maxFileSize = parseSize(maxFileSize) ?? ScanOptions.defaultMaxFileSize
        request.options.followSymlinks = followSymlinks
        request.options.useGitIgnore = !noGitignore
        request.options.maxArchiveDepth = maxArchiveDepth
        request.options.maxDecodeDepth = maxDecodeDepth
        if let threads { request.options.threads = threads }
        request.selection.enabled = enableRule
        request.selection.disabled = disableRule
        request.selection.excludes = exclude
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
        @OptionGroup(title: "Output") var output: OutputOptions

        @Option(name: .long, help: ArgumentHelp("Lowest severity that fails the scan (exit 1).", valueName: "error|warning|note"))
        var failOn: Severity = .warning

        @Option(name: .long, help: ArgumentHelp("Suppress the findings in this baseline or .gitleaksignore.", valueName: "file"))
        var baseline: String?

        @Flag(name: .long, help: "Add .env entries to the right .gitignore (never untracks files).")
        var fix = false

        @OptionGroup var validation: ValidationOptions

        func run() throws {
            var request = input.request()
            request.baselinePath = baseline
            request.fix = fix
            if case .staged = request.mode, let skip = getenv("LEAKGUARD_SKIP"), ["1", "true", "yes"].contains(String(cString: skip).lowercased()) {
                FileHandleOutput.stderr("leakguard: LEAKGUARD_SKIP is set: staged changes were not scanned\n")
                return
            }
            let started = ContinuousClock.now
            var (report, configuration) = try runScan(request, failOn: failOn)
            try validation.apply(to: &report, configuration: configuration)
            let quiet = output.quiet
            let root = input.paths.first ?? "."
            if case .history = request.mode, !quiet, RepositoryInfo.isShallow(root) {
                FileHandleOutput.stderr("leakguard: warning: this clone is shallow, so older history was not scanned; "
                    + "fetch it with `git fetch --unshallow` (in CI: fetch-depth: 0 / GIT_DEPTH: 0)\n")
            }
            for change in report.fixes { FileHandleOutput.stderr("leakguard: fixed: \(change)\n") }
            if fix && report.fixes.isEmpty {
                let tracked = report.findings.filter { $0.ruleID == DotenvCheck.tracked }.map(\.path)
                if tracked.isEmpty {
                    FileHandleOutput.stderr("leakguard: --fix: nothing to change\n")
                } else {
                    // --fix never untracks files; say the command that does.
                    let paths = Array(Set(tracked)).sorted().map { shellQuote(escapeControls($0)) }.joined(separator: " ")
                    FileHandleOutput.stderr("leakguard: --fix: a tracked .env stays tracked until you run `git rm --cached \(paths)` "
                        + "and commit; then rotate what it holds, since the history keeps it\n")
                }
            }
            if !quiet {
                for warning in report.warnings { FileHandleOutput.stderr("leakguard: warning: \(escapeControls(warning))\n") }
            }
            let repository: RepositoryInfo? = request.mode == .tree ? nil : RepositoryInfo.read(root)
            // The audit report of a tree carries the AI inventory (a second, Python-only pass).
            var inventory: AIInventory?
            if output.format == .html, request.mode == .tree, request.paths != ["-"], configuration.ai.enabled {
                inventory = try? AIInventoryScan.run(paths: request.paths, configPath: request.configPath, options: request.options).0
            }
            try output.emit(report, rules: ScanSession.ruleMetadata(configuration), configuration: configuration,
                            failOn: failOn, repository: repository, inventory: inventory)
            if output.verbose {
                if output.format != .text || output.reportPath != nil {
                    for k in report.summary.skipped {
                        FileHandleOutput.stderr("leakguard: skipped \(escapeControls(k.path)) (\(k.reason.rawValue)\(k.detail.isEmpty ? "" : ": " + escapeControls(k.detail))))\n")
                    }
                }
                let total = ContinuousClock.now - started
                FileHandleOutput.stderr("leakguard: \(configuration.rules.count) secret rules; scan \(Int(report.summary.durationMs.rounded())) ms, "
                    + "total \(total.components.seconds * 1000 + total.components.attoseconds / 1_000_000_000_000_000) ms\n")
            }
            if validation.failOnLive {
                if report.findings.contains(where: { $0.validation?.status == .live }) { throw ExitCode(1) }
            } else if report.findings.contains(where: { $0.severity >= failOn }) {
                throw ExitCode(1)
            }
        }
    }
}

/// `text` as one shell word.
func shellQuote(_ text: String) -> String {
    let plain = text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-/+".unicodeScalars.contains($0) }
    return plain && !text.isEmpty ? text : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
}

/// Runs a scan, turning library errors into tool errors (exit 2) with their cause.
func runScan(_ request: ScanRequest, failOn: Severity = .warning) throws -> (ScanReport, Configuration) {
    let startedAt = ScanDescription.now()
    do {
        var (report, configuration) = try ScanSession.run(request)
        report.scan = ScanDescription(request: request, configuration: configuration, startedAt: startedAt, failOn: failOn)
        return (report, configuration)
    } catch let error as ConfigError where error.file == RuleSelection.origin {
        throw ToolError(error.message)    // a flag's value, not a file: --config is not the fix
    } catch let error as ConfigError {
        throw ToolError("config error: \(error)\nFix the file or pass another with --config.")
    } catch let error as ScanError {
        throw ToolError(error.description)
    }
}
