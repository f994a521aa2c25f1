/// The audit report: one self-contained HTML file (style, script and SVG charts inline, nothing
/// loaded from the network; a Content-Security-Policy forbids it). The summary, the charts and
/// the findings table work without JavaScript; the script adds filtering, sorting and copy
/// buttons. Like every format it renders the redacted report that `ReportOutput` hands it.
public struct HTMLReporter: Reporter {
    public init() {}

    public func render(_ report: ScanReport, context: ReportContext) -> String {
        let page = Page(report: report, context: context)
        return page.document()
    }
}

/// One report being rendered: the findings and the counts the sections share.
private struct Page {
    let report: ScanReport
    let context: ReportContext
    let findings: [Finding]
    let descriptions: [String: String]
    let isHistory: Bool
    let isMerged: Bool

    init(report: ScanReport, context: ReportContext) {
        self.report = report
        self.context = context
        findings = report.findings
        var descriptions: [String: String] = [:]
        for r in context.rules where descriptions[r.id] == nil { descriptions[r.id] = r.description }
        self.descriptions = descriptions
        isHistory = report.findings.contains { $0.commit != nil } || report.scan.mode == "history"
            || report.scan.parts.contains { $0.mode == "history" }
        isMerged = !report.scan.parts.isEmpty
    }

    func document() -> String {
        // The policy allows this script and no other: its hash covers the element's whole text.
        let script = "\n" + HTMLReportAssets.script + "\n"
        let policy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-\(base64(SHA256.digest(Array(script.utf8))))'; "
            + "img-src data:; base-uri 'none'; form-action 'none'"
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(escape(policy))\"/>\n"
        out += "<meta name=\"generator\" content=\"leakguard \(leakguardVersion)\"/>\n"
        out += "<title>\(escape(title))</title>\n<style>\n\(HTMLReportAssets.style)\n</style>\n</head>\n<body>\n"
        out += "<a class=\"skip\" href=\"#findings-section\">Skip to the findings</a>\n<main>\n"
        out += header()
        out += tiles()
        out += rotateFirst()
        out += charts()
        if isMerged { out += repositories() }
        out += findingsTable()
        if let inventory = context.inventory, !inventory.entries.isEmpty { out += aiInventory(inventory) }
        out += skipped()
        out += "<footer>Made by leakguard \(escape(leakguardVersion)). Secrets are redacted; excerpts are masked. "
        out += "Fingerprints go in a baseline (<code>.leakguard-baseline.json</code>) to accept a finding.</footer>\n"
        out += "</main>\n<script>\(script)</script>\n</body>\n</html>\n"
        return out
    }

    var title: String {
        if let repository = report.scan.repository { return "leakguard audit: \(repository)" }
        if isMerged { return "leakguard audit: \(report.scan.parts.count) reports" }
        return "leakguard audit"
    }

    var failing: [Finding] { findings.filter { $0.severity >= report.scan.failOn } }

    // MARK: Header

