import LeakguardBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
/// What the front end made of a source, for measuring it and for tests.
public struct PythonParseSummary: Sendable {
    public var tokenCount: Int
    public var nodeCount: Int
    /// Why the source cannot be parsed sensibly, with its line and column; nil when it parses.
    public var parseNote: String?
}

/// The AI-backoff check for Python sources and Jupyter notebooks.
///
/// How it decides, where the issue left room:
/// - A call is protected by the first of: a backoff decorator with a growing wait on an enclosing
///   function (written, kept in a variable, or applied by call), a `Retrying`/`AsyncRetrying`/
///   `retry_context` loop, a hand-written loop whose handler for the 429 sleeps a growing delay,
///   the callers of its helper function when all of them are protected, the SDK's own retries
///   (unless `strict`), or a retry configuration given to the client or the call.
/// - A retry that names exceptions counts only if one of them catches the SDK's 429: the SDK's
///   rate-limit class or a parent, `Exception`, or a name the checker cannot resolve (a project's
///   own exception gets the benefit of the doubt). Known library or builtin classes that miss the
///   429 do not count, and the finding says so.
/// - A sleep counts as growing when its delay involves `**`, `<<`, `pow`/`exp`, a variable
///   multiplied in the loop, or anything the checker cannot follow (a helper's result, a
///   Retry-After header). A literal, a constant, or a delay that only grows linearly with the
///   attempt (`base * (i + 1)`, `delay += 5`) is constant: linear waits keep clients in step.
/// - A helper nobody in the module calls is an entry point and so unprotected; a helper also
///   passed around as a value (`executor.map(helper, …)`) has callers the checker cannot see.
/// - Local servers (ollama, a `base_url`/`host` on localhost, 127.0.0.1, 0.0.0.0 or [::1]) are
///   never flagged. Key literals shorter than 16 characters, containing spaces, or made of
///   placeholder words are not reported.
/// - Files that name no SDK module or API host are not parsed; files that name an SDK only in
///   prose (no import of it, no API host) are parsed but not analysed.
public enum PythonCheck {
    /// Every rule of the check, with its examples.
    public static let rules: [AIRuleDescription] = [
        BackoffMissingRule.description,
        BackoffConstantRule.description,
        BackoffUnboundedRule.description,
        RateLimitSwallowedRule.description,
        KeyHardcodedRule.description,
        OutputUnmoderatedRule.description,
    ]

    /// Checks a `.py` file. A file that names no AI SDK or API host is not parsed at all.
    ///
    /// - Parameter mention: the tags of `triggerWords(for:)` found in the source, OR-ed, when the
    ///   caller already searched for them (leakguard's keyword pass does); nil searches here.
    public static func check(source: UnsafeBufferPointer<UInt8>, path: String, config: PythonCheckConfig,
                             mention: Int? = nil) -> PythonCheckResult {
        var lines: LineIndex?
        return analyse(source, path: path, config: config, mention: mention.map { Mentions(rawValue: $0) }) { offset in
            if lines == nil { lines = LineIndex(source) }
            return lines!.position(of: offset)
        }
    }

