/// What kind of check produced a finding.
public enum Category: String, Sendable, Codable {
    case secret
    case dotenv
    case ai
    /// The scan's own integrity: a change to the files that configure the gate.
    case config
}

/// The commit a finding was introduced in (history scans only).
public struct CommitInfo: Sendable, Equatable, Codable {
    public var commit: String
    public var author: String
    public var email: String
    public var date: String
    public init(commit: String, author: String, email: String, date: String) {
        self.commit = commit; self.author = author; self.email = email; self.date = date
    }
}

/// One problem found at one place.
public struct Finding: Sendable {
    public var ruleID: String
    public var category: Category
    public var severity: Severity
    public var message: String
    /// Relative to the scan root, `/`-separated.
    public var path: String
    /// 1-based; columns count characters (Unicode scalars), `endColumn` is the column just after
    /// the last character, as in SARIF.
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int
    /// The secret in clear. Reporters print it only through `Redaction`.
    public var secret: String
    /// The source line the finding starts on (without its line break), for excerpts.
    public var lineText: String
    public var entropy: Double?
    public var fingerprint: String
    public var commit: CommitInfo?
    /// A suggested fix, shown by the text reporter and in SARIF.
    public var help: String?
    /// Other rules that matched the same secret (one finding per secret lists them all).
    public var alsoMatched: [String] = []
    /// gitleaks rule ids this finding answers to (for `.gitleaksignore` and gitleaks baselines).
    public var gitleaksIDs: [String] = []
    /// How the secret was encoded where it was found, outermost first (`["base64"]`); empty
    /// for plain text.
    public var decoded: [String] = []
    /// In a Jupyter notebook: the code cell (1-based among the notebook's cells) and the line in
    /// that cell's source; `line` and `column` are those of the notebook's JSON.
    public var notebookCell: NotebookCell?
    /// For a decoded finding, the encoded text as it stands in the file (never printed; it lets
    /// a plain finding of the same text merge with this one).
    var encodedText = ""
    /// The repository the finding is in, in a merged report (`report merge`); nil otherwise.
    public var repository: String?
    /// What the provider said about the secret (`scan --validate` only).
    public var validation: ValidationResult?

    public init(ruleID: String, category: Category, severity: Severity, message: String, path: String,
                line: Int, column: Int, endLine: Int, endColumn: Int, secret: String = "", lineText: String = "",
                entropy: Double? = nil, fingerprint: String? = nil, commit: CommitInfo? = nil, help: String? = nil) {
        self.ruleID = ruleID
        self.category = category
        self.severity = severity
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
        self.secret = secret
        self.lineText = lineText
        self.entropy = entropy
        self.commit = commit
        self.help = help
        self.fingerprint = fingerprint ?? Finding.fingerprint(rule: ruleID, path: path,
                                                              content: secret.isEmpty ? lineText.trimmed() : secret)
    }

    /// Content-based: rule, path and secret, not the line, so moving code keeps it.
    public static func fingerprint(rule: String, path: String, content: String) -> String {
        var data = Array(rule.utf8); data.append(0)
        data += Array(path.utf8); data.append(0)
        data += Array(content.utf8)
        return SHA256.hex(data).prefix(32).description
    }

    /// gitleaks' ignore-file form: `path:rule:line`, prefixed with `commit:` in history scans.
    public var gitleaksFingerprint: String { gitleaksFingerprint(rule: ruleID) }

    func gitleaksFingerprint(rule: String) -> String {
        let base = "\(path):\(rule):\(line)"
        if let commit { return "\(commit.commit):\(base)" }
        return base
    }

    /// Every form a baseline or ignore file may use for this finding: our fingerprint and
    /// gitleaks' for each rule that matched and each gitleaks id they stand for.
    public var suppressionKeys: [String] {
        var keys = [fingerprint]
        var rules = [ruleID] + alsoMatched + gitleaksIDs
        var seen = Set<String>()
        rules = rules.filter { seen.insert($0).inserted }
        for r in rules {
            keys.append(gitleaksFingerprint(rule: r))
            if r != ruleID { keys.append(Finding.fingerprint(rule: r, path: path, content: secret.isEmpty ? lineText.trimmed() : secret)) }
        }
        return keys
    }
}

extension String {
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return String(s)
    }
}

/// Where in a notebook a finding is, as Jupyter shows it: "cell 3, line 2".
public struct NotebookCell: Sendable, Equatable, Hashable {
    public var cell: Int
    public var line: Int
    public init(cell: Int, line: Int) { self.cell = cell; self.line = line }
    public var description: String { "cell \(cell), line \(line)" }
}
