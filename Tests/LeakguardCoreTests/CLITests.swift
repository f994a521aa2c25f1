import Foundation
import Testing
@testable import LeakguardCore

/// End-to-end: the real binary, its exit codes, its reports, and that secrets stay redacted.
@Suite struct CLITests {
    /// A directory with one fake OpenAI key in a Python file and one clean file.
    func leakyTree() throws -> (dir: String, secret: String) {
        let dir = TestSupport.makeTempDirectory("cli")
        let line = try TestSupport.fakeSecretLine(rule: "openai-project-key", seed: "cli-\(UUID().uuidString)")
        TestSupport.write("import openai\n\n\(line)\n", to: dir + "/app/main.py")
        TestSupport.write("print('hello')\n", to: dir + "/app/clean.py")
        let secret = try #require(line.split(separator: "\"").first { $0.hasPrefix("sk-proj-") }).description
        return (dir, secret)
    }

    /// `LEAKGUARD_PEAK_MEMORY=1` (for benchmarks) prints leakguard's own peak memory at exit;
    /// without it, nothing of the kind.
    @Test func peakMemoryIsPrintedOnlyWhenAsked() throws {
        let dir = TestSupport.makeTempDirectory("peak")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("nothing here\n", to: dir + "/a.txt")
        let asked = try TestSupport.leakguard(["scan", dir], environment: ["LEAKGUARD_PEAK_MEMORY": "1"])
        #expect(asked.status == 0)
        let line = try #require(asked.stderr.split(separator: "\n").first { $0.hasPrefix("peak-memory: ") })
        let kib = Int(line.split(separator: " ")[1]) ?? 0
        #expect(kib > 1_000 && kib < 1_000_000, "\(line)")
        let quiet = try TestSupport.leakguard(["scan", dir])
        #expect(!quiet.stderr.contains("peak-memory"))
    }

    /// Warnings come from parallel workers in whatever order they finish; the report lists them
    /// in one order, so two scans of the same tree give the same report.
    @Test func warningsAreInTheSameOrderEveryRun() throws {
        let dir = TestSupport.makeTempDirectory("lg-warn-order")
        defer { TestSupport.removeTree(dir) }
        for i in 0..<48 {
            // Python the parser cannot follow: each file gets its own warning.
            TestSupport.write("import openai\ndef broken_\(i)(:\n    pass\n", to: dir + String(format: "/m%02d/bad.py", i))
        }
        var runs: [[String]] = []
        for _ in 0..<2 {
            let out = try TestSupport.leakguard(["scan", "--format", "json", "--no-gitignore", dir])
            let warnings = try #require(TestSupport.parseJSON(out.stdout)["warnings"] as? [String])
            #expect(warnings.count == 48, "\(warnings)")
            runs.append(warnings)
        }
        #expect(runs[0] == runs[0].sorted())
        #expect(runs[0] == runs[1])
    }