    /// Checks the code cells of a `.ipynb` notebook as one module, in cell order, with IPython
    /// syntax translated; findings point at the line and column of the notebook file where their
    /// source line is stored. A cell that does not parse is left out (and named in the note); the
    /// other cells are still checked.
    public static func checkNotebook(json: UnsafeBufferPointer<UInt8>, path: String, config: PythonCheckConfig) -> PythonCheckResult {
        var notebook: NotebookSource
        switch Notebook.extract(json) {
        case .success(let extracted): notebook = extracted
        case .failure(let problem): return PythonCheckResult(parseNote: "not checked: \(problem.message)")
        }
        var jsonLines: LineIndex?
        func locate(_ notebook: NotebookSource, _ offset: Int) -> (line: Int, column: Int) {
            if jsonLines == nil { jsonLines = LineIndex(json) }
            return jsonLines!.position(of: notebook.fileOffset(of: offset))
        }
        // Which code offset each reported position came from, to name its cell afterwards.
        var located: [Int: Int] = [:]
        func key(_ line: Int, _ column: Int) -> Int { line << 24 | min(column, 1 << 24 - 1) }
        let mention = notebook.code.withUnsafeBufferPointer { mentions(in: $0, config: config) }
        guard !mention.subtracting(.post).isEmpty else { return PythonCheckResult() }
        var notes: [String] = []
        // Parse the cells together; when that fails, leave out the cells that fail alone, then
        // (for problems that only show across cells) the cell where the problem is found.
        var dropped = false
        for _ in 0...notebook.cells.count {
            let problem = notebook.code.withUnsafeBufferPointer { SyntaxTree.parse($0).problem }
            guard let problem else { break }
            var failing: Set<Int> = []
            if !dropped {
                for (i, cell) in notebook.cells.enumerated() {
                    let alone = Array(notebook.code[cell.range])
                    if let cellProblem = alone.withUnsafeBufferPointer({ SyntaxTree.parse($0).problem }) {
                        failing.insert(i)
                        let (line, column) = locate(notebook, cell.range.lowerBound + cellProblem.offset)
                        notes.append("cell \(cell.number) \(noteText(cellProblem, line: line, column: column))")
                    }
                }
                dropped = true
            }
            if failing.isEmpty, let i = notebook.cells.firstIndex(where: { $0.range.contains(problem.offset) }) ?? notebook.cells.indices.last {
                failing.insert(i)
                let (line, column) = locate(notebook, problem.offset)
                notes.append("cell \(notebook.cells[i].number) \(noteText(problem, line: line, column: column))")
            }
            notebook = notebook.dropping(failing)
        }
        let note = notes.isEmpty ? nil : notes.joined(separator: "; ")
        var result = notebook.code.withUnsafeBufferPointer { code in
            analyse(code, path: path, config: config, mention: mention, pins: notebook.pins) { offset in
                let position = locate(notebook, offset)
                located[key(position.line, position.column)] = offset
                return position
            }
        }
        for i in result.findings.indices {
            guard let offset = located[key(result.findings[i].line, result.findings[i].column)],
                  let cell = notebook.cells.first(where: { $0.range.contains(offset) }) else { continue }
            result.findings[i].cell = cell.number
            result.findings[i].cellLine = 1 + notebook.code[cell.range.lowerBound..<offset].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
        return PythonCheckResult(findings: result.findings, parseNote: note ?? result.parseNote, limitNote: result.limitNote,
                                 inventory: result.inventory)
    }

    /// Tokenizes and parses Python source without checking it.
    public static func parse(source: UnsafeBufferPointer<UInt8>) -> PythonParseSummary {
        let tree = SyntaxTree.parse(source)
        var note: String?
        if let problem = tree.problem {
            var lines = LineIndex(source)
            let (line, column) = lines.position(of: problem.offset)
            note = noteText(problem, line: line, column: column)
        }
        return PythonParseSummary(tokenCount: tree.tokens.count, nodeCount: tree.nodes.count, parseNote: note)
    }

    private static func noteText(_ problem: SyntaxProblem, line: Int, column: Int) -> String {
        "not checked: \(problem.message) at line \(line), column \(column)"
    }

    /// Parses and checks a source that may concern AI. A source naming no SDK module or API host
    /// is not parsed; one that names an SDK only in passing (no import of it, no API host) is
    /// parsed but not analysed.
    private static func analyse(_ source: UnsafeBufferPointer<UInt8>, path: String, config: PythonCheckConfig, mention known: Mentions? = nil,
                                pins: [String: DependencyPin] = [:],
                                locate: (Int) -> (line: Int, column: Int)) -> PythonCheckResult {
        let mention = known ?? mentions(in: source, config: config)
        guard !mention.subtracting(.post).isEmpty else { return PythonCheckResult() }
        // A module name alone (no API host) matters only if an import line names it, or it is
        // used as `module.attribute` with no import (a framework injects it); words like
        // "together" or "replicate" are common in prose, and parsing is the costly part. An
        // endpoint name matters only where something is POSTed.
        var use = ImportLineFilter.ModuleUse.none
        var posts = false
        if !mention.contains(.host) {
            if mention.contains(.module) { use = ImportLineFilter.shared(config).moduleUse(in: source) }
            posts = mention.isSuperset(of: [.endpoint, .post]) && postsToEndpointName(source)
            guard use != .none || posts else { return PythonCheckResult() }
        }
        let tree = SyntaxTree.parse(source)
        if let problem = tree.problem {
            let (line, column) = locate(problem.offset)
            return PythonCheckResult(parseNote: noteText(problem, line: line, column: column))
        }
        let specs = config.sdkTable()
        if use == .imported && !posts && !tree.importedPaths().contains(where: specs.reaches) { return PythonCheckResult() }
        let (located, inventory, unchecked) = withoutActuallyEscaping(locate) { locate in
            let checker = Checker(tree: tree, config: config, specs: specs, path: path, ownPins: pins, lineOf: { locate($0).line })
            return (checker.run(), checker.inventory, checker.firstUncheckedCall.map { tree.byteRange(of: $0).lowerBound })
        }
        let limitNote = unchecked.map {
            "more than \(config.maxAICallSites) AI calls (the limit per file): the calls from line \(locate($0).line) on were not checked"
        }
        let calls = inventory.map { entry -> AIInventoryCall in
            var call = entry.call
            (call.line, call.column) = locate(entry.offset)
            for (i, offset) in entry.outputOffsets.enumerated() { call.outputs[i].line = locate(offset).line }
            return call
        }
        let findings = located.map { finding -> PythonFinding in
            let start = locate(finding.start)
            var end = start
            if finding.end > finding.start {
                let last = locate(finding.end - 1)
                end = (last.line, last.column + 1)
            }
            return PythonFinding(ruleID: finding.rule.id, severity: config.severity(of: finding.rule), message: finding.message,
                                 line: start.line, column: start.column, endLine: end.line, endColumn: end.column, sdk: finding.sdk)
        }
        return PythonCheckResult(findings: findings, limitNote: limitNote, inventory: calls)
    }

    // MARK: Which files to parse

    /// What a source mentions: a name an inference endpoint may be kept under (`base_url`,
    /// `END_POINT`), an SDK module name, an AI API host; a set, as trigger-word tags are bits.
    struct Mentions: OptionSet {
        let rawValue: Int
        static let endpoint = Mentions(rawValue: 1)
        static let module = Mentions(rawValue: 2)
        static let host = Mentions(rawValue: 4)
        /// Something is POSTed (`.post(`, `"POST"`): with an endpoint name, worth a closer look.
        static let post = Mentions(rawValue: 8)
    }

    /// The marks of a POST, found in the same pass as the other words.
    static let postWords = [".post(", "\"POST\"", "'POST'"]

    /// Spellings of the names an inference endpoint is kept under (see
    /// `HTTPCalls.inferenceEndpoint`), cut to their rarer parts (`ndpoint` for `endpoint` and
    /// `Endpoint`, `e_url` for `base_url`, `i_base` for `api_base`) so the pre-check stops on
    /// fewer places; lower and upper case.
    static let endpointWords: [String] = ["ndpoint", "nd_point", "e_url", "i_url", "i_base"].flatMap { [$0, $0.uppercased()] }

    /// Whether a source POSTs to a name that says endpoint: an endpoint word within the POST's
    /// first lines (`requests.post(self.end_point, …`, `client.post(\n    url=API_URL`). Endpoint
    /// names are common in API clients; only such a POST is worth a parse.
    static func postsToEndpointName(_ source: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = source.baseAddress else { return false }
        for marker in postWords {
            var from = 0
            while let at = find(source, marker, from: from) {
                from = at + 1
                // The call's first four lines, at most 400 bytes.
                var end = at
                var newlines = 0
                while end < source.count && end - at < 400 && newlines < 4 {
                    if base[end] == 0x0A { newlines += 1 }
                    end += 1
                }
                let window = UnsafeBufferPointer(rebasing: source[at..<end])
                if endpointWords.contains(where: { find(window, $0, from: 0) != nil }) { return true }
            }
        }
        return false
    }

    private static func contains(_ source: UnsafeBufferPointer<UInt8>, _ word: String) -> Bool {
        find(source, word, from: 0) != nil
    }

    private static func find(_ source: UnsafeBufferPointer<UInt8>, _ word: String, from: Int) -> Int? {
        byteOffset(of: Array(word.utf8), in: source, from: from)
    }

    /// The words that make a source worth parsing, each with a tag bit (1: an endpoint name, 2:
    /// an SDK module name, 4: an AI API host, 8: a POST, which counts only with an endpoint
    /// name); a caller that finds them itself passes the tags seen, OR-ed, as `mention`.
    public static func triggerWords(for config: PythonCheckConfig) -> [(word: String, tag: Int)] { keywords(for: config) }

    static func keywords(for config: PythonCheckConfig) -> [(word: String, tag: Int)] {
        var words: [String: Int] = [:]
        for spec in config.sdks where !spec.isLocal && !spec.module.isEmpty {
            let parts = spec.module.split(separator: ".")
            words[String(parts.first == "google" && parts.count > 1 ? parts[1] : parts[0])] = Mentions.module.rawValue
        }
        words["boto3"] = nil  // bedrock clients are made by `boto3.client("bedrock-runtime")`
        words["bedrock-runtime"] = Mentions.module.rawValue
        for word in endpointWords where words[word] == nil { words[word] = Mentions.endpoint.rawValue }
        for word in postWords { words[word] = Mentions.post.rawValue }
        for (host, _) in AISDKSpec.apiHosts { words[host] = Mentions.host.rawValue }
        for host in config.extraAPIHosts where !host.isEmpty { words[host] = Mentions.host.rawValue }
        return words.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private static let builtInFilter = KeywordFilter(keywords(for: PythonCheckConfig()))

    static func mentions(in source: UnsafeBufferPointer<UInt8>, config: PythonCheckConfig) -> Mentions {
        let filter = config.extraSDKs.isEmpty && config.extraAPIHosts.isEmpty ? builtInFilter : KeywordFilter(keywords(for: config))
        return Mentions(rawValue: filter.tags(in: source))
    }
}

/// Finds in one pass which of a few tagged words occur in a text, reporting their tags OR-ed: every
/// 4-byte window is hashed into a 256K-bit table of the words' first four bytes, and only table
/// hits are compared.
struct KeywordFilter: Sendable {
    /// 2^18 bits: with about a hundred words, few windows hit by chance.
    private var table = [UInt64](repeating: 0, count: 4096)
    /// For each hash (its top 16 bits), the first word with that hash (-1: none), chained
    /// through `next`, so a table hit compares only the words that can match there.
    private var heads = [Int32](repeating: -1, count: 1 << 16)
    private var next: [Int32] = []
    /// The words of four bytes or more, flat (no per-word arrays, so a hit costs no reference
    /// counting): first four bytes, tag, and where the word lies in `bytes`.
    private var prefixes: [UInt32] = []
    private var tagOf: [Int] = []
    private var starts: [Int] = []
    private var bytes: [UInt8] = []
    private var short: [(bytes: [UInt8], tag: Int)] = []
    /// Every tag OR-ed: once all are seen the search stops.
    private var all = 0

    init(_ keywords: [(word: String, tag: Int)]) {
        for (keyword, tag) in keywords {
            all |= tag
            let word = Array(keyword.utf8)
            guard word.count >= 4 else { if !word.isEmpty { short.append((word, tag)) }; continue }
            let prefix = UInt32(word[0]) | UInt32(word[1]) << 8 | UInt32(word[2]) << 16 | UInt32(word[3]) << 24
            let h = KeywordFilter.hash(prefix)
            table[h >> 6] |= 1 << UInt64(h & 63)
            next.append(heads[h >> 2])
            heads[h >> 2] = Int32(prefixes.count)
            prefixes.append(prefix)
            tagOf.append(tag)
            starts.append(bytes.count)
            bytes += word
        }
        starts.append(bytes.count)
    }

    @inline(__always) private static func hash(_ v: UInt32) -> Int { Int((v &* 0x9E37_79B1) >> 14) }

    /// The tags of the words found in `text`, OR-ed; 0 when none is.
    func tags(in text: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = text.baseAddress else { return 0 }
        let n = text.count
        var found = 0
        for word in short where word.tag & ~found != 0 && byteOffset(of: word.bytes, in: text) != nil { found |= word.tag }
        guard n >= 4, found != all else { return found }
        let raw = UnsafeRawPointer(base)
        return table.withUnsafeBufferPointer { table in
        heads.withUnsafeBufferPointer { heads in
        next.withUnsafeBufferPointer { next in
        prefixes.withUnsafeBufferPointer { prefixes in
        tagOf.withUnsafeBufferPointer { tagOf in
        starts.withUnsafeBufferPointer { starts in
        bytes.withUnsafeBufferPointer { bytes in
            var i = 0
            while i <= n - 4 {
                let v = raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)
                let h = KeywordFilter.hash(v)
                if table[h >> 6] & (1 << UInt64(h & 63)) != 0 {
                    var w = Int(heads[h >> 2])
                    while w >= 0 {
                        if prefixes[w] == v && tagOf[w] & ~found != 0 {
                            let start = starts[w], count = starts[w + 1] - start
                            if i + count <= n && memcmp(base + i, bytes.baseAddress! + start, count) == 0 {
                                found |= tagOf[w]
                                if found == all { return found }
                            }
                        }
                        w = Int(next[w])
                    }
                }
                i += 1
            }
            return found
        }}}}}}}
    }

    /// Calls `body(word, offset)` for every occurrence of a word of four bytes or more (`word`
    /// counts those words in the order given), in order of offset, until `body` returns false:
    /// one pass for all the words, where a search per word would pass over the text once each.
    func occurrences(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Bool) {
        guard let base = text.baseAddress, text.count >= 4 else { return }
        let n = text.count
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i <= n - 4 {
            let v = raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)
            let h = KeywordFilter.hash(v)
            if table[h >> 6] & (1 << UInt64(h & 63)) != 0 {
                var w = Int(heads[h >> 2])
                while w >= 0 {
                    let start = starts[w], count = starts[w + 1] - start
                    if prefixes[w] == v && i + count <= n {
                        let same = bytes.withUnsafeBufferPointer { memcmp(base + i, $0.baseAddress! + start, count) == 0 }
                        if same && !body(w, i) { return }
                    }
                    w = Int(next[w])
                }
            }
            i += 1
        }
    }
}

