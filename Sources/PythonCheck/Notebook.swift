/// The code cells of a notebook, IPython syntax translated, joined into one module, with the
/// file offset of every byte.
struct NotebookSource {
    var code: [UInt8] = []
    /// For each byte of `code`, the offset in the notebook file of the character it came from.
    var offsets: [Int32] = []
    /// Where each code cell lies in `code`, with its 1-based number among the notebook's cells.
    var cells: [(number: Int, range: Range<Int>)] = []
    /// Versions the notebook installs itself (`!pip install openai==0.28.1`).
    var pins: [String: DependencyPin] = [:]

    func fileOffset(of offset: Int) -> Int {
        guard !offsets.isEmpty else { return 0 }
        return Int(offsets[min(max(0, offset), offsets.count - 1)])
    }

    /// The same notebook without some cells (ones that do not parse).
    func dropping(_ dropped: Set<Int>) -> NotebookSource {
        var kept = NotebookSource()
        kept.pins = pins
        for (i, cell) in cells.enumerated() where !dropped.contains(i) {
            let start = kept.code.count
            kept.code += code[cell.range]
            kept.offsets += offsets[cell.range]
            kept.cells.append((cell.number, start..<kept.code.count))
        }
        return kept
    }
}

/// Reads a Jupyter notebook's JSON on bytes, keeping where each character of a cell's source
/// sits in the file (Foundation's JSON reader cannot say that).
enum Notebook {
    struct Problem: Error {
        var message: String
    }

    static func extract(_ json: UnsafeBufferPointer<UInt8>) -> Result<NotebookSource, Problem> {
        var reader = JSONReader(bytes: json)
        var cells: [(type: String, code: [UInt8], offsets: [Int32])] = []
        guard reader.readObject({ reader, key in
            guard key == "cells" else { return reader.skipValue() }
            return reader.readArray { reader in
                var type = ""
                var code: [UInt8] = []
                var offsets: [Int32] = []
                let ok = reader.readObject { reader, key in
                    switch key {
                    case "cell_type":
                        var text: [UInt8] = []
                        var ignored: [Int32] = []
                        guard reader.readString(into: &text, offsets: &ignored) else { return false }
                        type = String(decoding: text, as: UTF8.self)
                        return true
                    case "source":
                        if reader.peek() == UInt8(ascii: "[") {
                            return reader.readArray { reader in reader.readString(into: &code, offsets: &offsets) }
                        }
                        return reader.readString(into: &code, offsets: &offsets)
                    default:
                        return reader.skipValue()
                    }
                }
                cells.append((type, code, offsets))
                return ok
            }
        }) else {
            return .failure(Problem(message: "the notebook is not valid JSON (near byte \(reader.position))"))
        }
        var source = NotebookSource()
        for (number, cell) in cells.enumerated() where cell.type == "code" {
            var code = cell.code
            for (package, pin) in IPythonSyntax.pipPins(code) where source.pins[package] == nil { source.pins[package] = pin }
            IPythonSyntax.translate(&code)
            guard code.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let start = source.code.count
            source.code += code
            source.offsets += cell.offsets
            if code.last != 0x0A {
                source.code.append(0x0A)
                source.offsets.append(cell.offsets.last ?? 0)
            }
            source.cells.append((number + 1, start..<source.code.count))
        }
        return .success(source)
    }
}

/// IPython's additions to Python in a cell, turned into Python of the same length so offsets
/// still map, the way IPython's input transformers see them: only at the start of a logical line
/// (not inside brackets or strings), also inside indented blocks.
/// - a cell magic (`%%bash`, after blank or comment lines only) makes the cell not Python, except the magics that run their body
///   as Python (`%%time`, `%%timeit`, `%%capture`, …): then only the magic line goes;
/// - a line magic, shell escape or help request (`%pip …`, `!git …`, `?obj`, `obj?`, `obj??`)
///   is blanked with its backslash continuation lines, leaving `pass` (or `0`) where it is the
///   first statement of a block;
/// - `x = !cmd` / `x = %magic` keep the assignment and assign `None` (or `0`).
enum IPythonSyntax {
    private static let pythonCellMagics: Set<String> = ["time", "timeit", "capture", "prun", "debug", "pypy", "python", "python3"]