    func header() -> String {
        let scan = report.scan
        let s = report.summary
        var out = "<header>\n<h1>\(escape(title))</h1>\n"
        let failed = failing
        if failed.isEmpty {
            out += "<p class=\"verdict pass\" id=\"verdict\">Passes (exit 0): no finding at or above \(scan.failOn.rawValue)"
            out += findings.isEmpty ? ".</p>\n" : "; \(plural(findings.count, "finding")) below it.</p>\n"
        } else {
            out += "<p class=\"verdict fail\" id=\"verdict\">Fails (exit 1): \(plural(failed.count, "finding")) at or above \(scan.failOn.rawValue)"
            out += " (\(severityBreakdown(failed))).</p>\n"
        }
        out += "<dl class=\"facts\">\n"
        var facts: [(String, String)] = []
        if isMerged {
            let names = uniqueInOrder(scan.parts.map(\.repository))
            facts.append(("Scanned", "\(plural(names.count, "repository", "repositories")) from \(plural(scan.parts.count, "report")): " + names.prefix(12).joined(separator: ", ") + (names.count > 12 ? ", …" : "")))
        } else {
            facts.append(("Scanned", scan.roots.isEmpty ? "(not recorded)" : scan.roots.joined(separator: ", ")))
        }
        facts.append(("Mode", modeDescription))
        if !scan.revisions.isEmpty { facts.append(("Commits", scan.revisions.joined(separator: " "))) }
        if !scan.rulesSource.isEmpty {
            facts.append(("Rules", "\(scan.rulesSource), \(plural(scan.ruleCount, "rule")) (digest \(scan.rulesDigest)), leakguard \(leakguardVersion)"))
        }
        if !scan.startedAt.isEmpty { facts.append(("Started", scan.startedAt)) }
        facts.append(("Took", duration(s.durationMs)))
        var covered = "\(plural(s.files, "file")) (\(formatBytes(s.bytes)))"
        if let c = s.commits { covered += ", \(plural(c, "commit"))" }
        if let b = s.blobs { covered += ", \(plural(b, "distinct blob"))" }
        if !s.skipped.isEmpty { covered += "; \(s.skipped.count) skipped" }
        facts.append(("Covered", covered))
        for (term, value) in facts { out += "<dt>\(escape(term))</dt><dd>\(escape(value))</dd>\n" }
        out += "</dl>\n"
        if !report.warnings.isEmpty {
            out += "<details><summary>\(plural(report.warnings.count, "warning")) from the scan</summary><ul>\n"
            for w in report.warnings.prefix(200) { out += "<li>\(escape(w))</li>\n" }
            out += "</ul></details>\n"
        }
        return out + "</header>\n"
    }

    var modeDescription: String {
        switch report.scan.mode {
        case "history": "git history (every distinct file version once)"
        case "staged": "staged changes"
        case "merged":
            "merged report (" + uniqueInOrder(report.scan.parts.map(\.mode)).filter { !$0.isEmpty }.joined(separator: ", ") + ")"
        default: "files (working tree)"
        }
    }

    func tiles() -> String {
        var out = "<ul class=\"tiles\" aria-label=\"Counts\">\n"
        out += tile("total", "findings", findings.count)
        for severity in [Severity.error, .warning, .note] {
            out += tile(severity.rawValue, severity.rawValue + "s", findings.count(where: { $0.severity == severity }))
        }
        for category in categories where category != .config || findings.contains(where: { $0.category == .config }) {
            out += tile("category-" + category.rawValue, categoryName(category), findings.count(where: { $0.category == category }))
        }
        return out + "</ul>\n"
    }

    func tile(_ id: String, _ label: String, _ n: Int) -> String {
        "<li class=\"\(id)\"><span class=\"n\" id=\"count-\(id)\" data-count=\"\(n)\">\(n)</span>\(escape(label))</li>\n"
    }

    var categories: [Category] { [.secret, .dotenv, .ai, .config] }

    func categoryName(_ c: Category) -> String {
        switch c {
        case .secret: "secrets"
        case .dotenv: ".env hygiene"
        case .ai: "AI calls"
        case .config: "gate config"
        }
    }

    // MARK: Rotate first