/// A cheap, conservative pre-check: does any line that starts with `import` or `from` (after
/// indentation, or after a line ending in a backslash) contain an SDK module word? Every real
/// import of an SDK passes; files that only mention one in prose or strings are skipped.
struct ImportLineFilter: Sendable {
    let words: [[UInt8]]
    /// Trigger words that cannot be module names (`bedrock-runtime`, a boto3 service name):
    /// these count wherever they occur.
    let anywhereWords: [[UInt8]]

    static let builtIn = ImportLineFilter(config: PythonCheckConfig())
    static func shared(_ config: PythonCheckConfig) -> ImportLineFilter {
        config.extraSDKs.isEmpty ? builtIn : ImportLineFilter(config: config)
    }

    /// The module words of four bytes or more, found in one pass (`wordsMatcher`); shorter ones
    /// (none among the built-in SDKs) are searched one by one.
    let wordsMatcher: KeywordFilter
    let shortWords: [[UInt8]]

    init(config: PythonCheckConfig) {
        let all = PythonCheck.keywords(for: config).filter { $0.tag == PythonCheck.Mentions.module.rawValue }.map { Array($0.word.utf8) }
        words = all.filter { !$0.contains(UInt8(ascii: "-")) }
        anywhereWords = all.filter { $0.contains(UInt8(ascii: "-")) }
        let long = words.filter { $0.count >= 4 }
        wordsMatcher = KeywordFilter(long.map { (String(decoding: $0, as: UTF8.self), 1) })
        shortWords = words.filter { $0.count < 4 }
        wordLengths = long.map(\.count)
    }
    private let wordLengths: [Int]

