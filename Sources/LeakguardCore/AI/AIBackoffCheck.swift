import PythonCheck

/// The AI-backoff check as a content check: Python sources and notebooks, findings in the
/// `ai` category. The analysis itself lives in the PythonCheck module.
public struct AIBackoffCheck: ContentCheck {
    let config: PythonCheckConfig
    let enabled: Bool
    /// PythonCheck's trigger words, and where they start among the detector's extra keywords.
    let triggerWords: [(word: String, tag: Int)]
    var triggerOffset: Int?

    public init(settings: AISettings) {
        var config = PythonCheckConfig()
        config.strict = settings.strict
        config.disabledRules = settings.disabledRules
        for (id, severity) in settings.severity {
            config.severityOverrides[id] = PythonSeverity(rawValue: severity.rawValue)
        }
        config.extraDecorators = settings.extraDecorators
        config.extraSDKs = settings.extraSDKs.map {
            AISDKSpec(module: $0.module, constructors: $0.constructors, calls: $0.calls, retriesByDefault: $0.retriesByDefault)
        }
        self.config = config
        self.enabled = settings.enabled
        self.triggerWords = PythonCheck.triggerWords(for: config)
    }

    public static var rules: [RuleMetadata] {
        PythonCheck.rules.map {
            RuleMetadata(id: $0.id, category: .ai, severity: Severity(rawValue: $0.severity.rawValue) ?? .warning,
                         description: $0.summary, tags: ["ai", "python"])
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
            var strongest = 0
            for (i, word) in triggerWords.enumerated() where seen[offset + i] { strongest = max(strongest, word.tag) }
            if strongest == 0 { return FragmentResult() }
            mention = strongest
        }
        let result = fragment.path.hasSuffix(".ipynb")
            ? PythonCheck.checkNotebook(json: fragment.bytes, path: fragment.path, config: config)
            : PythonCheck.check(source: fragment.bytes, path: fragment.path, config: config, mention: mention)
        var out = FragmentResult()
        if let note = result.parseNote { out.warnings.append("\(fragment.path): AI-backoff check skipped part of the file: \(note)") }
        guard !result.findings.isEmpty else { return out }
        var lines = LineLocator(bytes: fragment.bytes)
        let base = fragment.bytes.baseAddress!
        for f in result.findings {
            let lineText = lines.text(ofLine: f.line, base: base)
            if Detector.suppressionMarkers.contains(where: { lineText.utf8.contains($0) }) { continue }
            if let filter = fragment.lines, !filter.contains(f.line) { continue }
            out.findings.append(Finding(
                ruleID: f.ruleID, category: .ai, severity: Severity(rawValue: f.severity.rawValue) ?? .warning,
                message: f.message, path: fragment.path, line: f.line, column: f.column,
                endLine: f.endLine, endColumn: f.endColumn, lineText: lineText,
                fingerprint: Finding.fingerprint(rule: f.ruleID, path: fragment.path, content: lineText.trimmed()),
                commit: fragment.commit))
        }
        return out
    }
}

extension LineLocator {
    /// The text of 1-based `line`, without its line break; empty when out of range.
    mutating func text(ofLine line: Int, base: UnsafePointer<UInt8>) -> String {
        guard line >= 1 else { return "" }
        // Find the offset of the line's first byte by walking line starts.
        var offset = 0
        var current = 1
        let n = bytes.count
        while current < line && offset < n {
            if bytes[offset] == 10 { current += 1 }
            offset += 1
        }
        guard current == line, offset <= n else { return "" }
        let range = lineRange(containing: min(offset, max(0, n - 1)))
        if offset == n { return "" }
        return String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
    }
}

extension String.UTF8View {
    func contains(_ needle: [UInt8]) -> Bool {
        let hay = Array(self)
        return hay.withUnsafeBufferPointer { LeakguardCore.contains($0, needle) }
    }
}
