import Foundation
import Testing
@testable import LeakguardCore
import TestKit

@Suite struct DetectorTests {
    /// A detector holding one rule: a made-up token format with a keyword.
    func detector(_ rules: [Rule], allowlists: [Allowlist] = []) throws -> Detector {
        var c = Configuration()
        c.rules = rules
        c.allowlists = allowlists
        return try Detector(configuration: c)
    }

    func scan(_ d: Detector, _ text: String, path: String = "f.txt", lines: LineSet? = nil) -> FragmentResult {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { d.scan(Fragment(bytes: $0, path: path, lines: lines), scratch: DetectorScratch()) }
    }

    let tok = Rule(id: "tok", description: "Test token", regex: #"tok_([a-z0-9]{16})"#, secretGroup: 1, keywords: ["tok_"])

    @Test func lineAndCharacterColumns() throws {
        let d = try detector([tok])
        let text = "first line\n  é😀 x = \"tok_abcdef0123456789\"\nlast"
        let f = try #require(scan(d, text).findings.first)
        #expect(f.line == 2)
        // Two spaces, é, 😀, space, x, space, =, space, quote, "tok_": the secret starts at character 15.
        #expect(f.column == 15)
        #expect(f.endLine == 2)
        #expect(f.endColumn == 31)
        #expect(f.secret == "abcdef0123456789")
        #expect(f.lineText == "  é😀 x = \"tok_abcdef0123456789\"")
    }

    @Test func crlfAndNoFinalNewline() throws {
        let d = try detector([tok])
        let f = try #require(scan(d, "a\r\nb\r\nk=tok_abcdef0123456789\r\n").findings.first)
        #expect(f.line == 3)
        #expect(f.column == 7)
        #expect(f.lineText == "k=tok_abcdef0123456789")
        #expect(scan(d, "tok_abcdef0123456789").findings.count == 1)
    }

    @Test func keywordsAreCaseInsensitiveAndGateTheRule() throws {
        let rule = Rule(id: "r", regex: #"(?i)magic-([0-9]{6})"#, secretGroup: 1, keywords: ["MAGIC-"])
        let d = try detector([rule])
        #expect(scan(d, "Magic-123456").findings.count == 1)
        // Without its keyword the rule never runs, even when its regex alone would match.
        let gated = Rule(id: "g", regex: #"[0-9]{6}"#, keywords: ["zzz"])
        #expect(scan(try detector([gated]), "123456").findings.isEmpty)
        #expect(scan(try detector([gated]), "zzz 123456").findings.count == 1)
    }

    @Test func manyHitsOnOneLongLine() throws {
        let d = try detector([tok])
        let filler = String(repeating: "tok_ no ", count: 50_000)
        let text = filler + "tok_abcdef0123456789" + filler
        let found = scan(d, text).findings
        #expect(found.count == 1)
        #expect(found.first?.column == filler.count + 5)
    }

    @Test func regexWorkIsSharedAndBounded() throws {
        // Rules needing less than an equal share keep what they need; the rest share the remainder.
        #expect(Detector.workShare([10, 10, 1000], budget: 120) == 100)
        #expect(Detector.workShare([10, 10, 100], budget: 120) == Int.max)
        // Sixty rules whose keywords fill one long line ask for sixty times its size: the rules
        // stop early, say so, and what they searched is still reported.
        let rules = (0..<60).map { i in
            Rule(id: String(format: "kw%02d", i), description: "", regex: String(format: #"kw%02d_([a-z0-9]{16})"#, i), secretGroup: 1,
                 keywords: [String(format: "kw%02d", i)])
        }
        let d = try detector(rules)
        let line = "kw07_abcdef0123456789 " + String(repeating: (0..<60).map { String(format: "kw%02d ", $0) }.joined(), count: 6_000)
        let result = scan(d, line)
        #expect(result.findings.map(\.ruleID) == ["kw07"])
        let warning = try #require(result.warnings.first)
        #expect(warning.contains("regex work limit reached"), "\(warning)")
        #expect(warning.contains("stopped early"), "\(warning)")
    }

    @Test func suppressionMarkers() throws {
        let d = try detector([tok])
        for marker in ["# leakguard:allow", "// gitleaks:allow", "# pragma: allowlist secret"] {
            #expect(scan(d, "k = 'tok_abcdef0123456789' \(marker)").findings.isEmpty, "\(marker) did not suppress")
        }
        #expect(scan(d, "k = 'tok_abcdef0123456789' # leakguard:allowed-not").findings.isEmpty)
        #expect(scan(d, "# leakguard:allow\nk = 'tok_abcdef0123456789'").findings.count == 1, "marker applies to its own line only")
    }

    @Test func entropyThreshold() throws {
        var rule = tok
        rule.entropy = 3.0
        let d = try detector([rule])
        #expect(scan(d, "tok_aaaaaaaaaaaaaaaa").findings.isEmpty)
        let f = try #require(scan(d, "tok_a8f3k29dm4x7q1zp").findings.first)
        #expect((f.entropy ?? 0) > 3.0)
        #expect(abs(shannonEntropy("aabb") - 1.0) < 1e-9)
        #expect(abs(shannonEntropy("abcd") - 2.0) < 1e-9)
    }

    @Test func ruleAllowlists() throws {
        var rule = tok
        rule.allowlists = [
            Allowlist(regexTarget: .secret, regexes: ["^0{16}$"]),
            Allowlist(stopwords: ["example"]),
            Allowlist(regexTarget: .line, regexes: ["#\\s*fixture"]),
            Allowlist(paths: [#"^docs/"#]),
        ]
        let d = try detector([rule])
        #expect(scan(d, "tok_0000000000000000").findings.isEmpty)
        #expect(scan(d, "tok_exampleabcdefghi").findings.isEmpty)
        #expect(scan(d, "tok_abcdef0123456789 # fixture").findings.isEmpty)
        #expect(scan(d, "tok_abcdef0123456789", path: "docs/a.md").findings.isEmpty)
        #expect(scan(d, "tok_abcdef0123456789", path: "src/a.md").findings.count == 1)
    }

    @Test func andConditionNeedsEveryPart() throws {
        let allow = Allowlist(condition: .and, regexTarget: .secret, regexes: ["^abc"], paths: [#"\.md$"#])
        let d = try detector([tok], allowlists: [allow])
        #expect(scan(d, "tok_abcdef0123456789", path: "a.md").findings.isEmpty)
        #expect(scan(d, "tok_abcdef0123456789", path: "a.py").findings.count == 1)
        #expect(scan(d, "tok_zbcdef0123456789", path: "a.md").findings.count == 1)
    }

    @Test func globalAllowlistTargetRules() throws {
        let other = Rule(id: "other", regex: #"oth_([a-z]{8})"#, secretGroup: 1, keywords: ["oth_"])
        let allow = Allowlist(regexTarget: .secret, regexes: [".*"], targetRules: ["tok"])
        let d = try detector([tok, other], allowlists: [allow])
        let found = scan(d, "tok_abcdef0123456789 oth_abcdefgh").findings
        #expect(found.map(\.ruleID) == ["other"])
    }

    @Test func genericYieldsToSpecific() throws {
        let generic = Rule(id: "generic-secret", regex: #"token\s*=\s*"([^"]+)""#, secretGroup: 1, keywords: ["token"])
        let d = try detector([generic, tok])
        let found = scan(d, #"token = "tok_abcdef0123456789""#).findings
        #expect(found.map(\.ruleID) == ["tok"])
        #expect(scan(d, #"token = "zzzz""#).findings.map(\.ruleID) == ["generic-secret"])
    }

    @Test func lineFilterKeepsOnlyChosenLines() throws {
        let d = try detector([tok])
        let text = "tok_abcdef0123456789\nx\ntok_bbcdef0123456789\n"
        let found = scan(d, text, lines: LineSet([3...3])).findings
        #expect(found.map(\.line) == [3])
    }

    @Test func multilineRuleSeesWholeBlock() throws {
        let pem = Rule(id: "pem", regex: #"-----BEGIN TEST KEY-----[\s\S]{10,}?-----END TEST KEY-----"#, keywords: ["-----BEGIN TEST KEY"])
        #expect(pem.multiline)
        let d = try detector([pem])
        let text = "x\n-----BEGIN TEST KEY-----\nQUJDREVGR0hJSktMTU5PUA==\n-----END TEST KEY-----\n"
        let f = try #require(scan(d, text).findings.first)
        #expect(f.line == 2 && f.endLine == 4)
    }

    @Test func catastrophicPatternEndsWithWarning() throws {
        let evil = Rule(id: "evil", regex: #"(a+)+$"#, keywords: ["a"])
        let d = try detector([evil])
        let line = String(repeating: "a", count: 5_000) + "!"
        let start = ContinuousClock.now
        let result = scan(d, line)
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(result.warnings.contains { $0.contains("evil") && $0.contains("match limit") })
    }

    @Test func fingerprintIgnoresLineNumbers() throws {
        let d = try detector([tok])
        let a = try #require(scan(d, "tok_abcdef0123456789").findings.first)
        let b = try #require(scan(d, "\n\n\n  tok_abcdef0123456789").findings.first)
        #expect(a.fingerprint == b.fingerprint)
        let c = try #require(scan(d, "tok_abcdef0123456789", path: "other.txt").findings.first)
        #expect(a.fingerprint != c.fingerprint)
    }

    @Test func badRegexNamesRuleFileAndOffset() {
        var rule = Rule(id: "broken", regex: #"abc(def"#, keywords: ["abc"])
        rule.origin = "custom.toml"
        #expect {
            try detector([rule])
        } throws: { error in
            let text = "\(error)"
            return text.contains("broken") && text.contains("custom.toml") && text.contains("offset 7")
        }
    }

    /// The Aho-Corasick prefilter must report exactly what a naive search finds.
    @Test func keywordMatcherAgreesWithNaiveSearch() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abAB_-")
        for round in 0..<220 {
            let words = (0..<Int.random(in: 1...6, using: &rng)).map { _ in String((0..<Int.random(in: 1...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
            // Mostly short texts; every tenth is large enough for the striped four-automaton path.
            let length = round % 10 == 0 ? Int.random(in: 16_384...70_000, using: &rng) : 200
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
            let matcher = KeywordMatcher(keywords: words)
            var got: [String] = []
            Array(text.utf8).withUnsafeBufferPointer { buf in matcher.scan(buf) { k, end in got.append("\(k)@\(end)") } }
            var want: [String] = []
            let lowered = Array(text.lowercased().utf8)
            for (k, w) in words.enumerated() {
                let wb = Array(w.lowercased().utf8)
                if wb.count > lowered.count { continue }
                for start in 0...(lowered.count - wb.count) where Array(lowered[start..<start + wb.count]) == wb {
                    want.append("\(k)@\(start + wb.count)")
                }
            }
            #expect(Set(got) == Set(want), "words \(words) text \(text.prefix(300))")
            #expect(got.count == want.count)
        }
    }

    /// A keyword set too large for 16-bit table entries (32,768 states or more) runs on the
    /// 32-bit table and finds the same as a naive search.
    @Test func largeKeywordSetsUseTheWideTable() {
        var rng = SeededGenerator(seed: 7)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let words = Set((0..<3_600).map { _ in String((0..<12).map { _ in letters.randomElement(using: &rng)! }) })
        let ordered = words.sorted()
        let matcher = KeywordMatcher(keywords: ordered)
        #expect(matcher.stateCount >= 32_768)
        // Text with planted keywords (some overlapping a random run) between random letters.
        var text: [UInt8] = []
        while text.count < 30_000 {
            text += (0..<Int.random(in: 0...9, using: &rng)).map { _ in letters.randomElement(using: &rng)!.asciiValue! }
            text += Array(ordered.randomElement(using: &rng)!.utf8)
        }
        var want: [UInt64] = []
        let index = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1, $0) })
        for start in 0...(text.count - 12) {
            if let k = index[String(decoding: text[start..<start + 12], as: UTF8.self)] { want.append(UInt64(k) << 40 | UInt64(start + 12)) }
        }
        var got: [UInt64] = []
        text.withUnsafeBufferPointer { matcher.collect($0, into: &got) }
        #expect(want.count > 1_500)
        #expect(got == want)
    }

    /// Taken a range at a time (as the detector takes large fragments), the hits are exactly those
    /// of one whole pass, in the same order: none lost or doubled at a seam, even when a keyword
    /// crosses it, for small ranges and striped ones alike.
    @Test func keywordHitsByRangeAddUpToTheWholePass() {
        var rng = SeededGenerator(seed: 41)
        let alphabet = Array("xyXY_")
        for round in 0..<60 {
            let words = (0..<Int.random(in: 1...5, using: &rng)).map { _ in String((0..<Int.random(in: 1...7, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
            let length = round % 3 == 0 ? Int.random(in: 1...300, using: &rng) : Int.random(in: 5_000...40_000, using: &rng)
            let text = Array(String((0..<length).map { _ in alphabet.randomElement(using: &rng)! }).utf8)
            let matcher = KeywordMatcher(keywords: words)
            text.withUnsafeBufferPointer { buf in
                var whole: [UInt64] = []
                matcher.collect(buf, into: &whole)
                var pieces: [UInt64] = []
                var start = 0
                while start < text.count {
                    // Ranges from one byte to well past the striping threshold.
                    let end = min(text.count, start + Int.random(in: 1...9_000, using: &rng))
                    matcher.collect(buf, endingIn: start..<end, into: &pieces)
                    start = end
                }
                #expect(pieces == whole, "words \(words), \(text.count) bytes")
            }
        }
    }

    /// A large fragment uses a second thread (its keyword hits are collected ahead of the hit
    /// loop, and its rules are split between two threads): the findings and warnings must be
    /// exactly those of one thread, in the same order, with the budget hit (a keyword list) and
    /// without it (secrets of many rules in a large file).
    @Test func twoThreadsForALargeFragmentReportWhatOneDoes() throws {
        let configuration = BuiltInRules.configuration()
        let one = try Detector(configuration: configuration, splitsLargeFragments: false)
        let two = try Detector(configuration: configuration)
        var rng = SeededGenerator(seed: 5)
        // Every rule's examples, rendered, in shuffled lines, repeated to over 1 MiB; then the
        // same with the rules' keywords packed between the lines, so the budget runs out early.
        var lines: [String] = []
        for rule in configuration.rules {
            for (i, example) in rule.examples.enumerated() { lines.append(ExampleTemplate.expand(example, seed: "\(rule.id)#\(i)")) }
        }
        #expect(lines.count > 500)
        let keywords = configuration.rules.flatMap(\.keywords)
        for dense in [false, true] {
            var text = ""
            while text.utf8.count < 1_600_000 {
                text += lines.randomElement(using: &rng)! + "\n"
                if dense { text += (0..<40).map { _ in keywords.randomElement(using: &rng)! }.joined() + "\n" }
            }
            let a = scan(one, text), b = scan(two, text)
            #expect(a.findings.count > 300)
            #expect(a.findings.map { "\($0.ruleID) \($0.line):\($0.column) \($0.secret)" } == b.findings.map { "\($0.ruleID) \($0.line):\($0.column) \($0.secret)" })
            #expect(a.warnings == b.warnings)
            if dense { #expect(a.warnings.contains { $0.contains("regex work limit reached") }) }
        }
        // `--threads 1` keeps a large file on one thread too.
        var options = ScanOptions()
        options.threads = 1
        let single = try #require(try ScanSession.contentChecks(configuration, options: options).first as? Detector)
        #expect(!single.splitsLargeFragments)
        options.threads = 2
        #expect(try #require(try ScanSession.contentChecks(configuration, options: options).first as? Detector).splitsLargeFragments)
        #expect(Detector.parallelSplit(active: [1, 2, 3], demands: [4 << 20, 1, 1], share: .max, size: 2 << 20) == 1)
        #expect(Detector.parallelSplit(active: [1, 2, 3], demands: [4 << 20, 1, 1], share: .max, size: 100_000) == 0)
        #expect(Detector.parallelSplit(active: [1], demands: [8 << 20], share: .max, size: 8 << 20) == 0)
    }

    @Test func redaction() {
        #expect(Redaction.prefix.apply("sk-abcdefghijklmnop") == "sk-a…")
        #expect(Redaction.prefix.apply("abc") == "…")
        #expect(Redaction.percent(100).apply("secretvalue") == "REDACTED")
        #expect(Redaction.percent(50).apply("abcdefgh") == "abcd…")
        #expect(Redaction.none.apply("abc") == "abc")
        #expect(Redaction.prefix.apply("abcdefghijklmnop", in: "x=abcdefghijklmnop;") == "x=abcd…;")
    }
}