    func anyImportNamesModule(_ source: UnsafeBufferPointer<UInt8>) -> Bool {
        moduleUse(in: source) == .imported
    }

    /// How a source uses an SDK module word, found in one pass over its occurrences.
    enum ModuleUse { case none, attribute, imported }

    /// `.imported` when a line that starts with `import`/`from` names a module word;
    /// `.attribute` when a module word is used as `word.attribute` at the start of an expression
    /// (not after a dot or inside a longer name), as a module nobody imported here is used.
    func moduleUse(in source: UnsafeBufferPointer<UInt8>) -> ModuleUse {
        guard let base = source.baseAddress else { return .none }
        for word in anywhereWords where find(source, word, from: 0) != nil { return .imported }
        func isName(_ c: UInt8) -> Bool { c == 0x5F || (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }
        // What may come before a name that starts an expression; not a quote, `/`, `-` or `*`
        // (`"arn:…:foundation-model/anthropic.claude"` is text, not code).
        func startsExpression(_ c: UInt8) -> Bool { " \t\n\r([{,=:".utf8.contains(c) }
        var use = ModuleUse.none
        // Look at the lines where a module word occurs, not at every line.
        func look(at: Int, length: Int) -> Bool {
            if lineIsImport(base, count: source.count, containing: at) { use = .imported; return false }
            let after = at + length
            if use == .none, after + 1 < source.count, base[after] == 0x2E, isName(base[after + 1]),
               !(0x30...0x39).contains(base[after + 1]), at == 0 || startsExpression(base[at - 1]) {
                use = .attribute
            }
            return true
        }
        wordsMatcher.occurrences(in: source) { word, at in look(at: at, length: wordLengths[word]) }
        for word in shortWords where use != .imported {
            var from = 0
            while let at = find(source, word, from: from) {
                from = at + 1
                if !look(at: at, length: word.count) { break }
            }
        }
        return use
    }

    /// The line holding `offset` starts with `import`/`from`, or continues (after `\` or an open
    /// parenthesis) a line that does.
    private func lineIsImport(_ base: UnsafePointer<UInt8>, count n: Int, containing offset: Int) -> Bool {
        var start = offset
        while start > 0 && base[start - 1] != 10 { start -= 1 }
        var lines = 0
        while lines < 8 {
            var i = start
            while i < n && (base[i] == 32 || base[i] == 9) { i += 1 }
            if starts(base, i, n, "import") || starts(base, i, n, "from") { return true }
            // Go back one line if the previous one ends in `\`, `(` or `,` (a continued import).
            guard start > 0 else { return false }
            var last = start - 1  // the newline
            while last > 0 && (base[last - 1] == 13 || base[last - 1] == 32) { last -= 1 }
            guard last > 0, base[last - 1] == 92 || base[last - 1] == 40 || base[last - 1] == 44 else { return false }
            start = last - 1
            while start > 0 && base[start - 1] != 10 { start -= 1 }
            lines += 1
        }
        return false
    }

    private func starts(_ base: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ keyword: StaticString) -> Bool {
        let k = keyword.utf8Start
        let count = keyword.utf8CodeUnitCount
        guard end - i > count else { return false }
        for j in 0..<count where base[i + j] != k[j] { return false }
        let next = base[i + count]
        return next == 32 || next == 9 || next == 92 || next == 40
    }

    private func find(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], from: Int) -> Int? {
        byteOffset(of: needle, in: hay, from: from)
    }
}
