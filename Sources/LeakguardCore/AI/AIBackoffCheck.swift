import LeakguardBase
import PythonCheck

/// The AI-backoff check as a content check: Python sources and notebooks, findings in the
/// `ai` category. The analysis itself lives in the PythonCheck module.
public struct AIBackoffCheck: ContentCheck {
    let config: PythonCheckConfig
    let enabled: Bool
    /// PythonCheck's trigger words, and where they start among the detector's extra keywords.
    let triggerWords: [(word: String, tag: Int)]
    var triggerOffset: Int?

    /// `scanRoots`: the paths of a tree scan, whose dependency files (requirements*.txt,
    /// pyproject.toml, lock files) tell which SDK versions a file uses; empty assumes current SDKs.
    public init(settings: AISettings, scanRoots: [String] = []) {
        var config = PythonCheckConfig()
        if !scanRoots.isEmpty { config.dependencyPins = DependencyPinResolver(roots: scanRoots) }
        config.strict = settings.strict
        config.disabledRules = settings.disabledRules
        for (id, severity) in settings.severity {
            config.severityOverrides[id] = PythonSeverity(rawValue: severity.rawValue)
        }
        config.extraDecorators = settings.extraDecorators
        config.extraSDKs = settings.extraSDKs.map {
            AISDKSpec(module: $0.module, constructors: $0.constructors, calls: $0.calls, retriesByDefault: $0.retriesByDefault)
        }
        config.extraSinks = settings.extraSinks.map {
            OutputSink($0.pattern, $0.label, OutputSink.Family(rawValue: $0.family) ?? .custom, kind: OutputSink.Kind(rawValue: $0.kind) ?? .call)
        }
        config.extraModeration = settings.moderation.map { ModerationCheck($0, $0) }
            + settings.moderationDecorators.map { ModerationCheck($0, $0, kind: .decorator) }
        self.config = config
        self.enabled = settings.enabled
        self.triggerWords = PythonCheck.triggerWords(for: config)
    }

    public static var rules: [RuleMetadata] {
        PythonCheck.rules.map {
            RuleMetadata(id: $0.id, category: .ai, severity: Severity(rawValue: $0.severity.rawValue) ?? .warning,
                         description: $0.summary, tags: ["ai", "python"],
                         helpUri: $0.id == "ai-output-unmoderated" ? leakguardDocsURL + "/README.md#ai-output-unmoderated" : nil)
        }
    }

    public func wants(path: String) -> Bool {
        enabled && (path.hasSuffix(".py") || path.hasSuffix(".ipynb") || path.hasSuffix(".pyw"))
    }

    public func check(_ fragment: Fragment, scratch: DetectorScratch) -> FragmentResult {
        var mention: Int?
        if let offset = triggerOffset, let seen = scratch.extraKeywordsSeen(for: fragment.bytes) {
            // The keyword pass is case-insensitive, so this may say "maybe" where PythonCheck's
            // own filter would say no; never the reverse.
            var tags = 0
            for (i, word) in triggerWords.enumerated() where seen[offset + i] { tags |= word.tag }
            if tags & ~8 == 0 { return FragmentResult() }  // a POST alone (tag 8) is no reason
            mention = tags
        }
        let result = fragment.path.hasSuffix(".ipynb")
            ? PythonCheck.checkNotebook(json: fragment.bytes, path: fragment.path, config: config)
            : PythonCheck.check(source: fragment.bytes, path: fragment.path, config: config, mention: mention)
        var out = FragmentResult()
        if let note = result.parseNote { out.warnings.append("\(fragment.path): AI-backoff check skipped part of the file: \(note)") }
        if let note = result.limitNote { out.warnings.append("\(fragment.path): AI-backoff check stopped early: \(note)") }
        guard !result.findings.isEmpty else { return out }
        var lines = LineIndex(fragment.bytes)
        let base = fragment.bytes.baseAddress!
        for f in result.findings {
            let range = lines.lineRange(ofLine: f.line) ?? 0..<0
            let lineBytes = UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
            if Detector.isSuppressed(lineBytes) { continue }
            if let filter = fragment.lines, !filter.contains(lines.gitLine(of: range.lowerBound)) { continue }
            let fullLine = String(decoding: lineBytes, as: UTF8.self)
            // The literal handed to the client is the secret: redaction must know it.
            var secret = ""
            if f.ruleID == "ai-key-hardcoded", f.line == f.endLine {
                secret = Self.literalValue(fullLine, from: f.column, to: f.endColumn)
            }
            let span = Self.byteRange(fullLine, from: f.column, to: f.line == f.endLine ? f.endColumn : f.column)
            var finding = Finding(
                ruleID: f.ruleID, category: .ai, severity: Severity(rawValue: f.severity.rawValue) ?? .warning,
                message: f.message, path: fragment.path, line: f.line, column: f.column,
                endLine: f.endLine, endColumn: f.endColumn, secret: secret,
                lineText: Excerpt.window(lineBytes, around: span),
                fingerprint: Finding.fingerprint(rule: f.ruleID, path: fragment.path, content: fullLine.trimmed()),
                commit: fragment.commit)
            if let cell = f.cell, let line = f.cellLine { finding.notebookCell = NotebookCell(cell: cell, line: line) }
            out.findings.append(finding)
        }
        return out
    }

    /// Byte offsets in `line` of the 1-based character columns `from..<to`.
    static func byteRange(_ line: String, from: Int, to: Int) -> Range<Int> {
        var lower = 0, upper = 0, column = 1, offset = 0
        for scalar in line.unicodeScalars {
            if column == from { lower = offset }
            if column == to { upper = offset; break }
            offset += UTF8.width(scalar)
            column += 1
        }
        if column < to { upper = offset }
        return lower..<max(lower, upper)
    }

    /// The text of the string literal between two columns, without prefix and quotes.
    static func literalValue(_ line: String, from: Int, to: Int) -> String {
        let scalars = Array(line.unicodeScalars)
        guard from >= 1, to - 1 <= scalars.count, from < to else { return "" }
        var body = scalars[(from - 1)..<(to - 1)]
        while let first = body.first, "bBrRuUfF".unicodeScalars.contains(first) { body.removeFirst() }
        while let first = body.first, first == "\"" || first == "'" { body.removeFirst() }
        while let last = body.last, last == "\"" || last == "'" { body.removeLast() }
        var out = ""
        out.unicodeScalars.append(contentsOf: body)
        return out
    }
}
