/// What every reporter needs besides the findings.
public struct ReportContext: Sendable {
    public var redaction: Redaction = .prefix
    public var color = false
    /// Descriptions of every rule that could have fired, for SARIF's rule table.
    public var rules: [RuleMetadata] = []
    /// The text report lists every skipped file with its reason (`-v`).
    public var verboseSkips = false
    /// The findings were read back from reports (`report merge`): a secret already in its
    /// redacted form (`ghp_…`, `REDACTED`) is shown as it is, not redacted a second time.
    public var secretsAlreadyRedacted = false
    /// Findings below this are notes to JUnit (not failures): they do not fail the scan either.
    public var failOn: Severity = .note
    /// The repository a git scan read, for SARIF's `versionControlProvenance`.
    public var repository: RepositoryInfo?
    /// The AI calls of the scanned tree, for the HTML report's inventory section.
    public var inventory: AIInventory?
    public init() {}
}

/// Where a git scan's findings came from: enough for code scanning to tie alerts to a commit.
public struct RepositoryInfo: Sendable {
    /// The `origin` remote's URL, or a `file://` URL of the work tree when there is none.
    public var uri: String
    /// The commit HEAD named when the scan ran.
    public var revision: String
    /// The branch HEAD was on, if any.
    public var branch: String?
    public init(uri: String, revision: String, branch: String? = nil) {
        self.uri = uri; self.revision = revision; self.branch = branch
    }
}

/// A rule as reports describe it, whatever check it belongs to.
public struct RuleMetadata: Sendable {
    public var id: String
    public var category: Category
    public var severity: Severity
    public var description: String
    public var tags: [String]
    /// How to revoke a leaked secret of this kind (a secret rule's `rotate`).
    public var rotate: String?
    /// Where the rule is defined or documented.
    public var helpUri: String?
    public init(id: String, category: Category, severity: Severity, description: String, tags: [String] = [],
                rotate: String? = nil, helpUri: String? = nil) {
        self.id = id; self.category = category; self.severity = severity; self.description = description; self.tags = tags
        self.rotate = rotate; self.helpUri = helpUri ?? RuleMetadata.defaultHelpUri(category)
    }

    /// The help a dashboard shows beside an alert: what was found, what to do about it, how to
    /// accept it. Plain text; `helpMarkdown` is the same with headings.
    public var help: String {
        helpSections.map { $0.title + ": " + $0.body }.joined(separator: "\n\n")
    }

    public var helpMarkdown: String {
        helpSections.map { "**" + $0.title + "**\n\n" + $0.body }.joined(separator: "\n\n")
    }

    var helpSections: [(title: String, body: String)] {
        let what = description.isEmpty ? id : description
        switch category {
        case .secret:
            return [
                ("What leaked", what + ". Anyone who can read the repository (or any clone, fork or CI log of it) can use it."),
                ("How to fix", (rotate.map { $0.hasSuffix(".") ? $0 : $0 + "." } ?? "Revoke the secret with the service that issued it and issue a new one.")
                    + " Deleting the line is not enough: the secret stays in the git history, so rotate it first,"
                    + " then load the new one from the environment or a secret manager."),
                ("How to allow", "If it is not a real secret (a test fixture, an example), put `leakguard:allow` on the line,"
                    + " add an allowlist to .leakguard.toml, or accept the finding with `leakguard baseline create`"
                    + " or a line in .gitleaksignore."),
            ]
        case .dotenv:
            return [
                ("What is wrong", what + ". A .env file holds the project's secrets; once committed, they are in the history."),
                ("How to fix", "Add `.env` to .gitignore (`leakguard scan --fix` does), untrack a committed one with"
                    + " `git rm --cached .env`, and rotate what it held if it was ever pushed."),
                ("How to allow", "Disable the rule under [dotenv] disabledRules in .leakguard.toml, or accept the finding"
                    + " with `leakguard baseline create`."),
            ]
        case .ai where id == "ai-output-unmoderated":
            return [
                ("What is wrong", what),
                ("How to fix", "Run the model's output through a moderation check before it is posted, sent or shown"
                    + " (OpenAI moderations, Mistral moderation, Azure AI Content Safety, Perspective, a guard model or"
                    + " your own check listed under [ai] moderation), and publish a fallback when it is flagged."
                    + " Moderating the user's input does not clear the output."),
                ("How to allow", "Put `leakguard:allow` on the line, raise or silence the rule under [ai] severity"
                    + " (\"ai-output-unmoderated\" = \"off\"), or accept the finding with `leakguard baseline create`."),
            ]
        case .ai:
            return [
                ("What is wrong", what + "."),
                ("How to fix", "Retry rate-limited and transient failures with exponential backoff (the SDK's max_retries,"
                    + " tenacity, backoff), so a burst of 429s does not fail the request or hammer the API."),
                ("How to allow", "Disable the rule under [ai] disabledRules in .leakguard.toml, or accept the finding with"
                    + " `leakguard baseline create`."),
            ]
        case .config:
            return [
                ("What is wrong", what + ": a change to them can switch off the gate that checks the same change."),
                ("How to fix", "Review the change to the scan's configuration; scan with --config-from head once it is approved."),
                ("How to allow", "Accept the finding with `leakguard baseline create` or a line in .gitleaksignore."),
            ]
        }
    }

