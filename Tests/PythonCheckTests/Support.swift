import PythonCheck

/// Checks Python source given as a string.
func check(_ code: String, config: PythonCheckConfig = PythonCheckConfig(), path: String = "example.py") -> PythonCheckResult {
    Array(code.utf8).withUnsafeBufferPointer { PythonCheck.check(source: $0, path: path, config: config) }
}

/// Checks a notebook given as JSON text.
func checkNotebook(_ json: String, config: PythonCheckConfig = PythonCheckConfig()) -> PythonCheckResult {
    Array(json.utf8).withUnsafeBufferPointer { PythonCheck.checkNotebook(json: $0, path: "example.ipynb", config: config) }
}

/// The findings of one rule.
func findings(_ code: String, _ rule: String, config: PythonCheckConfig = PythonCheckConfig()) -> [PythonFinding] {
    check(code, config: config).findings.filter { $0.ruleID == rule }
}

/// The 1-based line and column (in scalars) of a UTF-8 offset in `text`.
func position(ofOffset offset: Int, in text: String) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    var consumed = 0
    for scalar in text.unicodeScalars {
        if consumed >= offset { break }
        consumed += String(scalar).utf8.count
        if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
    }
    return (line, column)
}

/// A readable list of findings for failure messages.
func describe(_ result: PythonCheckResult) -> String {
    if let note = result.parseNote { return "parse note: \(note)" }
    if result.findings.isEmpty { return "no findings" }
    return result.findings.map { "\($0.line):\($0.column) \($0.ruleID) \($0.message)" }.joined(separator: "\n")
}
