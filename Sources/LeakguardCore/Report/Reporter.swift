/// What every reporter needs besides the findings.
public struct ReportContext: Sendable {
    public var redaction: Redaction = .prefix
    public var color = false
    /// Descriptions of every rule that could have fired, for SARIF's rule table.
    public var rules: [RuleMetadata] = []
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
    case text, json, sarif, junit

    public var reporter: any Reporter {
        switch self {
        case .text: TextReporter()
        case .json: JSONReporter()
        case .sarif: SARIFReporter()
        case .junit: JUnitReporter()
        }
    }
}

public let leakguardVersion = "0.1.0"