    static func translate(_ code: inout [UInt8]) {
        // Blank and comment lines may come before a cell magic.
        var i = 0
        while i < code.count {
            while i < code.count && isSpace(code[i]) { i += 1 }
            guard i < code.count, code[i] == UInt8(ascii: "#") else { break }
            while i < code.count && code[i] != 0x0A { i += 1 }
        }
        if i + 1 < code.count && code[i] == UInt8(ascii: "%") && code[i + 1] == UInt8(ascii: "%") {
            var end = i + 2
            while end < code.count && code[end] != 0x0A { end += 1 }
            var nameEnd = i + 2
            while nameEnd < end && (isWordByte(code[nameEnd])) { nameEnd += 1 }
            let name = String(decoding: code[(i + 2)..<nameEnd], as: UTF8.self)
            if pythonCellMagics.contains(name) {
                for j in i..<end { code[j] = 0x20 }
                i = end
            } else {
                for j in code.indices where code[j] != 0x0A { code[j] = 0x20 }
                return
            }
        }
        var scanner = LineScanner()
        // Whether the last line of code opened a block: a magic there must leave a statement.
        var opensBlock = false
        var lineStart = 0
        while lineStart < code.count {
            var lineEnd = lineStart
            while lineEnd < code.count && code[lineEnd] != 0x0A { lineEnd += 1 }
            if scanner.atLogicalLineStart {
                var first = lineStart
                while first < lineEnd && (code[first] == 0x20 || code[first] == 0x09) { first += 1 }
                var continued = endsWithBackslash(code, first, lineEnd)
                if first < lineEnd, translateLine(&code, first, lineEnd, opensBlock: opensBlock) {
                    // A translated line's backslash continuation lines belong to it.
                    var end = lineEnd
                    while continued && end < code.count {
                        let next = end + 1
                        var nextEnd = next
                        while nextEnd < code.count && code[nextEnd] != 0x0A { nextEnd += 1 }
                        continued = endsWithBackslash(code, next, nextEnd)
                        for j in next..<nextEnd where code[j] != 0x0D { code[j] = 0x20 }
                        end = nextEnd
                    }
                    lineStart = end + 1
                    continue
                }
            }
            if let last = lastCodeByte(code, lineStart, lineEnd) { opensBlock = last == UInt8(ascii: ":") }
            scanner.scan(code, lineStart, lineEnd)
            lineStart = lineEnd + 1
        }
    }

    /// The last byte of a line that is not space or part of a trailing comment (a `#` outside
    /// quotes, roughly); nil for a blank or comment-only line.
    private static func lastCodeByte(_ code: [UInt8], _ start: Int, _ end: Int) -> UInt8? {
        var quote: UInt8?
        var last: UInt8?
        var i = start
        while i < end {
            let c = code[i]
            if let q = quote {
                if c == UInt8(ascii: "\\") { i += 1 } else if c == q { quote = nil }
            } else if c == 0x22 || c == 0x27 {
                quote = c
            } else if c == UInt8(ascii: "#") {
                break
            }
            if c != 0x20 && c != 0x09 && c != 0x0D { last = c }
            i += 1
        }
        return last
    }

