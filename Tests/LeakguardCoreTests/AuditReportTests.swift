import Foundation
import Testing
@testable import LeakguardCore

/// A repository an audit would find everything in: a provider key added and later deleted (it
/// stays in history), another in the working tree, a tracked .env, and an AI call without backoff.
/// Commits have different authors and months, so the history charts have something to draw.
enum AuditFixture {
    static func makeRepository(at dir: String, seed: String) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try TestSupport.git(["init", "-q", "-b", "main"], cwd: dir)
        func commit(_ message: String, author: String, date: String) throws {
            try TestSupport.git(["add", "-A"], cwd: dir)
            try TestSupport.git(["commit", "-q", "-m", message], cwd: dir, environment: [
                "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "\(author.lowercased())@example.com",
                "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date,
            ])
        }
        TestSupport.write("print('hello')\n", to: dir + "/app/main.py")
        TestSupport.write(try TestSupport.fakeSecretLine(rule: "slack-bot-token", seed: seed + "-old") + "\n", to: dir + "/deploy/notify.sh")
        try commit("first", author: "Ada", date: "2023-03-14T10:00:00+00:00")
        try FileManager.default.removeItem(atPath: dir + "/deploy/notify.sh")
        TestSupport.write(try TestSupport.fakeSecretLine(rule: "github-personal-access-token", seed: seed) + "\n", to: dir + "/config/settings.py")
        TestSupport.write("DEBUG=1\n", to: dir + "/.env")
        try commit("settings", author: "Grace", date: "2024-06-02T09:30:00+00:00")
        TestSupport.write("""
        import openai

        def ask(prompt):
            return openai.ChatCompletion.create(model="gpt-3.5-turbo", messages=[{"role": "user", "content": prompt}])
        """, to: dir + "/app/llm.py")
        try commit("llm", author: "Linus", date: "2025-01-20T16:45:00+00:00")
    }

    /// Every secret a scan of `dir` finds, in full (a `--no-redact` JSON report of tree and history).
    static func fullSecrets(_ dir: String) throws -> Set<String> {
        var secrets = Set<String>()
        for mode in [["scan", dir], ["scan", "--git", dir]] {
            let out = try TestSupport.leakguard(mode + ["--format", "json", "--no-redact"])
            let findings = try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]] ?? []
            for f in findings { if let s = f["secret"] as? String, s.count >= 8 { secrets.insert(s) } }
        }
        return secrets
    }
}

