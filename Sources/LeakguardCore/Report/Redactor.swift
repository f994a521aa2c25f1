import LeakguardBase
/// The one choke point between findings and any output: every report format, every mode.
///
/// Before a report is rendered, `prepare` replaces each finding's secret with its redacted form
/// and masks its excerpt: every secret known for that file (the findings of every check), every
/// span any rule matches in the excerpt whatever that rule's own verdict, anything shaped like a
/// key, and every body line of a private key. After rendering, `OutputGuard.scrub` searches the
/// text for the full secret values found in the run and masks any that a renderer let through.
/// `--no-redact` (`Redaction.none`) is the only way past it.
public struct Redactor: Sendable {
    public let redaction: Redaction
    let spanFinder: Detector?

    /// - Parameter detector: the run's secret rules, used to find secrets in excerpts that no
    ///   finding reported (a second key on the line, an allowlisted one).
    public init(redaction: Redaction, detector: Detector? = nil) {
        self.redaction = redaction
        self.spanFinder = detector
    }

    /// The report as outputs may show it, and the guard for the rendered text.
    public func prepare(_ report: ScanReport) -> (ScanReport, OutputGuard) {
        guard redaction != .none else { return (report, OutputGuard(pieces: [])) }
        var secretsByPath: [String: [[UInt8]]] = [:]
        var allPieces: [[UInt8]] = []
        for f in report.findings where !f.secret.isEmpty {
            let pieces = Self.pieces(of: f.secret) + (f.encodedText.isEmpty ? [] : Self.pieces(of: f.encodedText))
            secretsByPath[f.path, default: []] += pieces
            allPieces += pieces
        }
        var out = report
        let scratch = spanFinder.map { _ in MatchScratch() }
        for i in out.findings.indices {
            var f = out.findings[i]
            var extra: [[UInt8]] = []
            f.lineText = maskExcerpt(f.lineText, known: secretsByPath[f.path] ?? [], found: &extra, scratch: scratch)
            allPieces += extra
            if !f.secret.isEmpty { f.secret = redaction.apply(f.secret) }
            out.findings[i] = f
        }
        let guardPieces = OutputGuard(pieces: allPieces, redaction: redaction)
        for i in out.findings.indices {
            // Messages quote code (a callee, an argument): a key in it may be cut short, where
            // no search for the whole value finds it, so key-shaped tokens are masked too.
            out.findings[i].message = maskKeyShaped(guardPieces.scrub(out.findings[i].message))
            if let help = out.findings[i].help { out.findings[i].help = maskKeyShaped(guardPieces.scrub(help)) }
        }
        out.warnings = out.warnings.map(guardPieces.scrub)
        return (out, guardPieces)
    }

    /// What of a secret must never appear: the whole value, each line of a multi-line one, and
    /// the two ends a long excerpt keeps of a very long one.
    static func pieces(of secret: String) -> [[UInt8]] {
        let bytes = Array(secret.utf8)
        var out: [[UInt8]] = []
        if bytes.count >= OutputGuard.minimumPiece { out.append(bytes) }
        if bytes.contains(10) {
            for line in bytes.split(separator: 10) {
                var l = Array(line)
                while let last = l.last, last == 13 || last == 32 { l.removeLast() }
                if l.count >= OutputGuard.minimumPiece { out.append(l) }
            }
        }
        if bytes.count > Excerpt.maxMatch {
            out.append(Array(bytes[0..<(Excerpt.maxMatch / 2)]))
            out.append(Array(bytes[(bytes.count - Excerpt.maxMatch / 2)...]))
        }
        return out
    }

