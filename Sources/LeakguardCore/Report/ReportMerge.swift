import LeakguardBase
/// `report merge`: leakguard JSON reports (of many repositories, or many shards of one) read back
/// and combined into one report whose findings name their repository and whose counts add up.
public enum ReportMerge {
    /// A report that cannot be read; `file` names it.
    public struct ReadError: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var message: String
        public var description: String { "\(file): \(message)" }
    }

    /// Reads the leakguard JSON report at `file`.
    public static func read(file: String) throws(ReadError) -> ScanReport {
        switch readRegularFile(file) {
        case .success(let bytes): return try read(bytes, file: file)
        case .failure(let error): throw ReadError(file: file, message: "cannot read report (\(error))")
        }
    }

    /// Reads one leakguard JSON report. Findings get their repository: the one a merged report
    /// already gave them, else the scan's repository, else the report file's name. Their paths
    /// then start with it (`repo/src/app.py`), so every format names the repository.
    public static func read(_ bytes: [UInt8], file: String) throws(ReadError) -> ScanReport {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw ReadError(file: file, message: "not valid JSON (\(error))")
        }
        guard document["tool"]?["name"]?.stringValue == "leakguard", let findings = document["findings"]?.arrayValue,
              let summary = document["summary"], case .object = summary else {
            throw ReadError(file: file, message: "not a leakguard JSON report (expected tool.name \"leakguard\", findings and summary; write one with `leakguard scan --format json`)")
        }
        let scan = document["scan"]
        var report = ScanReport()
        let fallbackName = reportName(file)
        let repository = scan?["repository"]?.stringValue ?? fallbackName
        for (index, f) in findings.enumerated() {
            report.findings.append(try finding(f, index: index, repository: repository, file: file))
        }
        report.summary.files = summary["files"]?.intValue ?? 0
        report.summary.bytes = summary["bytes"]?.intValue ?? 0
        report.summary.durationMs = summary["durationMs"]?.doubleValue ?? 0
        report.summary.commits = summary["commits"]?.intValue
        report.summary.blobs = summary["blobs"]?.intValue
        for k in document["skipped"]?.arrayValue ?? [] {
            guard let path = k["file"]?.stringValue else { continue }
            let reason = k["reason"]?.stringValue.flatMap(SkippedFile.Reason.init(rawValue:)) ?? .unreadable
            let merged = scan?["parts"] != nil
            report.summary.skipped.append(SkippedFile(path: merged ? path : repository + "/" + path, reason: reason,
                                                      detail: k["detail"]?.stringValue ?? ""))
        }
        report.warnings = (document["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
        if let scan {
            report.scan.roots = (scan["roots"]?.arrayValue ?? []).compactMap(\.stringValue)
            report.scan.repository = repository
            report.scan.mode = scan["mode"]?.stringValue ?? "tree"
            report.scan.revisions = (scan["revisions"]?.arrayValue ?? []).compactMap(\.stringValue)
            report.scan.rulesSource = scan["rules"]?["source"]?.stringValue ?? ""
            report.scan.ruleCount = scan["rules"]?["count"]?.intValue ?? 0
            report.scan.rulesDigest = scan["rules"]?["digest"]?.stringValue ?? ""
            report.scan.startedAt = scan["startedAt"]?.stringValue ?? ""
            report.scan.failOn = scan["failOn"]?.stringValue.flatMap(Severity.init(rawValue:)) ?? .warning
            report.scan.parts = (scan["parts"]?.arrayValue ?? []).compactMap { p in
                guard let name = p["repository"]?.stringValue else { return nil }
                return ReportPart(repository: name, source: p["source"]?.stringValue ?? file, mode: p["mode"]?.stringValue ?? "",
                                  revisions: (p["revisions"]?.arrayValue ?? []).compactMap(\.stringValue),
                                  startedAt: p["startedAt"]?.stringValue ?? "", files: p["files"]?.intValue ?? 0,
                                  bytes: p["bytes"]?.intValue ?? 0, commits: p["commits"]?.intValue,
                                  findings: p["findings"]?.intValue ?? 0, durationMs: p["durationMs"]?.doubleValue ?? 0)
            }
        } else {
            report.scan.repository = repository
        }
        return report
    }

    static func finding(_ f: JSONValue, index: Int, repository: String, file: String) throws(ReadError) -> Finding {
        guard let rule = f["rule"]?.stringValue, let path = f["file"]?.stringValue, let line = f["line"]?.intValue,
              let column = f["column"]?.intValue else {
            throw ReadError(file: file, message: "finding \(index + 1) lacks rule, file, line or column")
        }
        guard let severity = Severity(rawValue: f["severity"]?.stringValue ?? "") else {
            throw ReadError(file: file, message: "finding \(index + 1) has no valid severity (error, warning or note)")
        }
        let category = Category(rawValue: f["category"]?.stringValue ?? "") ?? .secret
        var commit: CommitInfo?
        if let hash = f["commit"]?.stringValue {
            commit = CommitInfo(commit: hash, author: f["author"]?.stringValue ?? "", email: f["email"]?.stringValue ?? "",
                                date: f["date"]?.stringValue ?? "")
        }
        // A finding of a merged report already names its repository and starts with it.
        let named = f["repository"]?.stringValue
        var finding = Finding(ruleID: rule, category: category, severity: severity, message: f["message"]?.stringValue ?? "",
                              path: named != nil ? path : repository + "/" + path, line: line, column: column,
                              endLine: f["endLine"]?.intValue ?? line, endColumn: f["endColumn"]?.intValue ?? column,
                              secret: f["secret"]?.stringValue ?? "", lineText: f["excerpt"]?.stringValue ?? "",
                              entropy: f["entropy"]?.doubleValue, fingerprint: f["fingerprint"]?.stringValue ?? "",
                              commit: commit, help: f["help"]?.stringValue)
        finding.repository = named ?? repository
        return finding
    }

    /// `reports/api-server.json` → `api-server`.
    static func reportName(_ file: String) -> String {
        var name = basename(file)
        if name.hasSuffix(".json") { name.removeLast(5) }
        return name.isEmpty ? file : name
    }

    /// One report of all `reports` (paired with the files they came from): findings of all,
    /// each finding once (shards that overlap report it twice), counts added, one part each.
    public static func merge(_ reports: [(file: String, report: ScanReport)]) -> ScanReport {
        var out = ScanReport()
        out.scan.mode = "merged"
        var seen = Set<String>()
        var starts: [String] = []
        for (file, report) in reports {
            for f in report.findings {
                let key = [f.repository ?? "", f.path, f.ruleID, String(f.line), String(f.column), f.fingerprint, f.commit?.commit ?? ""]
                    .joined(separator: "\u{0}")
                if seen.insert(key).inserted { out.findings.append(f) }
            }
            out.warnings += report.warnings
            out.summary.files += report.summary.files
            out.summary.bytes += report.summary.bytes
            out.summary.skipped += report.summary.skipped
            // Shards run side by side: the audit took as long as the longest one.
            out.summary.durationMs = max(out.summary.durationMs, report.summary.durationMs)
            if let c = report.summary.commits { out.summary.commits = (out.summary.commits ?? 0) + c }
            if let b = report.summary.blobs { out.summary.blobs = (out.summary.blobs ?? 0) + b }
            out.scan.roots += report.scan.roots
            if !report.scan.startedAt.isEmpty { starts.append(report.scan.startedAt) }
            if out.scan.rulesSource.isEmpty {
                out.scan.rulesSource = report.scan.rulesSource
                out.scan.ruleCount = report.scan.ruleCount
                out.scan.rulesDigest = report.scan.rulesDigest
            } else if out.scan.rulesDigest != report.scan.rulesDigest {
                out.warnings.append("\(file): scanned with other rules (digest \(report.scan.rulesDigest), not \(out.scan.rulesDigest)); its findings are not comparable one for one")
            }
            out.scan.failOn = out.scan.parts.isEmpty ? report.scan.failOn : min(out.scan.failOn, report.scan.failOn)
            if !report.scan.parts.isEmpty {
                out.scan.parts += report.scan.parts
            } else {
                out.scan.parts.append(ReportPart(
                    repository: report.scan.repository ?? reportName(file), source: file, mode: report.scan.mode,
                    revisions: report.scan.revisions, startedAt: report.scan.startedAt, files: report.summary.files,
                    bytes: report.summary.bytes, commits: report.summary.commits, findings: report.findings.count,
                    durationMs: report.summary.durationMs))
            }
        }
        out.scan.startedAt = starts.min() ?? ""
        out.sortFindings()
        return out
    }
}