    /// Versions a cell installs: `!pip install -qU "openai==0.28.1" replicate<0.14` and
    /// `%pip install …` lines, backslash continuations included.
    static func pipPins(_ code: [UInt8]) -> [String: DependencyPin] {
        var pins: [String: DependencyPin] = [:]
        let text = String(decoding: code, as: UTF8.self).replacingBackslashNewlines()
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.filter { $0 != "\"" && $0 != "'" } }
            guard let pip = words.firstIndex(where: { $0 == "!pip" || $0 == "%pip" || $0 == "!pip3" || $0 == "pip" }),
                  pip == 0 || words[0].hasPrefix("!") || words[0].hasPrefix("%"),
                  pip + 1 < words.count, words[pip + 1] == "install" else { continue }
            for word in words[(pip + 2)...] where !word.hasPrefix("-") {
                let nameEnd = word.firstIndex { "<>=!~[".contains($0) } ?? word.endIndex
                guard nameEnd != word.endIndex else { continue }
                var rest = word[nameEnd...]
                if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: close)...] }
                let package = DependencyFiles.normalized(word[..<nameEnd])
                if pins[package] == nil, let pin = DependencyFiles.pin(String(rest), exact: false, source: "the notebook's pip install") {
                    pins[package] = pin
                }
            }
        }
        return pins
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    private static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c >= 0x80
    }

    private static func endsWithBackslash(_ code: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var last = end - 1
        while last >= start && (code[last] == 0x20 || code[last] == 0x0D || code[last] == 0x09) { last -= 1 }
        return last >= start && code[last] == UInt8(ascii: "\\")
    }

    /// Translates the logical line `first..<end` if it is IPython syntax; false when it is Python.
    private static func translateLine(_ code: inout [UInt8], _ first: Int, _ end: Int, opensBlock: Bool) -> Bool {
        let c = code[first]
        if c == UInt8(ascii: "%") || c == UInt8(ascii: "!") || c == UInt8(ascii: "?") {
            fill(&code, first, end, statement: opensBlock)
            return true
        }
        if let escape = shellAssignment(code, first, end) {
            for j in escape..<end where code[j] != 0x0D { code[j] = 0x20 }
            let filler = Array((end - escape >= 4 ? "None" : "0").utf8)
            code.replaceSubrange(escape..<(escape + filler.count), with: filler)
            return true
        }
        if isHelpRequest(code, first, end) {
            fill(&code, first, end, statement: opensBlock)
            return true
        }
        return false
    }

    /// Blanks `first..<end`; where a block needs a statement, leaves `pass` (or `0`).
    private static func fill(_ code: inout [UInt8], _ first: Int, _ end: Int, statement: Bool) {
        for j in first..<end where code[j] != 0x0D { code[j] = 0x20 }
        guard statement else { return }
        let filler = Array((end - first >= 4 ? "pass" : "0").utf8)
        for (k, byte) in filler.enumerated() { code[first + k] = byte }
    }

    /// `obj?`, `obj.attr??`, `func?` alone on a line: a dotted name followed by `?`/`??`.
    private static func isHelpRequest(_ code: [UInt8], _ first: Int, _ end: Int) -> Bool {
        var last = end - 1
        while last > first && (code[last] == 0x20 || code[last] == 0x0D) { last -= 1 }
        guard last > first, code[last] == UInt8(ascii: "?") else { return false }
        var i = first
        while i < last && code[i] != UInt8(ascii: "?") {
            guard isWordByte(code[i]) || code[i] == UInt8(ascii: ".") || code[i] == UInt8(ascii: "*") else { return false }
            i += 1
        }
        return i > first
    }

    /// Where `!cmd` or `%magic` starts in `name = !cmd`.
    private static func shellAssignment(_ code: [UInt8], _ start: Int, _ end: Int) -> Int? {
        var i = start
        while i < end && code[i] != UInt8(ascii: "=") {
            let c = code[i]
            if c == 0x22 || c == 0x27 || c == UInt8(ascii: "(") || c == UInt8(ascii: "#") { return nil }
            i += 1
        }
        guard i < end, i + 1 < end, code[i + 1] != UInt8(ascii: "="), i > start,
              !"!<>=+-*/%&|^@:".utf8.contains(code[i - 1]) else { return nil }
        i += 1
        while i < end && code[i] == 0x20 { i += 1 }
        guard i < end, code[i] == UInt8(ascii: "!") || code[i] == UInt8(ascii: "%") else { return nil }
        return i
    }

    /// Follows brackets, strings and backslash continuations line by line, to tell where a
    /// logical line starts.
    struct LineScanner {
        private var depth = 0
        private var tripleQuote: UInt8?
        private var continued = false

        var atLogicalLineStart: Bool { depth == 0 && tripleQuote == nil && !continued }

        mutating func scan(_ code: [UInt8], _ start: Int, _ end: Int) {
            var i = start
            continued = false
            while i < end {
                let c = code[i]
                if let quote = tripleQuote {
                    if c == UInt8(ascii: "\\") { i += 2; continue }
                    if c == quote && i + 2 < end + 1 && i + 2 < code.count && code[i + 1] == quote && code[i + 2] == quote {
                        tripleQuote = nil
                        i += 3
                        continue
                    }
                    i += 1
                    continue
                }
                switch c {
                case UInt8(ascii: "#"):
                    return
                case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth = max(0, depth - 1)
                case 0x22, 0x27:
                    if i + 2 < end && code[i + 1] == c && code[i + 2] == c {
                        tripleQuote = c
                        i += 3
                        continue
                    }
                    // A one-line string: skip to its closing quote.
                    i += 1
                    while i < end && code[i] != c {
                        if code[i] == UInt8(ascii: "\\") { i += 1 }
                        i += 1
                    }
                case UInt8(ascii: "\\"):
                    var j = i + 1
                    while j < end && (code[j] == 0x20 || code[j] == 0x0D) { j += 1 }
                    if j == end { continued = true; return }
                default:
                    break
                }
                i += 1
            }
        }
    }
}

