/// Human-readable report: findings grouped by file, a redacted excerpt for each, a summary line.
/// Everything taken from scanned content or file names is escaped: a hostile file must not be
/// able to move the cursor or erase its own finding on a terminal.
public struct TextReporter: Reporter {
    public init() {}

    public func render(_ report: ScanReport, context: ReportContext) -> String {
        var out = ""
        render(report, context: context) { out += $0 }
        return out
    }

    /// Renders piece by piece (one file header or finding at a time), so a large report is
    /// written as it is made instead of held whole.
    public func render(_ report: ScanReport, context: ReportContext, write: (String) -> Void) {
        let paint = Paint(enabled: context.color)
        var currentPath: String?
        for f in report.findings {
            var out = ""
            if f.path != currentPath {
                if currentPath != nil { out += "\n" }
                out += paint.bold(escapeControls(f.path)) + "\n"
                currentPath = f.path
            }
            let level: String
            switch f.severity {
            case .error: level = paint.red("error  ")
            case .warning: level = paint.yellow("warning")
            case .note: level = paint.blue("note   ")
            }
            var rules = f.alsoMatched.isEmpty ? f.ruleID : f.ruleID + " (also " + f.alsoMatched.joined(separator: ", ") + ")"
            if !f.decoded.isEmpty { rules += " [decoded: " + f.decoded.joined(separator: " in ") + "]" }
            if let cell = f.notebookCell { rules += " [" + cell.description + "]" }
            out += "  \(f.line):\(f.column)".padding(to: 10) + " \(level) \(paint.dim(rules))  \(escapeControls(f.message))"
                + (f.validation.map { "  [\(paint.validation($0))]" } ?? "") + "\n"
            if !f.lineText.isEmpty {
                out += "      │ " + escapeControls(f.lineText.replacingAll("\t", with: "  ").trimmed()) + "\n"
            }
            if context.redaction == .none && !f.secret.isEmpty {
                out += "      " + paint.dim("secret: ") + escapeControls(f.secret) + "\n"
            }
            if let c = f.commit {
                out += "      " + paint.dim(escapeControls("commit \(c.commit.prefix(12)) by \(c.author) <\(c.email)> on \(c.date)")) + "\n"
            }
            if let help = f.help {
                out += "      " + paint.dim("fix: ") + escapeControls(help) + "\n"
            }
            write(out)
        }
        var tail = report.findings.isEmpty ? "" : "\n"
        if context.verboseSkips {
            for k in report.summary.skipped {
                tail += "skipped: \(escapeControls(k.path)) (\(k.reason.rawValue)\(k.detail.isEmpty ? "" : ": " + escapeControls(k.detail)))\n"
            }
        }
        write(tail + summaryLine(report) + "\n")
    }

    public func summaryLine(_ report: ScanReport) -> String {
        let s = report.summary
        var counts: [Severity: Int] = [:]
        for f in report.findings { counts[f.severity, default: 0] += 1 }
        var parts: [String] = []
        for sev in [Severity.error, .warning, .note] where counts[sev, default: 0] > 0 {
            let n = counts[sev]!
            parts.append("\(n) \(sev.rawValue)\(n == 1 ? "" : "s")")
        }
        let n = report.findings.count
        var line = n == 0 ? "No findings" : "\(n) finding\(n == 1 ? "" : "s") (\(parts.joined(separator: ", ")))"
        line += " in \(s.files) file\(s.files == 1 ? "" : "s") (\(formatBytes(s.bytes)))"
        if let commits = s.commits { line += ", \(commits) commit\(commits == 1 ? "" : "s")" }
        if let blobs = s.blobs { line += ", \(blobs) distinct blob\(blobs == 1 ? "" : "s")" }
        line += ", \(Int(s.durationMs.rounded())) ms"
        if !s.skipped.isEmpty {
            var reasons: [String: Int] = [:]
            for k in s.skipped { reasons[k.reason.rawValue, default: 0] += 1 }
            let detail = reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            line += "; \(s.skipped.count) skipped (\(detail))"
        }
        return line + "."
    }
}