    /// Provider keys (not generic matches), worst first and, among equals, longest in history.
    func rotateFirst() -> String {
        let keys = findings.filter { $0.category == .secret && !$0.secret.isEmpty && !isGeneric($0.ruleID) }
        guard !keys.isEmpty else { return "" }
        let ordered = keys.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            let da = a.commit?.date ?? "~", db = b.commit?.date ?? "~"
            if da != db { return da < db }
            return a.path < b.path
        }
        let limit = 25
        var out = "<section id=\"rotate\" aria-labelledby=\"rotate-title\">\n<h2 id=\"rotate-title\">Rotate first</h2>\n"
        out += "<p class=\"muted\">Provider keys that look live, the most severe first and, among those, the longest in history. "
        out += "Removing a key from the code does not revoke it: rotate it at the provider, then load it from the environment.</p>\n"
        out += "<table><thead><tr><th>Key</th><th>Where</th><th>In history since</th><th>Where to rotate it</th></tr></thead><tbody>\n"
        for f in ordered.prefix(limit) {
            out += "<tr><td><span class=\"badge \(f.severity.rawValue)\">\(f.severity.rawValue)</span> <code>\(escape(f.ruleID))</code>\(validationBadge(f))<br/><code>\(escape(f.secret))</code></td>"
            out += "<td class=\"loc\"><code>\(escape(f.path)):\(f.line)</code></td>"
            if let c = f.commit {
                let days = daysBetween(c.date, report.scan.startedAt)
                out += "<td>\(escape(String(c.date.prefix(10))))\(days.map { " (\(plural($0, "day")))" } ?? "")<br/><code>\(escape(String(c.commit.prefix(12))))</code></td>"
            } else {
                out += "<td class=\"muted\">working tree</td>"
            }
            let whereTo = f.help ?? "Revoke it in the provider's console (\(descriptions[f.ruleID] ?? f.ruleID)) and issue a new one."
            out += "<td>\(escape(whereTo))</td></tr>\n"
        }
        out += "</tbody></table>\n"
        if ordered.count > limit { out += "<p class=\"muted\">\(ordered.count - limit) more in the findings table.</p>\n" }
        return out + "</section>\n"
    }

    func isGeneric(_ rule: String) -> Bool {
        rule.hasPrefix("generic") || rule == "url-credentials" || rule.hasSuffix("-generic")
    }

    // MARK: Charts

    func charts() -> String {
        guard !findings.isEmpty else { return "" }
        var figures: [String] = []
        let bySeverity = { (items: [Finding]) -> [(Severity, Int)] in
            [Severity.error, .warning, .note].map { s in (s, items.count(where: { $0.severity == s })) }
        }
        var categoryRows: [BarRow] = []
        for c in categories {
            let items = findings.filter { $0.category == c }
            if !items.isEmpty { categoryRows.append(BarRow(label: categoryName(c), segments: bySeverity(items))) }
        }
        figures.append(figure("chart-categories", "Findings by category and severity", Chart.bars(categoryRows), legend: true))

        let ruleCounts = countBy(findings) { $0.ruleID }.prefix(10)
        figures.append(figure("chart-rules", "Top rules", Chart.bars(ruleCounts.map { rule, _ in
            BarRow(label: rule, segments: bySeverity(findings.filter { $0.ruleID == rule }))
        }), legend: true))

        let directories = countBy(findings) { directory(of: $0.path) }.prefix(12)
        figures.append(figure("chart-directories", "Findings by directory", Chart.bars(directories.map {
            BarRow(label: $0.0, segments: [(nil, $0.1)])
        })))

        let introduced = findings.filter { $0.commit != nil }
        if !introduced.isEmpty {
            let months = Dictionary(grouping: introduced) { String($0.commit!.date.prefix(7)) }
            let columns = months.keys.sorted().map { ($0, months[$0]!.count) }
            figures.append(figure("chart-timeline", "When findings were introduced (by commit month)", Chart.columns(columns)))
            let authors = countBy(introduced) { $0.commit!.author.isEmpty ? $0.commit!.email : $0.commit!.author }.prefix(10)
            figures.append(figure("chart-authors", "Introduced by author", Chart.bars(authors.map {
                BarRow(label: $0.0, segments: [(nil, $0.1)])
            })))
        }

        let ai = findings.filter { $0.category == .ai }
        if !ai.isEmpty {
            // The AI check reports the calls it finds unprotected (no backoff, or a key in code),
            // by the rule that judged them.
            let rules = countBy(ai) { $0.ruleID }
            figures.append(figure("chart-ai", "AI calls flagged, by check", Chart.bars(rules.map { rule, _ in
                BarRow(label: rule, segments: bySeverity(ai.filter { $0.ruleID == rule }))
            }), legend: true))
        }
        return "<section id=\"charts-section\" aria-labelledby=\"charts-title\">\n<h2 id=\"charts-title\">Overview</h2>\n<div class=\"charts\">\n"
            + figures.joined() + "</div>\n</section>\n"
    }

    func figure(_ id: String, _ caption: String, _ svg: String, legend: Bool = false) -> String {
        var out = "<figure id=\"\(id)\"><figcaption id=\"\(id)-title\">\(escape(caption))</figcaption>\n"
        out += svg.replacingAll("aria-labelledby=\"CHART\"", with: "aria-labelledby=\"\(id)-title\"")
        if legend {
            out += "<p class=\"legend\" aria-hidden=\"true\"><span class=\"swatch error\"></span>error<span class=\"swatch warning\"></span>warning<span class=\"swatch note\"></span>note</p>\n"
        }
        return out + "</figure>\n"
    }

    /// The directory a finding is in, two levels deep (`repo/src`); files at the top: `(top level)`.
    func directory(of path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        if parts.isEmpty { return "(top level)" }
        return parts.prefix(2).joined(separator: "/") + "/"
    }

    // MARK: Repositories (merged reports)

    func repositories() -> String {
        var out = "<section id=\"repositories\" aria-labelledby=\"repositories-title\">\n<h2 id=\"repositories-title\">Repositories</h2>\n"
        out += "<table id=\"repository-table\"><thead><tr><th>Repository</th><th>Mode</th><th class=\"num\">Files</th><th class=\"num\">Size</th>"
        out += "<th class=\"num\">Commits</th><th class=\"num\">Findings</th><th class=\"num\">Errors</th><th class=\"num\">Took</th><th>Started</th><th>Report</th></tr></thead><tbody>\n"
        var errors: [String: Int] = [:]
        for f in findings where f.severity == .error { errors[f.repository ?? "", default: 0] += 1 }
        for p in report.scan.parts {
            out += "<tr><td><code>\(escape(p.repository))</code></td><td>\(escape(p.mode + (p.revisions.isEmpty ? "" : " " + p.revisions.joined(separator: " "))))</td>"
            out += "<td class=\"num\">\(p.files)</td><td class=\"num\">\(escape(formatBytes(p.bytes)))</td><td class=\"num\">\(p.commits.map(String.init) ?? "")</td>"
            out += "<td class=\"num\" data-count=\"\(p.findings)\">\(p.findings)</td><td class=\"num\">\(errors[p.repository] ?? 0)</td>"
            out += "<td class=\"num\">\(escape(duration(p.durationMs)))</td><td>\(escape(p.startedAt))</td><td><code>\(escape(p.source))</code></td></tr>\n"
        }
        return out + "</tbody></table>\n</section>\n"
    }

    // MARK: Findings

    func findingsTable() -> String {
        var out = "<section id=\"findings-section\" aria-labelledby=\"findings-title\">\n<h2 id=\"findings-title\">Findings</h2>\n"
        guard !findings.isEmpty else { return out + "<p>No findings.</p>\n</section>\n" }
        out += "<form class=\"filters\" id=\"filters\" hidden=\"hidden\" role=\"search\" aria-label=\"Filter findings\">\n"
        out += select("category", "Category", uniqueInOrder(findings.map(\.category.rawValue)).sorted())
        out += select("severity", "Severity", [Severity.error, .warning, .note].map(\.rawValue).filter { s in findings.contains { $0.severity.rawValue == s } })
        out += select("rule", "Rule", uniqueInOrder(findings.map(\.ruleID)).sorted())
        out += "<label>Path contains<input type=\"search\" name=\"path\" id=\"filter-path\"/></label>\n"
        out += "<label>Search<input type=\"search\" name=\"q\" id=\"filter-q\" placeholder=\"rule, path, message, author…\"/></label>\n"
        out += "<button type=\"reset\">Clear</button>\n<output id=\"shown\" aria-live=\"polite\"></output>\n</form>\n"
        out += "<table id=\"findings\"><thead><tr>"
        out += "<th class=\"num\"><button type=\"button\">Severity</button></th><th><button type=\"button\">Category</button></th>"
        out += "<th><button type=\"button\">Rule</button></th><th><button type=\"button\">Location</button></th>"
        if isHistory { out += "<th><button type=\"button\">Introduced</button></th>" }
        out += "<th><button type=\"button\">Finding</button></th></tr></thead>\n<tbody>\n"
        for (index, f) in findings.enumerated() { out += row(f, index: index) }
        return out + "</tbody></table>\n</section>\n"
    }

    func select(_ name: String, _ label: String, _ values: [String]) -> String {
        var out = "<label>\(escape(label))<select name=\"\(name)\" id=\"filter-\(name)\"><option value=\"\">all</option>"
        for v in values { out += "<option value=\"\(escape(v))\">\(escape(v))</option>" }
        return out + "</select></label>\n"
    }

    func row(_ f: Finding, index: Int) -> String {
        var out = "<tr class=\"finding\" data-index=\"\(index)\" data-severity=\"\(f.severity.rawValue)\" data-category=\"\(f.category.rawValue)\""
        out += " data-rule=\"\(escape(f.ruleID))\" data-path=\"\(escape(f.path))\" data-fingerprint=\"\(escape(f.fingerprint))\">"
        let rank = f.severity == .error ? 2 : f.severity == .warning ? 1 : 0
        out += "<td class=\"num\" data-sort=\"\(rank)\"><span class=\"badge \(f.severity.rawValue)\">\(f.severity.rawValue)</span></td>"
        out += "<td>\(f.category.rawValue)</td><td><code>\(escape(f.ruleID))</code>\(validationBadge(f))</td>"
        out += "<td class=\"loc\" data-sort=\"\(escape(f.path)):\(pad(f.line))\"><code>\(escape(f.path)):\(f.line):\(f.column)</code></td>"
        if isHistory {
            if let c = f.commit {
                out += "<td data-sort=\"\(escape(c.date))\">\(escape(String(c.date.prefix(10))))<br/><span class=\"muted\">\(escape(c.author))</span></td>"
            } else {
                out += "<td data-sort=\"\"></td>"
            }
        }
        out += "<td><details><summary>\(escape(firstLine(f.message)))</summary>\n"
        if !f.lineText.isEmpty { out += "<pre>\(escape(f.lineText))</pre>\n" }
        out += "<dl>"
        out += "<dt>Message</dt><dd>\(escape(f.message))</dd>"
        if !f.secret.isEmpty { out += "<dt>Secret</dt><dd><code>\(escape(f.secret))</code> (redacted)</dd>" }
        if let help = f.help { out += "<dt>Fix</dt><dd>\(escape(help))</dd>" }
        if let v = f.validation { out += "<dt>Validation</dt><dd>\(escape(v.summary))</dd>" }
        if let description = descriptions[f.ruleID], !description.isEmpty, description != f.message {
            out += "<dt>Rule</dt><dd>\(escape(description))</dd>"
        }
        if let repository = f.repository { out += "<dt>Repository</dt><dd><code>\(escape(repository))</code></dd>" }
        if let c = f.commit {
            out += "<dt>Commit</dt><dd><code>\(escape(c.commit))</code> by \(escape(c.author)) &lt;\(escape(c.email))&gt; on \(escape(c.date))</dd>"
        }
        if let e = f.entropy { out += "<dt>Entropy</dt><dd>\(format1(e))</dd>" }
        out += "<dt>Fingerprint</dt><dd><code>\(escape(f.fingerprint))</code><button type=\"button\" class=\"copy\" hidden=\"hidden\" data-copy=\"\(escape(f.fingerprint))\" aria-label=\"Copy the fingerprint for a baseline\">Copy</button></dd>"
        out += "</dl></details></td></tr>\n"
        return out
    }

    func skipped() -> String {
        let skipped = report.summary.skipped
        guard !skipped.isEmpty else { return "" }
        var out = "<section id=\"skipped\"><h2>Not scanned</h2><details><summary>\(plural(skipped.count, "file")) skipped</summary><ul>\n"
        for k in skipped.prefix(1000) {
            out += "<li><code>\(escape(k.path))</code>: \(escape(k.reason.rawValue))\(k.detail.isEmpty ? "" : " (" + escape(k.detail) + ")")</li>\n"
        }
        if skipped.count > 1000 { out += "<li>… \(skipped.count - 1000) more (see the JSON report)</li>\n" }
        return out + "</ul></details></section>\n"
    }
}

