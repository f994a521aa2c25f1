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
    public init() {}
}

/// A rule as reports describe it, whatever check it belongs to.
public struct RuleMetadata: Sendable {
    public var id: String
    public var category: Category
    public var severity: Severity
    public var description: String
    public var tags: [String]
    public init(id: String, category: Category, severity: Severity, description: String, tags: [String] = []) {
        self.id = id; self.category = category; self.severity = severity; self.description = description; self.tags = tags
    }
}

/// Turns a scan report into text in one output format.
public protocol Reporter {
    func render(_ report: ScanReport, context: ReportContext) -> String
}

public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, html

    public var reporter: any Reporter {
        switch self {
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
        if format == .text {
            TextReporter().render(prepared, context: context) { write(outputGuard.scrub($0)) }
        } else {
            write(outputGuard.scrub(format.reporter.render(prepared, context: context)))
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