func formatBytes(_ n: Int) -> String {
    if n < 1024 { return "\(n) B" }
    if n < 1024 * 1024 { return String(format1(Double(n) / 1024)) + " KiB" }
    if n < 1024 * 1024 * 1024 { return String(format1(Double(n) / 1048576)) + " MiB" }
    return String(format1(Double(n) / 1073741824)) + " GiB"
}

func format1(_ d: Double) -> String {
    let r = (d * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// ANSI colours, only when writing to a terminal.
struct Paint {
    var enabled: Bool
    private func wrap(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { wrap(s, "1") }
    func dim(_ s: String) -> String { wrap(s, "2") }
    func red(_ s: String) -> String { wrap(s, "31") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func blue(_ s: String) -> String { wrap(s, "34") }
    /// A validation verdict: live in red, the rest dim.
    func validation(_ v: ValidationResult) -> String {
        v.status == .live ? red(bold(v.summary)) : dim(v.summary)
    }
}

extension ValidationResult {
    /// `{"status", "detail", "host"}`, as JSON and SARIF carry it.
    var json: JSONValue {
        .object([("status", .string(status.rawValue)), ("detail", .string(detail)), ("host", .string(host))])
    }
}

/// leakguard's JSON document: `tool`, `findings`, `summary`, plus `skipped` and `warnings`.
public struct JSONReporter: Reporter {
    public init() {}

    public func render(_ report: ScanReport, context: ReportContext) -> String {
        document(report, context: context).render()
    }

    public func document(_ report: ScanReport, context: ReportContext) -> JSONValue {
        let findings: [JSONValue] = report.findings.map { f in
            var members: [(String, JSONValue)] = f.repository.map { [("repository", .string($0))] } ?? []
            members += [
                ("rule", .string(f.ruleID)),
                ("category", .string(f.category.rawValue)),
                ("severity", .string(f.severity.rawValue)),
                ("message", .string(f.message)),
                ("file", .string(f.path)),
                ("line", .int(f.line)),
                ("column", .int(f.column)),
                ("endLine", .int(f.endLine)),
                ("endColumn", .int(f.endColumn)),
                ("secret", f.secret.isEmpty ? .null : .string(f.secret)),
                ("entropy", .optional(f.entropy)),
                ("fingerprint", .string(f.fingerprint)),
            ]
            if !f.lineText.isEmpty { members.append(("excerpt", .string(f.lineText))) }
            if !f.alsoMatched.isEmpty { members.append(("alsoMatched", .array(f.alsoMatched.map { .string($0) }))) }
            if !f.gitleaksIDs.isEmpty { members.append(("gitleaksIds", .array(f.gitleaksIDs.map { .string($0) }))) }
            if !f.decoded.isEmpty { members.append(("decoded", .array(f.decoded.map { .string($0) }))) }
            if let cell = f.notebookCell { members.append(("notebookCell", .object([("cell", .int(cell.cell)), ("line", .int(cell.line))]))) }
            if let c = f.commit {
                members += [("commit", .string(c.commit)), ("author", .string(c.author)),
                            ("email", .string(c.email)), ("date", .string(c.date))]
            }
            if let help = f.help { members.append(("help", .string(help))) }
            if let v = f.validation { members.append(("validation", v.json)) }
            return .object(members)
        }
        var summary: [(String, JSONValue)] = [
            ("files", .int(report.summary.files)),
            ("bytes", .int(report.summary.bytes)),
            ("findings", .int(report.findings.count)),
            ("skipped", .int(report.summary.skipped.count)),
            ("durationMs", .double(report.summary.durationMs)),
        ]
        if let c = report.summary.commits { summary.append(("commits", .int(c))) }
        if let b = report.summary.blobs { summary.append(("blobs", .int(b))) }
        return .object([
            ("tool", .object([("name", .string("leakguard")), ("version", .string(leakguardVersion))])),
            ("scan", report.scan.json),
            ("findings", .array(findings)),
            ("summary", .object(summary)),
            ("skipped", .array(report.summary.skipped.map {
                .object([("file", .string($0.path)), ("reason", .string($0.reason.rawValue))]
                        + ($0.detail.isEmpty ? [] : [("detail", .string($0.detail))]))
            })),
            ("warnings", .array(report.warnings.map { .string($0) })),
        ])
    }
}

/// SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
public struct SARIFReporter: Reporter {
    public init() {}

    public func render(_ report: ScanReport, context: ReportContext) -> String {
        var rules = context.rules
        var known = Set(rules.map(\.id))
        for f in report.findings where !known.contains(f.ruleID) {
            rules.append(RuleMetadata(id: f.ruleID, category: f.category, severity: f.severity, description: f.message))
            known.insert(f.ruleID)
        }
        var ruleIndex: [String: Int] = [:]
        for (i, r) in rules.enumerated() { ruleIndex[r.id] = i }
        // What GitHub code scanning reads: shortDescription for the alert's title, fullDescription
        // and help (markdown) beside it, helpUri as its link, `security` among the tags and
        // security-severity to rank it.
        let driverRules: [JSONValue] = rules.map { r in
            let title = r.description.isEmpty ? r.id : r.description
            var rule: [(String, JSONValue)] = [
                ("id", .string(r.id)),
                ("name", .string(camelName(r.id))),
                ("shortDescription", .object([("text", .string(title))])),
                ("fullDescription", .object([("text", .string(title + (title.hasSuffix(".") ? "" : ".")))])),
                ("help", .object([("text", .string(r.help)), ("markdown", .string(r.helpMarkdown))])),
            ]
            if let uri = r.helpUri { rule.append(("helpUri", .string(uri))) }
            rule += [
                ("defaultConfiguration", .object([("level", .string(r.severity.rawValue))])),
                ("properties", .object([("category", .string(r.category.rawValue)),
                                        ("tags", .array(uniqueTags(["security", r.category.rawValue] + r.tags + cweTags(r.category)).map { .string($0) })),
                                        ("security-severity", .string(r.securitySeverity))])),
            ]
            return .object(rule)
        }
        let results: [JSONValue] = report.findings.map { f in
            var region: [(String, JSONValue)] = [
                ("startLine", .int(max(1, f.line))), ("startColumn", .int(max(1, f.column))),
                ("endLine", .int(max(1, f.endLine))), ("endColumn", .int(max(1, f.endColumn))),
            ]
            if !f.lineText.isEmpty {
                region.append(("snippet", .object([("text", .string(f.lineText))])))
            }
            var properties: [(String, JSONValue)] = [("category", .string(f.category.rawValue))]
            if !f.secret.isEmpty { properties.append(("secret", .string(f.secret))) }
            if let e = f.entropy { properties.append(("entropy", .double(e))) }
            if !f.alsoMatched.isEmpty { properties.append(("alsoMatched", .array(f.alsoMatched.map { .string($0) }))) }
            if !f.decoded.isEmpty { properties.append(("decoded", .array(f.decoded.map { .string($0) }))) }
            if let cell = f.notebookCell { properties.append(("notebookCell", .string(cell.description))) }
            if let c = f.commit {
                properties += [("commit", .string(c.commit)), ("author", .string(c.author)),
                               ("email", .string(c.email)), ("date", .string(c.date))]
            }
            var message = f.message
            if let c = f.commit {
                // Code scanning shows the message, not the property bag: name the commit there.
                message += " Added in commit \(c.commit.prefix(12)) by \(c.author) on \(c.date)."
            }
            if let help = f.help { message += " Fix: \(help)" }
            if let v = f.validation {
                properties.append(("validation", v.json))
                message += " Validation: \(v.summary)."
            }
            return .object([
                ("ruleId", .string(f.ruleID)),
                ("ruleIndex", .int(ruleIndex[f.ruleID] ?? 0)),
                ("level", .string(f.severity.rawValue)),
                ("message", .object([("text", .string(message))])),
                ("locations", .array([.object([
                    ("physicalLocation", .object([
                        ("artifactLocation", .object([("uri", .string(uriEncode(f.path))), ("uriBaseId", .string("%SRCROOT%"))])),
                        ("region", .object(region)),
                    ])),
                ])])),
                ("partialFingerprints", .object([("leakguardFingerprint/v1", .string(f.fingerprint))])),
                ("properties", .object(properties)),
            ])
        }
        return JSONValue.object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", .object([
                    ("name", .string("leakguard")),
                    ("version", .string(leakguardVersion)),
                    ("semanticVersion", .string(leakguardVersion)),
                    ("informationUri", .string(leakguardDocsURL + "/README.md")),
                    ("rules", .array(driverRules)),
                ]))])),
                ("invocations", .array([.object([
                    ("executionSuccessful", .bool(true)),
                    ("toolExecutionNotifications", .array(report.summary.skipped.map { k in
                        .object([
                            ("level", .string(k.reason == .binary ? "note" : "warning")),
                            ("message", .object([("text", .string("skipped \(k.path): \(k.reason.rawValue)\(k.detail.isEmpty ? "" : " (\(k.detail))")"))])),
                            ("locations", .array([.object([("physicalLocation", .object([
                                ("artifactLocation", .object([("uri", .string(uriEncode(k.path))), ("uriBaseId", .string("%SRCROOT%"))])),
                            ]))])])),
                            ("properties", .object([("reason", .string(k.reason.rawValue))])),
                        ])
                    } + report.warnings.map { w in
                        .object([("level", .string("warning")), ("message", .object([("text", .string(w))]))])
                    })),
                ])])),
                ("results", .array(results)),
                ("columnKind", .string("unicodeCodePoints")),
            ] + versionControl(context.repository))])),
        ]).render()
    }

    /// The commit a git scan read, so a dashboard can tie the results to it.
    func versionControl(_ repository: RepositoryInfo?) -> [(String, JSONValue)] {
        guard let repository else { return [] }
        var entry: [(String, JSONValue)] = [("repositoryUri", .string(repository.uri)), ("revisionId", .string(repository.revision))]
        if let branch = repository.branch { entry.append(("branch", .string(branch))) }
        entry.append(("mappedTo", .object([("uriBaseId", .string("%SRCROOT%"))])))
        return [("versionControlProvenance", .array([.object(entry)]))]
    }

    /// CWE tags GitHub shows on an alert: hard-coded credentials, and sensitive data in files
    /// anyone with the repository can read.
    func cweTags(_ category: Category) -> [String] {
        switch category {
        case .secret: ["external/cwe/cwe-798"]
        case .dotenv: ["external/cwe/cwe-538"]
        case .ai, .config: []
        }
    }

    /// SARIF requires property-bag tags to be unique.
    func uniqueTags(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.filter { seen.insert($0).inserted }
    }

    func camelName(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// A relative URI reference: path segments percent-encoded, `/` kept.
    func uriEncode(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }
}

