/// A Python snippet that shows a rule. `↓` marks where the rule's finding starts (it is removed
/// before checking); the snippet remembers where it is written so a failing test points at it.
public struct AIRuleExample: Sendable {
    public var code: String
    public var file: String
    public var line: Int

    public init(_ code: String, file: StaticString = #filePath, line: UInt = #line) {
        self.code = code
        self.file = "\(file)"
        self.line = Int(line)
    }

    /// The code without its marker, and the marker's byte offset in it.
    public var source: (code: String, markerOffset: Int?) {
        guard let marker = code.firstIndex(of: "↓") else { return (code, nil) }
        let offset = code.utf8.distance(from: code.utf8.startIndex, to: marker)
        var code = code
        code.remove(at: marker)
        return (code, offset)
    }
}

/// A rule of the Python check: its id, default severity and summary, with examples that must
/// trigger it and examples that must not. The examples are both documentation and tests.
public struct AIRuleDescription: Sendable {
    public var id: String
    public var severity: PythonSeverity
    public var summary: String
    public var examples: [AIRuleExample]
    public var negativeExamples: [AIRuleExample]

    public init(id: String, severity: PythonSeverity, summary: String, examples: [AIRuleExample], negativeExamples: [AIRuleExample]) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.examples = examples
        self.negativeExamples = negativeExamples
    }
}