    /// GitHub's `security-severity` (0.0 to 10.0; 9.0 and above is critical, 7.0 high, 4.0
    /// medium, below that low). A leaked credential is usable as it stands: critical.
    public var securitySeverity: String {
        switch severity {
        case .error: "9.0"
        case .warning: "5.0"
        case .note: "2.0"
        }
    }

    static func defaultHelpUri(_ category: Category) -> String {
        switch category {
        case .secret: leakguardDocsURL + "/README.md#rules-and-configuration"
        case .dotenv: leakguardDocsURL + "/README.md#the-env-check"
        case .ai: leakguardDocsURL + "/README.md#the-ai-backoff-check"
        case .config: leakguardDocsURL + "/docs/ci.md"
        }
    }
}

/// Where leakguard's documentation lives, for `helpUri` links. Set when the repository moves.
public let leakguardDocsURL = "https://github.com/leakguard/leakguard/blob/main"

/// Turns a scan report into text in one output format.
public protocol Reporter {
    func render(_ report: ScanReport, context: ReportContext) -> String
}

public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, html, markdown

    public var reporter: any Reporter {
        switch self {
        case .markdown: MarkdownReporter()
        case .text: TextReporter()
        case .json: JSONReporter()
        case .sarif: SARIFReporter()
        case .junit: JUnitReporter()
        case .html: HTMLReporter()
        }
    }
}

public let leakguardVersion = "0.1.0"

/// Writes reports: the only way findings leave the process. Every format goes through the
/// `Redactor` first and its `OutputGuard` last.
public enum ReportOutput {
    /// Renders `report` in `format`, calling `write` with successive pieces of the text (the text
    /// format streams; the structured formats are one piece).
    public static func write(_ report: ScanReport, format: ReportFormat, context: ReportContext,
                             detector: Detector?, to write: (String) -> Void) {
        let redactor = Redactor(redaction: context.redaction, detector: report.findings.isEmpty ? nil : detector)
        var input = report
        var shown: [Int: String] = [:]
        if context.secretsAlreadyRedacted {
            for (i, f) in report.findings.enumerated() where f.secret.hasSuffix("…") || f.secret == "REDACTED" {
                shown[i] = f.secret
                input.findings[i].secret = ""
            }
        }
        let (redacted, outputGuard) = redactor.prepare(input)
        var prepared = redacted
        for (i, secret) in shown { prepared.findings[i].secret = secret }
        var context = context
        var inventoryGuard = OutputGuard(pieces: [])
        if let inventory = context.inventory {
            (context.inventory, inventoryGuard) = prepare(inventory, redaction: context.redaction)
        }
        if format == .text {
            TextReporter().render(prepared, context: context) { write(inventoryGuard.scrub(outputGuard.scrub($0))) }
        } else {
            write(inventoryGuard.scrub(outputGuard.scrub(format.reporter.render(prepared, context: context))))
        }
    }

    public static func render(_ report: ScanReport, format: ReportFormat, context: ReportContext, detector: Detector?) -> String {
        var out = ""
        write(report, format: format, context: context, detector: detector) { out += $0 }
        return out
    }
}

/// `text` with control characters shown as escapes (`\u{1B}`), as Swift's debugDescription
/// would: never raw on a terminal. Bidirectional overrides are escaped too.
public func escapeControls(_ text: String) -> String {
    var needs = false
    for u in text.unicodeScalars where isControlScalar(u) { needs = true; break }
    guard needs else { return text }
    var out = ""
    for u in text.unicodeScalars {
        if isControlScalar(u) {
            out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}

@inline(__always) func isControlScalar(_ u: Unicode.Scalar) -> Bool {
    let v = u.value
    return (v < 0x20 && v != 0x09) || (v >= 0x7F && v <= 0x9F) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
}