    @Test func exitCodes() throws {
        let (dir, _) = try leakyTree()
        defer { TestSupport.removeTree(dir) }
        let found = try TestSupport.leakguard(["scan", dir])
        #expect(found.status == 1, "findings must exit 1: \(found.stdout) \(found.stderr)")
        let clean = try TestSupport.leakguard(["scan", dir + "/app/clean.py"])
        #expect(clean.status == 0, "\(clean.stdout) \(clean.stderr)")
        let missing = try TestSupport.leakguard(["scan", dir + "/does-not-exist"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does-not-exist"))
        let badFlag = try TestSupport.leakguard(["scan", "--no-such-flag", dir])
        #expect(badFlag.status == 2)
        let badFormat = try TestSupport.leakguard(["scan", "--format", "yaml", dir])
        #expect(badFormat.status == 2)
        // --fail-on error lets warnings-only scans pass, not errors.
        #expect(try TestSupport.leakguard(["scan", "--fail-on", "error", dir]).status == 1)
    }

    @Test func defaultOutputNeverPrintsTheSecret() throws {
        let (dir, secret) = try leakyTree()
        defer { TestSupport.removeTree(dir) }
        for format in ["text", "json", "sarif", "junit"] {
            let out = try TestSupport.leakguard(["scan", "--format", format, dir])
            #expect(out.status == 1)
            #expect(!out.stdout.contains(secret), "\(format) output leaks the secret")
            #expect(!out.stderr.contains(secret))
            #expect(!out.stdout.contains(String(secret.dropFirst(8).prefix(20))), "\(format) leaks part of the secret")
        }
        let full = try TestSupport.leakguard(["scan", "--no-redact", dir])
        #expect(full.stdout.contains(secret))
        let hidden = try TestSupport.leakguard(["scan", "--redact=100", "--format", "json", dir])
        #expect(hidden.stdout.contains("REDACTED"))
    }

    @Test func textReportGroupsByFileWithExcerptAndSummary() throws {
        let (dir, _) = try leakyTree()
        defer { TestSupport.removeTree(dir) }
        let out = try TestSupport.leakguard(["scan", dir])
        #expect(out.stdout.contains("app/main.py\n"))
        #expect(out.stdout.contains("3:"))
        #expect(out.stdout.contains("openai-project-key"))
        #expect(out.stdout.contains("│"))
        #expect(out.stdout.contains("1 finding (1 error) in 2 files"))
        #expect(!out.stdout.contains("\u{1B}["), "no colour when not a terminal")
    }

    @Test func jsonShape() throws {
        let (dir, _) = try leakyTree()
        defer { TestSupport.removeTree(dir) }
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        let doc = try TestSupport.parseJSON(out.stdout)
        let tool = try #require(doc["tool"] as? [String: Any])
        #expect(tool["name"] as? String == "leakguard")
        #expect(tool["version"] is String)
        let findings = try #require(doc["findings"] as? [[String: Any]])
        let f = try #require(findings.first)
        for key in ["rule", "category", "severity", "message", "file", "line", "column", "endLine", "endColumn", "secret", "entropy", "fingerprint"] {
            #expect(f[key] != nil, "missing \(key)")
        }
        #expect(f["rule"] as? String == "openai-project-key")
        #expect(f["category"] as? String == "secret")
        #expect(f["file"] as? String == "app/main.py")
        #expect(f["line"] as? Int == 3)
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == 2)
        #expect(summary["findings"] as? Int == 1)
        for key in ["bytes", "skipped", "durationMs"] { #expect(summary[key] != nil, "summary lacks \(key)") }
    }

    @Test func reportPathWritesFile() throws {
        let (dir, _) = try leakyTree()
        defer { TestSupport.removeTree(dir) }
        let report = dir + "/report.sarif"
        let out = try TestSupport.leakguard(["scan", "--format", "sarif", "--report-path", report, dir + "/app"])
        #expect(out.status == 1)
        #expect(out.stdout.isEmpty)
        let text = try String(contentsOfFile: report, encoding: .utf8)
        #expect(text.contains("\"version\": \"2.1.0\""))
        let unwritable = try TestSupport.leakguard(["scan", "--report-path", dir + "/no/such/dir/r.json", dir + "/app"])
        #expect(unwritable.status == 2)
    }

    /// SARIF must validate against the official 2.1.0 schema (python-jsonschema does the checking).
    @Test func sarifValidatesAgainstSchema() throws {
        let (dir, _) = try leakyTree()
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("k = 1\nx=\"\(try TestSupport.fakeSecretLine(rule: "anthropic-api-key", seed: "sarif"))\"\n", to: dir + "/app/odd name é.py")
        let report = dir + "/r.sarif"
        _ = try TestSupport.leakguard(["scan", "--format", "sarif", "--report-path", report, dir])
        let schema = TestSupport.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/sarif/sarif-schema-2.1.0.json").path
        let schemaPath = FileManager.default.fileExists(atPath: schema) ? schema
            : TestSupport.packageRoot.appendingPathComponent("fixtures/sarif-schema-2.1.0.json").path
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
        validator = jsonschema.validators.validator_for(schema)
        validator.check_schema(schema)
        errors = list(validator(schema).iter_errors(doc))
        for e in errors: print(list(e.path), e.message)
        assert doc["runs"][0]["results"], "no results"
        sys.exit(1 if errors else 0)
        """
        let out = try TestSupport.run("/usr/bin/env", ["python3", "-c", script, schemaPath, report])
        #expect(out.status == 0, "SARIF invalid: \(out.stdout) \(out.stderr)")
        let doc = try TestSupport.parseJSON(try String(contentsOfFile: report, encoding: .utf8))
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 2)
        let fingerprints = results.compactMap { $0["partialFingerprints"] as? [String: String] }
        #expect(fingerprints.count == 2)
        let uris = results.compactMap { (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any] }.compactMap { $0["uri"] as? String }
        #expect(uris.contains("app/odd%20name%20%C3%A9.py"))
    }

    @Test func malformedConfigExitsTwo() throws {
        let dir = TestSupport.makeTempDirectory("cfg")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("x = 1\n", to: dir + "/a.txt")
        let cases: [(String, String)] = [
            ("[[rules]]\nid = \"a\"\nregex = '''abc\n", "invalid TOML"),
            ("[[rules]]\nid = \"a\"\nregex = '''(unclosed'''\nkeywords=[\"a\"]\n", "does not compile"),
            ("[[rules]]\nregex = 'x'\n", "has no 'id'"),
            ("[[rules]]\nid = \"a\"\nregex = 'x'\nentropy = \"high\"\n", "'entropy' must be a number"),
            ("[[rules]]\nid = \"a\"\nregex = 'x'\nseverity = \"fatal\"\n", "severity must be"),
        ]
        for (text, expected) in cases {
            TestSupport.write(text, to: dir + "/.leakguard.toml")
            let out = try TestSupport.leakguard(["scan", dir])
            #expect(out.status == 2, "config \(text) should be an error")
            #expect(out.stderr.contains(expected), "stderr lacks '\(expected)': \(out.stderr)")
            #expect(out.stderr.contains(".leakguard.toml"))
        }
        let missing = try TestSupport.leakguard(["scan", "--config", dir + "/nope.toml", dir])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("not found"))
    }

    @Test func userConfigExtendsAndDisables() throws {
        let dir = TestSupport.makeTempDirectory("ext")
        defer { TestSupport.removeTree(dir) }
        let line = try TestSupport.fakeSecretLine(rule: "openai-project-key", seed: "ext")
        TestSupport.write("\(line)\ninternal = \"corp_0123456789abcdef\"\n", to: dir + "/a.py")
        TestSupport.write("""
        [extend]
        disabledRules = ["openai-project-key"]

        [[rules]]
        id = "corp-token"
        description = "Corp token"
        regex = '''corp_[0-9a-f]{16}'''
        keywords = ["corp_"]
        """, to: dir + "/.leakguard.toml")
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        let rules = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]]).compactMap { $0["rule"] as? String }
        #expect(rules.contains("corp-token"))
        #expect(!rules.contains("openai-project-key"), "disabled rule still reported")
        // useDefault = false drops the built-in pack.
        TestSupport.write("[extend]\nuseDefault = false\n[[rules]]\nid = \"x\"\nregex = 'zzzz'\nkeywords=['zzzz']\n", to: dir + "/.leakguard.toml")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0)
    }

    /// A gitleaks config file loads as it is: older [allowlist], [[allowlists]], rule allowlists.
    @Test func gitleaksConfigLoadsUnchanged() throws {
        let dir = TestSupport.makeTempDirectory("gl")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("""
        title = "gitleaks config"
        [extend]
        useDefault = true

        [[rules]]
        id = "corp-token"
        description = "Corp token"
        regex = '''(?i)corp_([0-9a-f]{16})'''
        secretGroup = 1
        entropy = 2.0
        keywords = ["corp_"]
        path = '''\\.py$'''
        tags = ["corp"]
        [[rules.allowlists]]
        description = "ignore the sample"
        regexTarget = "line"
        regexes = ['''sample''']
        condition = "OR"

        [allowlist]
        description = "global"
        paths = ['''vendor/''']
        stopwords = ["deadbeef"]

        [[allowlists]]
        targetRules = ["corp-token"]
        regexes = ['''^0+$''']
        """, to: dir + "/.gitleaks.toml")
        TestSupport.write("a = 'corp_0123456789abcdef'\nb = 'corp_0123456789abcdef' # sample\nc = 'corp_00000000deadbeef'\n", to: dir + "/x.py")
        TestSupport.write("a = 'corp_0123456789abcdef'\n", to: dir + "/x.txt")
        TestSupport.write("a = 'corp_0123456789abcdef'\n", to: dir + "/vendor/x.py")
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        #expect(out.status == 1, "\(out.stderr)")
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        #expect(findings.map { "\($0["file"]!):\($0["line"]!)" } == ["x.py:1"])
    }

    /// A user's runaway pattern on a hostile line ends with a warning for that file, not a hang.
    @Test func catastrophicUserRegexWarnsAndFinishes() throws {
        let dir = TestSupport.makeTempDirectory("redos")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("[[rules]]\nid = \"evil\"\nregex = '(a|aa)+(b|bb)+$'\nkeywords = [\"aa\"]\n", to: dir + "/.leakguard.toml")
        TestSupport.write(String(repeating: "a", count: 20_000) + String(repeating: "b", count: 20_000) + "!\n", to: dir + "/hostile.txt")
        TestSupport.write("aab\n", to: dir + "/fine.txt")
        let start = Date()
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(out.status == 1, "the ordinary file still matches: \(out.stderr)")
        #expect(out.stderr.contains("hostile.txt") && out.stderr.contains("evil") && out.stderr.contains("match limit"), "\(out.stderr)")
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["file"] as? String == "fine.txt" && $0["rule"] as? String == "evil" })
    }

    /// Binary means a NUL in the first 8000 bytes (as git decides); a NUL later is text.
    @Test func binaryIsDecidedByTheFirst8000Bytes() throws {
        let dir = TestSupport.makeTempDirectory("bin")
        defer { TestSupport.removeTree(dir) }
        let line = try TestSupport.fakeSecretLine(rule: "openai-project-key", seed: "bin")
        TestSupport.write(bytes: [0] + Array(repeating: 65, count: 100_000) + Array(line.utf8), to: dir + "/big.bin")
        TestSupport.write(bytes: Array(line.utf8) + [10] + Array(repeating: 66, count: 9_000) + [0, 10], to: dir + "/late-nul.txt")
        let doc = try TestSupport.parseJSON(try TestSupport.leakguard(["scan", "--format", "json", dir]).stdout)
        let files = try #require(doc["findings"] as? [[String: Any]]).compactMap { $0["file"] as? String }
        #expect(files == ["late-nul.txt"])
        let skipped = try #require(doc["skipped"] as? [[String: Any]])
        #expect(skipped.contains { $0["file"] as? String == "big.bin" && $0["reason"] as? String == "binary" })
    }

    /// The smaller flags: threads change nothing but speed, links are skipped unless followed,
    /// `rules examples` fills in every template, and a bad `anchor` is a config error.
    @Test func threadsSymlinksExamplesAndAnchor() throws {
        let (dir, _) = try leakyTree()
        defer { TestSupport.removeTree(dir) }
        let one = try TestSupport.parseJSON(try TestSupport.leakguard(["scan", "-f", "json", "--threads", "1", dir]).stdout)
        let two = try TestSupport.parseJSON(try TestSupport.leakguard(["scan", "-f", "json", "--threads", "2", dir]).stdout)
        #expect((one["findings"] as? [[String: Any]])?.map { $0["fingerprint"] as! String }
                == (two["findings"] as? [[String: Any]])?.map { $0["fingerprint"] as! String })
        #expect(try TestSupport.leakguard(["scan", "--threads", "0", dir]).status == 2)

        let outside = TestSupport.makeTempDirectory("link")
        defer { TestSupport.removeTree(outside) }
        try FileManager.default.moveItem(atPath: dir + "/app/main.py", toPath: outside + "/main.py")
        try FileManager.default.createSymbolicLink(atPath: dir + "/app/main.py", withDestinationPath: outside + "/main.py")
        #expect(try TestSupport.leakguard(["scan", dir]).status == 0, "links are not followed by default")
        #expect(try TestSupport.leakguard(["scan", "--follow-symlinks", dir]).status == 1)

        let examples = try TestSupport.leakguard(["rules", "examples", "--seed", "s"])
        #expect(examples.status == 0)
        let lines = examples.stdout.split(separator: "\n")
        #expect(lines.count >= 131)
        #expect(!examples.stdout.contains("{{"), "every template is filled in")
        #expect(try TestSupport.leakguard(["rules", "examples", "--seed", "s"]).stdout == examples.stdout, "same seed, same text")

        TestSupport.write("[[rules]]\nid = \"a\"\nregex = 'x'\nkeywords = [\"x\"]\nanchor = \"token\"\n", to: dir + "/.leakguard.toml")
        let bad = try TestSupport.leakguard(["scan", dir])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("anchor must be"))
    }

    @Test func rulesListAndCheck() throws {
        let list = try TestSupport.leakguard(["rules", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("openai-project-key"))
        let check = try TestSupport.leakguard(["rules", "check"])
        #expect(check.status == 0, "\(check.stdout)")
        let dir = TestSupport.makeTempDirectory("rc")
        defer { TestSupport.removeTree(dir) }
        TestSupport.write("""
        [[rules]]
        id = "bad-examples"
        regex = '''zz_[0-9]{4}'''
        keywords = ["zz_"]
        examples = ["zz_12"]
        negativeExamples = ["zz_1234"]
        """, to: dir + "/r.toml")
        let failing = try TestSupport.leakguard(["rules", "check", dir + "/r.toml"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("bad-examples"))
        #expect(failing.stdout.contains("example did not match: zz_12"))
        #expect(failing.stdout.contains("negative example matched: zz_1234"))
    }

    @Test func awkwardFiles() throws {
        let dir = TestSupport.makeTempDirectory("odd")
        defer { TestSupport.removeTree(dir) }
        let line = try TestSupport.fakeSecretLine(rule: "openai-project-key", seed: "odd")
        TestSupport.write("", to: dir + "/empty.txt")
        TestSupport.write(bytes: [0x00, 0x01, 0x02] + Array(line.utf8), to: dir + "/blob.bin")
        TestSupport.write(bytes: [0xff, 0xfe, 0xc3, 0x28, 0x0a] + Array(line.utf8) + [0x0a, 0xe2, 0x82], to: dir + "/latin.txt")
        let long = String(repeating: "x", count: 2_000_000) + " " + line
        TestSupport.write(long, to: dir + "/long.txt")
        TestSupport.write(String(repeating: "y\n", count: 700_000), to: dir + "/big.txt")
        let out = try TestSupport.leakguard(["scan", "--format", "json", "--max-file-size", "1M", dir])
        #expect(out.status == 1, "\(out.stderr)")
        let doc = try TestSupport.parseJSON(out.stdout)
        let findings = try #require(doc["findings"] as? [[String: Any]])
        let byFile = Dictionary(grouping: findings) { $0["file"] as! String }
        #expect(byFile["latin.txt"]?.first?["line"] as? Int == 2, "invalid UTF-8 must still be scanned")
        #expect(byFile["blob.bin"] == nil, "binary files are skipped")
        #expect(byFile["long.txt"] == nil, "2 MB file is over the 1M limit")
        let skipped = try #require(doc["skipped"] as? [[String: Any]])
        #expect(skipped.contains { $0["file"] as? String == "blob.bin" && $0["reason"] as? String == "binary" })
        #expect(skipped.contains { $0["file"] as? String == "long.txt" && $0["reason"] as? String == "too large" })
        // Default limit is 10 MiB: the long line is scanned and the column is right.
        let whole = try TestSupport.parseJSON(try TestSupport.leakguard(["scan", "--format", "json", dir]).stdout)
        let longFinding = try #require((whole["findings"] as? [[String: Any]])?.first { $0["file"] as? String == "long.txt" })
        let secretColumn = 2_000_001 + (line.range(of: "sk-proj-")!.lowerBound.utf16Offset(in: line)) + 1
        #expect(longFinding["column"] as? Int == secretColumn)
    }

    /// Root reads everything, so the unreadable file is made for an unprivileged user.
    @Test func unreadableFileIsAWarningNotACrash() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let dir = "/tmp/leakguard-unreadable-\(UUID().uuidString.prefix(8))"
        TestSupport.write("print(1)\n", to: dir + "/ok.py")
        TestSupport.write("secret\n", to: dir + "/locked.py")
        defer { TestSupport.removeTree(dir) }
        chmod(dir, 0o755)
        chmod(dir + "/ok.py", 0o644)
        chmod(dir + "/locked.py", 0o000)
        let copy = "/tmp/leakguard-bin-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: TestSupport.binary, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        chmod(copy, 0o755)
        let out = try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "scan", "--format", "json", dir])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("locked.py"))
        let doc = try TestSupport.parseJSON(out.stdout)
        let skipped = try #require(doc["skipped"] as? [[String: Any]])
        #expect(skipped.contains { $0["file"] as? String == "locked.py" && $0["reason"] as? String == "unreadable" })
        // An unreadable root is a tool error, not a clean scan.
        chmod(dir, 0o700)
        let root = try TestSupport.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "scan", dir])
        #expect(root.status == 2, "\(root.stdout) \(root.stderr)")
    }

    @Test func baselineSuppressesKnownFindings() throws {
        let (dir, _) = try leakyTree()
        defer { TestSupport.removeTree(dir) }
        let baseline = dir + "/.leakguard-baseline.json"
        let create = try TestSupport.leakguard(["baseline", "create", "--output", baseline, dir + "/app"])
        #expect(create.status == 0, "\(create.stderr)")
        let text = try String(contentsOfFile: baseline, encoding: .utf8)
        #expect(!text.contains("sk-proj-"), "baseline must not hold secrets")
        #expect(try TestSupport.leakguard(["scan", "--baseline", baseline, dir + "/app"]).status == 0)
        // A gitleaks ignore file at the scan root works without a flag.
        let report = try TestSupport.parseJSON(try TestSupport.leakguard(["scan", "-f", "json", dir + "/app"]).stdout)
        let finding = try #require((report["findings"] as? [[String: Any]])?.first)
        TestSupport.write("\(finding["file"]!):\(finding["rule"]!):\(finding["line"]!)\n", to: dir + "/app/.gitleaksignore")
        #expect(try TestSupport.leakguard(["scan", dir + "/app"]).status == 0)
        // A new secret is still reported.
        TestSupport.write(try TestSupport.fakeSecretLine(rule: "anthropic-api-key", seed: "new") + "\n", to: dir + "/app/new.py")
        #expect(try TestSupport.leakguard(["scan", "--baseline", baseline, dir + "/app"]).status == 1)
    }
}
