/// How serious a finding is.
public enum PythonSeverity: String, Sendable {
    case error, warning, note
}

/// One problem found in a Python file or notebook.
public struct PythonFinding: Sendable, Equatable {
    /// The rule that found it, e.g. "ai-backoff-missing".
    public var ruleID: String
    public var severity: PythonSeverity
    public var message: String
    /// 1-based; columns count Unicode scalars. For a call the range covers its callee text
    /// (`client.chat.completions.create`), so `endColumn` is the column just after it.
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
    /// The SDK involved ("openai", "anthropic", …), when there is one.
    public var sdk: String?
    /// In a notebook: the 1-based number of the cell among the notebook's cells, and the
    /// 1-based line within that cell's source (`line` is the line of the notebook's JSON).
    public var cell: Int?
    public var cellLine: Int?

    public init(ruleID: String, severity: PythonSeverity, message: String, line: Int, column: Int, endLine: Int, endColumn: Int, sdk: String?) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = message
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
        self.sdk = sdk
    }
}

/// What checking one file gave: its findings, or a note saying why it was not checked.
public struct PythonCheckResult: Sendable {
    public var findings: [PythonFinding]
    /// Set when the file, or part of it, could not be parsed sensibly: for a `.py` file `findings`
    /// is then empty; for a notebook it names the cells left out, and the other cells' findings stay.
    public var parseNote: String?
    /// Set when the file makes more AI calls than `PythonCheckConfig.maxAICallSites`: the calls
    /// from the line it names on were not checked (the findings before it stand).
    public var limitNote: String?
    /// The file's AI calls described for `leakguard ai inventory`; filled only when
    /// `PythonCheckConfig.collectInventory` is set.
    public var inventory: [AIInventoryCall]

    public init(findings: [PythonFinding] = [], parseNote: String? = nil, limitNote: String? = nil, inventory: [AIInventoryCall] = []) {
        self.findings = findings
        self.parseNote = parseNote
        self.limitNote = limitNote
        self.inventory = inventory
    }
}