/// One bar of a bar chart: a label and its parts (a severity each, or nil for the plain colour).
private struct BarRow {
    var label: String
    var segments: [(Severity?, Int)]
    var total: Int { segments.reduce(0) { $0 + $1.1 } }
}

/// Inline SVG charts. Sized by their viewBox, so they scale with the page and print.
private enum Chart {
    /// Close to the width a chart gets on the page, so its text stays readable.
    static let width = 400

    static func bars(_ rows: [BarRow]) -> String {
        let rowHeight = 22, labelWidth = 150, countWidth = 36
        let height = max(1, rows.count) * rowHeight + 4
        let maxValue = max(1, rows.map(\.total).max() ?? 1)
        let barSpace = width - labelWidth - countWidth
        var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"CHART\">\n"
        for (i, row) in rows.enumerated() {
            let y = i * rowHeight + 2
            out += "<g><title>\(escape(row.label)): \(row.total)</title>"
            out += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\">\(escape(truncate(row.label, 21)))</text>"
            var x = Double(labelWidth)
            for (severity, value) in row.segments where value > 0 {
                let w = max(2, Double(barSpace) * Double(value) / Double(maxValue))
                out += "<rect class=\"\(severity.map { "sev-" + $0.rawValue } ?? "bar")\" x=\"\(fixed(x))\" y=\"\(y + 3)\" width=\"\(fixed(w))\" height=\"\(rowHeight - 8)\" rx=\"2\"/>"
                x += w
            }
            out += "<text class=\"muted\" x=\"\(fixed(x + 6))\" y=\"\(y + 16)\">\(row.total)</text></g>\n"
        }
        return out + "</svg>\n"
    }