/// JUnit XML, for CI systems that show test reports: one test case per file with findings.
public struct JUnitReporter: Reporter {
    public init() {}

    public func render(_ report: ScanReport, context: ReportContext) -> String {
        var byFile: [(String, [Finding])] = []
        for f in report.findings {
            if let last = byFile.last, last.0 == f.path { byFile[byFile.count - 1].1.append(f) } else { byFile.append((f.path, [f])) }
        }
        let seconds = String(report.summary.durationMs / 1000)
        let skipped = report.summary.skipped
        let tests = max(1, byFile.count) + skipped.count
        // Only what fails the scan (at or above --fail-on) is a failure; the rest is output, so
        // the test report agrees with the exit code.
        let failing = byFile.filter { $0.1.contains { $0.severity >= context.failOn } }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"leakguard\" tests=\"\(tests)\" failures=\"\(failing)\" skipped=\"\(skipped.count)\" time=\"\(seconds)\">\n"
        out += "  <testsuite name=\"leakguard\" tests=\"\(tests)\" failures=\"\(failing)\" errors=\"0\" skipped=\"\(skipped.count)\" time=\"\(seconds)\">\n"
        if byFile.isEmpty {
            out += "    <testcase classname=\"leakguard\" name=\"scan (\(report.summary.files) files)\"/>\n"
        }
        func lines(_ findings: [Finding]) -> String {
            findings.map { f in
                "\(f.path):\(f.line):\(f.column) \(f.severity.rawValue) \(f.ruleID): \(f.message)"
                    + (f.secret.isEmpty ? "" : " [\(f.secret)]") + (f.validation.map { " validation: \($0.summary)" } ?? "")
            }.joined(separator: "\n")
        }
        for (path, findings) in byFile {
            out += "    <testcase classname=\"leakguard\" name=\"\(xml(path))\">\n"
            let failures = findings.filter { $0.severity >= context.failOn }
            let below = findings.filter { $0.severity < context.failOn }
            if !failures.isEmpty {
                out += "      <failure message=\"\(failures.count) finding\(failures.count == 1 ? "" : "s")\" type=\"leakguard\">\(xml(lines(failures)))</failure>\n"
            }
            if !below.isEmpty {
                out += "      <system-out>\(xml("below --fail-on \(context.failOn.rawValue):\n" + lines(below)))</system-out>\n"
            }
            out += "    </testcase>\n"
        }
        // Files the scan could not read are visible as skipped cases, never silently absent.
        for k in skipped {
            out += "    <testcase classname=\"leakguard.skipped\" name=\"\(xml(k.path))\">\n"
            out += "      <skipped message=\"\(xml(k.reason.rawValue + (k.detail.isEmpty ? "" : ": " + k.detail)))\"/>\n"
            out += "    </testcase>\n"
        }
        if !report.warnings.isEmpty {
            out += "    <system-err>\(xml(report.warnings.joined(separator: "\n")))</system-err>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    func xml(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" { out += " " } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}

/// A Markdown table of the findings, for a CI job summary (GitHub's `$GITHUB_STEP_SUMMARY`) or a
/// merge-request comment. Secrets are never in it, redacted or not: only where and which rule.
public struct MarkdownReporter: Reporter {
    public init() {}

    public func render(_ report: ScanReport, context: ReportContext) -> String {
        let summary = TextReporter().summaryLine(report)
        guard !report.findings.isEmpty else { return "### leakguard: no findings\n\n\(cell(summary))\n" }
        let history = report.findings.contains { $0.commit != nil }
        var out = "### leakguard: \(report.findings.count) finding\(report.findings.count == 1 ? "" : "s")\n\n"
        out += history ? "| Severity | Rule | Location | Commit | Message |\n|---|---|---|---|---|\n"
                       : "| Severity | Rule | Location | Message |\n|---|---|---|---|\n"
        for f in report.findings {
            var row = "| \(f.severity.rawValue) | `\(code(f.ruleID))` | `\(code(f.path)):\(f.line)` |"
            if history {
                row += f.commit.map { " `\(code(String($0.commit.prefix(12))))` \(cell($0.author)) |" } ?? " |"
            }
            out += row + " \(cell(f.message + (f.validation.map { " (validation: \($0.summary))" } ?? ""))) |\n"
        }
        return out + "\n\(cell(summary))\n"
    }

    /// Table-cell text: no line breaks, no pipes, no HTML.
    func cell(_ text: String) -> String {
        var out = ""
        for c in escapeControls(text).unicodeScalars {
            switch c {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "`", "*", "_", "[", "]": out += "\\" + String(c)
            case "\n", "\r": out += " "
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Text inside a code span: a backtick would end it early and a pipe the cell.
    func code(_ text: String) -> String {
        var out = ""
        for c in escapeControls(text).unicodeScalars {
            switch c {
            case "`": out += "'"
            case "|": out += "\\|"
            case "\n", "\r": out += " "
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