@Suite("Audit report")
struct AuditReportTests {
    /// The HTML of a history scan and of the tree scan: well-formed, nothing loaded from outside,
    /// no secret in full, every finding of the JSON report there, and the same counts.
    @Test(arguments: [["--git"], []])
    func htmlReportMatchesJSON(mode: [String]) throws {
        let dir = TestSupport.makeTempDirectory("html")
        defer { TestSupport.removeTree(dir) }
        try AuditFixture.makeRepository(at: dir + "/repo", seed: "html")
        let secrets = try AuditFixture.fullSecrets(dir + "/repo")
        #expect(secrets.count >= 2)
        let json = try TestSupport.leakguard(["scan"] + mode + [dir + "/repo", "--format", "json"])
        #expect(json.status == 1)
        let html = try TestSupport.leakguard(["scan"] + mode + [dir + "/repo", "--format", "html", "--report-path", dir + "/report.html"])
        #expect(html.status == 1, "\(html.stderr)")
        let page = try String(contentsOfFile: dir + "/report.html", encoding: .utf8)
        for secret in secrets { #expect(!page.contains(secret), "a secret is in the page in full") }
        try HTMLChecks.check(page, against: try TestSupport.parseJSON(json.stdout))
        #expect(page.contains("id=\"chart-categories\""))
        if mode == ["--git"] {
            #expect(page.contains("id=\"chart-timeline\"") && page.contains("id=\"chart-authors\""))
            #expect(page.contains("id=\"rotate\""), "provider keys are listed under Rotate first")
            #expect(page.contains("2023-03-14"), "the deleted key's commit date")
        }
    }

    @Test func cleanScanRendersAPassingPage() throws {
        let dir = TestSupport.makeTempDirectory("html-clean")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("print('hello')\n", to: dir + "/main.py")
        let out = try TestSupport.leakguard(["scan", dir, "--format", "html"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("class=\"verdict pass\""))
        try HTMLChecks.wellFormed(out.stdout)
    }

    /// Scanning three repositories apart and merging the reports gives the findings of one scan
    /// of all three, finding for finding.
    @Test func mergeEqualsOneScanOfAllRepositories() throws {
        let dir = TestSupport.makeTempDirectory("merge")
        defer { TestSupport.removeTree(dir) }
        let names = ["alpha", "beta", "gamma"]
        for name in names { try AuditFixture.makeRepository(at: dir + "/" + name, seed: name) }
        for name in names {
            let out = try TestSupport.leakguard(["scan", name, "--format", "json", "--report-path", "\(name).json"], cwd: dir)
            #expect(out.status == 1, "\(out.stderr)")
        }
        let merged = try TestSupport.leakguard(["report", "merge", "alpha.json", "beta.json", "gamma.json", "--format", "json"], cwd: dir)
        #expect(merged.status == 1, "\(merged.stderr)")
        let single = try TestSupport.leakguard(["scan", "alpha", "beta", "gamma", "--format", "json"], cwd: dir)
        let mergedJSON = try TestSupport.parseJSON(merged.stdout)
        let singleJSON = try TestSupport.parseJSON(single.stdout)
        func key(_ f: [String: Any]) -> String {
            ["file", "rule", "severity", "line", "column", "endLine", "endColumn", "secret", "excerpt"]
                .map { "\(f[$0] ?? "-")" }.joined(separator: "|")
        }
        let mergedFindings = mergedJSON["findings"] as? [[String: Any]] ?? []
        let singleFindings = singleJSON["findings"] as? [[String: Any]] ?? []
        #expect(!singleFindings.isEmpty)
        #expect(mergedFindings.map(key).sorted() == singleFindings.map(key).sorted())
        for f in mergedFindings {
            let repository = f["repository"] as? String ?? ""
            #expect(names.contains(repository) && (f["file"] as? String ?? "").hasPrefix(repository + "/"))
        }
        let mergedSummary = mergedJSON["summary"] as? [String: Any] ?? [:]
        let singleSummary = singleJSON["summary"] as? [String: Any] ?? [:]
        for field in ["files", "bytes", "findings", "skipped"] {
            #expect(mergedSummary[field] as? Int == singleSummary[field] as? Int, "summary.\(field) adds up")
        }
        // The HTML of the merge has a row per repository.
        let html = try TestSupport.leakguard(["report", "merge", "alpha.json", "beta.json", "gamma.json", "--format", "html"], cwd: dir)
        try HTMLChecks.check(html.stdout, against: mergedJSON)
        #expect(html.stdout.contains("id=\"repository-table\""))
        for name in names { #expect(html.stdout.contains("<td><code>\(name)</code></td>")) }
        // SARIF and JUnit of a merge work too, and never show a secret in full.
        let secrets = try AuditFixture.fullSecrets(dir + "/alpha")
        for format in ["sarif", "junit", "text"] {
            let out = try TestSupport.leakguard(["report", "merge", "alpha.json", "beta.json", "gamma.json", "--format", format], cwd: dir)
            #expect(out.status == 1)
            for secret in secrets { #expect(!out.stdout.contains(secret)) }
            #expect(out.stdout.contains("alpha/config/settings.py"))
        }
    }

    @Test func mergeRejectsMalformedInputNamingTheFile() throws {
        let dir = TestSupport.makeTempDirectory("merge-bad")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("print('hello')\n", to: dir + "/repo/main.py")
        #expect(try TestSupport.leakguard(["scan", "repo", "-f", "json", "--report-path", "good.json"], cwd: dir).status == 0)
        TestSupport.write("{\"tool\": {\"name\": \"leakguard\"}, \"findings\": [", to: dir + "/truncated.json")
        TestSupport.write("{\"runs\": []}", to: dir + "/other.json")
        TestSupport.write("{\"tool\": {\"name\": \"leakguard\"}, \"findings\": [{\"rule\": \"x\"}], \"summary\": {}}", to: dir + "/partial.json")
        for bad in ["truncated.json", "other.json", "partial.json", "missing.json"] {
            let out = try TestSupport.leakguard(["report", "merge", "good.json", bad], cwd: dir)
            #expect(out.status == 2, "\(bad): \(out.stderr)")
            #expect(out.stderr.contains(bad), "the error names \(bad): \(out.stderr)")
        }
        let ok = try TestSupport.leakguard(["report", "merge", "good.json"], cwd: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
    }
}

/// Checks of a rendered HTML report against the JSON report of the same scan.
enum HTMLChecks {
    /// Well-formed as XML (so any HTML parser reads it one way), nothing fetched from outside.
    static func wellFormed(_ page: String) throws {
        let script = """
        import sys, xml.etree.ElementTree as ET
        ET.fromstring(sys.stdin.read().replace('<!DOCTYPE html>', '', 1))
        """
        let out = try TestSupport.run("/usr/bin/env", ["python3", "-c", script], stdin: page)
        #expect(out.status == 0, "the page is not well-formed: \(out.stderr)")
        for external in ["src=\"http", "src=\"//", "href=\"http", "href=\"//", "url(http", "url(//", "@import", "<link", "<iframe", "<img"] {
            #expect(!page.contains(external), "the page loads something from outside (\(external))")
        }
        #expect(page.contains("Content-Security-Policy") && page.contains("default-src &#39;none&#39;"))
    }

    static func check(_ page: String, against json: [String: Any]) throws {
        try wellFormed(page)
        let findings = json["findings"] as? [[String: Any]] ?? []
        let rows = page.components(separatedBy: "<tr class=\"finding\"").count - 1
        #expect(rows == findings.count, "one table row per finding")
        for f in findings {
            let fingerprint = f["fingerprint"] as? String ?? "?"
            #expect(page.contains("data-fingerprint=\"\(fingerprint)\""), "finding \(f["rule"] ?? "") at \(f["file"] ?? "") is in the table")
        }
        func count(_ id: String) -> Int? {
            guard let r = page.range(of: "id=\"count-\(id)\" data-count=\"") else { return nil }
            return Int(page[r.upperBound...].prefix { $0.isNumber })
        }
        #expect(count("total") == findings.count)
        #expect(count("total") == (json["summary"] as? [String: Any])?["findings"] as? Int)
        for severity in ["error", "warning", "note"] {
            #expect(count(severity) == findings.count { $0["severity"] as? String == severity }, "\(severity) count")
        }
        for category in ["secret", "dotenv", "ai"] {
            #expect(count("category-" + category) == findings.count { $0["category"] as? String == category }, "\(category) count")
        }
    }
}

@Suite("Audit report in a browser")
struct AuditReportBrowserTests {
    /// Headless Chromium opens the report of the fixture's history scan: the charts have a size,
    /// choosing a rule narrows the table, nothing is requested. The screenshot is kept.
    @Test(.enabled(if: AuditReportBrowserTests.browser != nil, "chromium is not installed (scripts/deps --test installs it)"))
    func reportWorksInChromium() throws {
        let dir = TestSupport.makeTempDirectory("browser")
        defer { TestSupport.removeTree(dir) }
        for name in ["alpha", "beta"] { try AuditFixture.makeRepository(at: dir + "/" + name, seed: name) }
        // One history audit and one tree scan (the tree scan also runs the AI check).
        try TestSupport.leakguard(["scan", "--git", "alpha", "--format", "json", "--report-path", "alpha.json"], cwd: dir)
        try TestSupport.leakguard(["scan", "beta", "--format", "json", "--report-path", "beta.json"], cwd: dir)
        let merged = try TestSupport.leakguard(["report", "merge", "alpha.json", "beta.json", "--format", "html", "--report-path", "report.html"], cwd: dir)
        #expect(merged.status == 1, "\(merged.stderr)")
        let artifacts = TestSupport.packageRoot.appendingPathComponent(".build/test-artifacts").path
        let screenshot = artifacts + "/report.png"
        try? FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        try? FileManager.default.copyItem(atPath: dir + "/report.html", toPath: artifacts + "/report-\(UUID().uuidString.prefix(6)).html")
        let check = try TestSupport.run(TestSupport.packageRoot.appendingPathComponent("scripts/report-browser-check").path,
                                        [dir + "/report.html", screenshot])
        print("browser check: \(check.stdout)screenshot: \(screenshot)")
        #expect(check.status == 0, "\(check.stdout)\n\(check.stderr)")
        let measured = try TestSupport.parseJSON(check.stdout)
        let charts = measured["charts"] as? [[String: Any]] ?? []
        #expect(charts.count >= 6, "categories, rules, directories, timeline, authors and AI")
        #expect((measured["afterRule"] as? Int ?? 99) < (measured["rows"] as? Int ?? 0))
        #expect(FileManager.default.fileExists(atPath: screenshot))
    }

    static let browser: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}