    /// Vertical bars in order (a timeline), labels under the first, last and every few bars.
    static func columns(_ items: [(String, Int)]) -> String {
        let height = 150, bottom = 22, top = 16
        let maxValue = max(1, items.map(\.1).max() ?? 1)
        let slot = Double(width - 20) / Double(max(1, items.count))
        let every = max(1, Int((Double(items.count) / 8).rounded(.up)))
        var out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-labelledby=\"CHART\">\n"
        out += "<line x1=\"10\" x2=\"\(width - 10)\" y1=\"\(height - bottom)\" y2=\"\(height - bottom)\" stroke=\"currentColor\" stroke-opacity=\"0.3\"/>\n"
        for (i, (label, value)) in items.enumerated() {
            let h = max(2, Double(height - bottom - top) * Double(value) / Double(maxValue))
            let x = 10 + Double(i) * slot
            let w = max(2, slot * 0.7)
            out += "<g><title>\(escape(label)): \(value)</title><rect class=\"bar\" x=\"\(fixed(x + slot * 0.15))\" y=\"\(fixed(Double(height - bottom) - h))\" width=\"\(fixed(w))\" height=\"\(fixed(h))\" rx=\"2\"/>"
            out += "<text class=\"muted\" x=\"\(fixed(x + slot / 2))\" y=\"\(fixed(Double(height - bottom) - h - 3))\" text-anchor=\"middle\">\(value)</text>"
            if i % every == 0 || i == items.count - 1 {
                out += "<text x=\"\(fixed(x + slot / 2))\" y=\"\(height - 6)\" text-anchor=\"middle\">\(escape(label))</text>"
            }
            out += "</g>\n"
        }
        return out + "</svg>\n"
    }