    /// `text` with every secret-like span masked; spans found that no finding knew are added to
    /// `found` so the output guard looks for them too.
    func maskExcerpt(_ text: String, known: [[UInt8]], found: inout [[UInt8]], scratch: MatchScratch?) -> String {
        guard !text.isEmpty else { return text }
        let bytes = Array(text.utf8)
        // A private key shows its header only; its body lines are the key.
        if let header = Self.privateKeyHeader(bytes) { return header }
        var spans: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buf in
            for piece in known { spans += allOccurrences(buf, piece) }
            if let detector = spanFinder, let scratch {
                let ruleSpans = detector.secretSpans(in: buf, scratch: scratch)
                for s in ruleSpans where s.count >= OutputGuard.minimumPiece { found.append(Array(buf[s])) }
                spans += ruleSpans
            }
            let shaped = Self.keyShapedTokens(buf)
            for s in shaped { found.append(Array(buf[s])) }
            spans += shaped
        }
        return mask(bytes, spans)
    }

    func maskKeyShaped(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return mask(bytes, bytes.withUnsafeBufferPointer { Self.keyShapedTokens($0) })
    }

    /// `bytes` with each span (merged where they overlap) replaced by its redacted form.
    func mask(_ bytes: [UInt8], _ spans: [Range<Int>]) -> String {
        guard !spans.isEmpty else { return String(decoding: bytes, as: UTF8.self) }
        var merged: [Range<Int>] = []
        for s in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) where !s.isEmpty {
            if let last = merged.last, s.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, s.upperBound)
            } else {
                merged.append(s)
            }
        }
        var out: [UInt8] = []
        var at = 0
        for s in merged {
            out += bytes[at..<s.lowerBound]
            out += Array(redaction.apply(String(decoding: bytes[s], as: UTF8.self)).utf8)
            at = s.upperBound
        }
        out += bytes[at...]
        return String(decoding: out, as: UTF8.self)
    }

    /// `-----BEGIN … PRIVATE KEY-----` (or PuTTY's / SSH2's header) when `line` holds one.
    static func privateKeyHeader(_ line: [UInt8]) -> String? {
        let text = String(decoding: line, as: UTF8.self)
        guard text.contains("PRIVATE KEY") || text.contains("PuTTY-User-Key-File") || text.contains("ENCRYPTED PRIVATE") else { return nil }
        if let begin = text.range(of: "-----BEGIN"), let close = text[begin.upperBound...].range(of: "-----") {
            return String(text[begin.lowerBound..<close.upperBound]) + " [key body hidden]"
        }
        if let putty = text.range(of: "PuTTY-User-Key-File") {
            return String(text[putty.lowerBound...].prefix(40)) + " [key body hidden]"
        }
        return "[private key hidden]"
    }

    /// Tokens that look like keys whoever wrote them: at least 20 characters of a key alphabet,
    /// letters and digits mixed, high entropy. Redacting a harmless hash costs a little
    /// readability; printing a key costs the key.
    static func keyShapedTokens(_ buf: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        let n = buf.count
        // `=` ends a token here: `name=value` is two, and base64 padding adds nothing secret.
        @inline(__always) func inToken(_ b: UInt8) -> Bool { b != 61 && isTokenByte(b) }
        while i < n {
            guard inToken(buf[i]) else { i += 1; continue }
            var j = i
            var letters = 0, digits = 0
            while j < n && inToken(buf[j]) {
                let b = buf[j]
                if b >= 48 && b <= 57 { digits += 1 } else if (b | 0x20) >= 97 && (b | 0x20) <= 122 { letters += 1 }
                j += 1
            }
            // Dotted names (a.b.c) and paths split into their parts; JWTs keep their dots.
            let token = i..<j
            if token.count >= 20 && letters >= 4 && digits >= 2 {
                let slice = UnsafeBufferPointer(rebasing: buf[token])
                if shannonEntropy(slice) >= 3.7 && !looksLikeIdentifierPath(slice) { out.append(token) }
            }
            i = j
        }
        return out
    }

    /// `module.sub_module.name`-like text: words joined by dots or slashes, each mostly letters.
    static func looksLikeIdentifierPath(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        var parts = 0, longest = 0, current = 0, digits = 0
        for b in token {
            if b == 46 || b == 47 { parts += 1; longest = max(longest, current); current = 0; continue }
            current += 1
            if b >= 48 && b <= 57 { digits += 1 }
        }
        longest = max(longest, current)
        return parts >= 2 && longest < 20 && digits * 4 < token.count
    }
}

/// Byte ranges of every occurrence of `needle` in `haystack`.
func allOccurrences(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> [Range<Int>] {
    guard !needle.isEmpty, haystack.count >= needle.count, let base = haystack.baseAddress else { return [] }
    var out: [Range<Int>] = []
    var from = 0
    while from + needle.count <= haystack.count,
          let at = byteOffset(of: needle, in: UnsafeBufferPointer(start: base + from, count: haystack.count - from)) {
        out.append((from + at)..<(from + at + needle.count))
        from += at + needle.count
    }
    return out
}

/// The last line of defence: masks, in rendered output, any secret value found in the run.
public struct OutputGuard: Sendable {
    /// Shorter values are not searched for: they would mask ordinary words.
    static let minimumPiece = 8
    let pieces: [[UInt8]]
    let masks: [String]
    let matcher: KeywordMatcher?

    init(pieces: [[UInt8]], redaction: Redaction = .prefix) {
        var seen = Set<[UInt8]>()
        let unique = pieces.filter { $0.count >= Self.minimumPiece && seen.insert($0).inserted }
        self.pieces = unique
        self.masks = unique.map { redaction.apply(String(decoding: $0, as: UTF8.self)) }
        self.matcher = unique.isEmpty ? nil : KeywordMatcher(keywords: unique.map { String(decoding: $0, as: UTF8.self) })
    }

    /// `text` with every known secret value masked.
    public func scrub(_ text: String) -> String {
        guard let matcher else { return text }
        var bytes = Array(text.utf8)
        var spans: [(Range<Int>, Int)] = []
        bytes.withUnsafeBufferPointer { buf in
            matcher.scan(buf) { keyword, end in
                let piece = pieces[keyword]
                let start = end - piece.count
                guard start >= 0 else { return }
                // The matcher folds ASCII case; secrets are case-sensitive.
                var k = 0
                while k < piece.count && buf[start + k] == piece[k] { k += 1 }
                if k == piece.count { spans.append((start..<end, keyword)) }
            }
        }
        guard !spans.isEmpty else { return text }
        // Longest first at each start, then left to right without overlaps.
        spans.sort { ($0.0.lowerBound, -$0.0.count) < ($1.0.lowerBound, -$1.0.count) }
        var out: [UInt8] = []
        var at = 0
        for (span, keyword) in spans where span.upperBound > at {
            if span.lowerBound < at {
                // Overlaps what was just masked: hide the rest of it too.
                out += Array("…".utf8)
            } else {
                out += bytes[at..<span.lowerBound]
                out += Array(masks[keyword].utf8)
            }
            at = span.upperBound
        }
        out += bytes[at...]
        bytes = out
        return String(decoding: bytes, as: UTF8.self)
    }

    public var isEmpty: Bool { pieces.isEmpty }
}