/// A small JSON reader over bytes that decodes strings with the file offset of each byte.
/// Nesting is capped, so hostile input cannot exhaust the stack.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position = 0
    private var depth = 0
    private static let maxDepth = 64

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
    }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    /// Reads an object, handing each key to `member`, which must read the value.
    mutating func readObject(_ member: (inout JSONReader, String) -> Bool) -> Bool {
        guard depth < JSONReader.maxDepth, consume(UInt8(ascii: "{")) else { return false }
        depth += 1
        defer { depth -= 1 }
        if consume(UInt8(ascii: "}")) { return true }
        repeat {
            var key: [UInt8] = []
            var ignored: [Int32] = []
            guard readString(into: &key, offsets: &ignored), consume(UInt8(ascii: ":")) else { return false }
            guard member(&self, String(decoding: key, as: UTF8.self)) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    /// Reads an array, handing each element to `element`, which must read it.
    mutating func readArray(_ element: (inout JSONReader) -> Bool) -> Bool {
        guard depth < JSONReader.maxDepth, consume(UInt8(ascii: "[")) else { return false }
        depth += 1
        defer { depth -= 1 }
        if consume(UInt8(ascii: "]")) { return true }
        repeat {
            guard element(&self) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]"))
    }

    /// Appends a string's decoded bytes, and for each the offset of its source character.
    mutating func readString(into text: inout [UInt8], offsets: inout [Int32]) -> Bool {
        guard consume(UInt8(ascii: "\"")) else { return false }
        while position < bytes.count {
            let start = position
            let c = bytes[position]
            if c == UInt8(ascii: "\"") { position += 1; return true }
            if c == UInt8(ascii: "\\") {
                guard position + 1 < bytes.count else { return false }
                let escaped = bytes[position + 1]
                position += 2
                var decoded: [UInt8]
                switch escaped {
                case UInt8(ascii: "n"): decoded = [0x0A]
                case UInt8(ascii: "t"): decoded = [0x09]
                case UInt8(ascii: "r"): decoded = [0x0D]
                case UInt8(ascii: "b"): decoded = [0x08]
                case UInt8(ascii: "f"): decoded = [0x0C]
                case UInt8(ascii: "u"):
                    guard let scalar = readHexScalar() else { return false }
                    decoded = Array(String(Character(scalar)).utf8)
                default: decoded = [escaped]
                }
                for byte in decoded {
                    text.append(byte)
                    offsets.append(Int32(truncatingIfNeeded: start))
                }
                continue
            }
            text.append(c)
            offsets.append(Int32(truncatingIfNeeded: start))
            position += 1
        }
        return false
    }

    private mutating func readHex4() -> UInt32? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for i in 0..<4 {
            let c = bytes[position + i]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: return nil
            }
            value = value * 16 + digit
        }
        position += 4
        return value
    }

    /// A `\uXXXX` escape after its `\u`, joining surrogate pairs; lone surrogates become U+FFFD.
    private mutating func readHexScalar() -> Unicode.Scalar? {
        guard let high = readHex4() else { return nil }
        if (0xD800...0xDBFF).contains(high), position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
           bytes[position + 1] == UInt8(ascii: "u") {
            let save = position
            position += 2
            if let low = readHex4(), (0xDC00...0xDFFF).contains(low) {
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            }
            position = save
        }
        return Unicode.Scalar(high) ?? "\u{FFFD}"
    }

    /// Skips any value.
    mutating func skipValue() -> Bool {
        switch peek() {
        case UInt8(ascii: "{"):
            return readObject { reader, _ in reader.skipValue() }
        case UInt8(ascii: "["):
            return readArray { reader in reader.skipValue() }
        case UInt8(ascii: "\""):
            var text: [UInt8] = []
            var offsets: [Int32] = []
            return readString(into: &text, offsets: &offsets)
        case nil:
            return false
        default:
            // Numbers, true, false, null.
            let start = position
            while position < bytes.count, !",}] \t\r\n".utf8.contains(bytes[position]) { position += 1 }
            return position > start
        }
    }
}

extension String {
    /// The text with backslash-newline continuations joined into one line.
    func replacingBackslashNewlines() -> String {
        var out = ""
        var pendingBackslash = false
        for ch in self {
            if pendingBackslash {
                pendingBackslash = false
                if ch == "\n" { out.append(" "); continue }
                out.append("\\")
            }
            if ch == "\\" { pendingBackslash = true; continue }
            out.append(ch)
        }
        if pendingBackslash { out.append("\\") }
        return out
    }
}