    static func fixed(_ d: Double) -> String { format1(d) }

    static func truncate(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}

extension Page {
    /// The AI inventory: one table per provider, linking its usage policy and rate limits.
    func aiInventory(_ inventory: AIInventory) -> String {
        var out = "<section id=\"ai-inventory\" aria-labelledby=\"ai-inventory-title\">\n<h2 id=\"ai-inventory-title\">AI inventory</h2>\n"
        out += "<p>\(escape(AIInventoryReport.summary(inventory))). Review each provider's usage policy and rate limits before shipping.</p>\n"
        for provider in inventory.providers {
            out += "<h3>\(escape(provider.name))</h3>\n<p>"
            if let docs = provider.docs {
                // Addresses as text: the report links to nothing outside itself.
                out += "usage policy: <code>\(escape(docs.usagePolicy))</code> · rate limits: <code>\(escape(docs.rateLimits))</code>"
            } else {
                out += "usage policy and rate limits: unknown"
            }
            out += "</p>\n<table>\n<thead><tr><th scope=\"col\">Call site</th><th scope=\"col\">Callee</th><th scope=\"col\">Models</th>"
                + "<th scope=\"col\">Backoff</th><th scope=\"col\">Token cap</th><th scope=\"col\">Output</th><th scope=\"col\">Key source</th></tr></thead>\n<tbody>\n"
            for entry in provider.entries {
                let call = entry.call
                out += "<tr><td><code>\(escape(entry.path)):\(call.line)</code></td><td><code>\(escape(call.callee))</code>"
                    + (call.isModeration ? " (moderation check)" : "") + "</td>"
                    + "<td>\(escape(call.models.isEmpty ? "-" : call.models.joined(separator: ", ")))</td>"
                    + "<td>\(escape(AIInventoryReport.backoffText(call.backoff)))</td><td>\(escape(call.tokenCap ?? "none"))</td>"
                    + "<td>\(escape(AIInventoryReport.outputText(call.outputs)))</td>"
                    + "<td>\(escape(call.keySources.map(AIInventoryReport.keyText).joined(separator: "; ")))</td></tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }
        return out + "</section>\n"
    }
}

/// Text for HTML and XML alike: markup characters escaped, control characters and bidirectional
/// overrides shown as escapes (`escapeControls`), so scanned content cannot change the page.
/// `--validate`'s verdict as a badge (live, invalid, unknown), the detail as its tooltip.
private func validationBadge(_ f: Finding) -> String {
    guard let v = f.validation else { return "" }
    return " <span class=\"badge v-\(v.status.rawValue)\" title=\"\(escape(v.summary))\">\(v.status.rawValue)</span>"
}

private func escape(_ text: String) -> String {
    var out = ""
    for scalar in escapeControls(text).unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

private func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? word : plural ?? word + "s")"
}

private func severityBreakdown(_ items: [Finding]) -> String {
    [Severity.error, .warning, .note].compactMap { s in
        let n = items.count(where: { $0.severity == s })
        return n == 0 ? nil : plural(n, s.rawValue)
    }.joined(separator: ", ")
}

private func duration(_ ms: Double) -> String {
    if ms < 1000 { return "\(Int(ms.rounded())) ms" }
    let seconds = ms / 1000
    if seconds < 120 { return format1(seconds) + " s" }
    return "\(Int(seconds / 60)) min \(Int(seconds.truncatingRemainder(dividingBy: 60))) s"
}

private func uniqueInOrder(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}

/// Counts by key, most frequent first (ties by key, so the output is stable).
private func countBy(_ items: [Finding], _ key: (Finding) -> String) -> [(String, Int)] {
    var counts: [String: Int] = [:]
    for f in items { counts[key(f), default: 0] += 1 }
    return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
}

private func firstLine(_ text: String) -> String {
    let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
    return line.count > 160 ? String(line.prefix(159)) + "…" : line
}

private func pad(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, 8 - s.count)) + s
}

/// Whole days from the date at the start of `from` to that of `to` (ISO 8601 dates), if both parse.
private func daysBetween(_ from: String, _ to: String) -> Int? {
    guard let a = dayNumber(from), let b = dayNumber(to) else { return nil }
    return max(0, b - a)
}

/// Days since 1970-01-01 of an ISO 8601 date's calendar day (the civil-from-days inverse).
private func dayNumber(_ iso: String) -> Int? {
    let parts = iso.prefix(10).split(separator: "-")
    guard parts.count == 3, let y0 = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
}

private func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var out = ""
    var i = 0
    while i < bytes.count {
        let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
        out.append(alphabet[b0 >> 2])
        out.append(alphabet[((b0 & 3) << 4) | (b1 >> 4)])
        out.append(i + 1 < bytes.count ? alphabet[((b1 & 15) << 2) | (b2 >> 6)] : "=")
        out.append(i + 2 < bytes.count ? alphabet[b2 & 63] : "=")
        i += 3
    }
    return out
}
