import LeakguardBase

/// Splits Python source bytes into tokens, the way CPython's tokenizer does in the parts that
/// matter for structure: strings of every prefix and quote (including 3.12 f-strings whose
/// replacement fields hold strings with the same quote), comments, explicit and implicit line
/// joining, and INDENT/DEDENT. It never fails: what Python would reject is recorded as the first
/// `problem` and tokenizing goes on.
///
/// Brackets nested deeper than `maxBracketDepth` are a problem (CPython refuses them too): the
/// span inside is scanned as usual (strings, comments and brackets followed) but gives one
/// `.error` token instead of a token per bracket, so hostile nesting costs no memory.
struct Tokenizer {
    private let src: UnsafeBufferPointer<UInt8>
    private var pos: Int
    private var tokens: [Token] = []
    private var indents: [Int] = [0]
    private var bracketDepth = 0
    /// Where the bracket that went past `maxBracketDepth` opened, while its span is skipped.
    private var skippedFrom: Int?
    private var atLineStart = true
    private var lineHasTokens = false
    private(set) var problem: SyntaxProblem?

    /// Deepest nesting of f-strings inside f-string replacement fields that is followed.
    private static let maxFStringNesting = 24
    /// Deepest bracket nesting that gives tokens: CPython's tokenizer stops at 200 levels ("too
    /// many nested parentheses"); the parser gives up long before (`Parser.maxDepth`).
    static let maxBracketDepth = 200

    init(_ source: UnsafeBufferPointer<UInt8>) {
        src = source
        // A UTF-8 byte-order mark is not part of the program.
        pos = source.count >= 3 && source[0] == 0xEF && source[1] == 0xBB && source[2] == 0xBF ? 3 : 0
    }

    static func tokenize(_ source: UnsafeBufferPointer<UInt8>) -> (tokens: [Token], problem: SyntaxProblem?) {
        var tokenizer = Tokenizer(source)
        tokenizer.run()
        return (tokenizer.tokens, tokenizer.problem)
    }

    private mutating func note(_ message: String, at offset: Int) {
        if problem == nil { problem = SyntaxProblem(offset: offset, message: message) }
    }

    @inline(__always)
    private mutating func emit(_ kind: TokenKind, _ code: UInt8, _ start: Int, _ end: Int) {
        guard skippedFrom == nil else { return }
        tokens.append(Token(kind: kind, code: code, start: Int32(truncatingIfNeeded: start), end: Int32(truncatingIfNeeded: end)))
        lineHasTokens = true
    }

    private mutating func run() {
        let n = src.count
        tokens.reserveCapacityPreferringHugePages(n / 2 + 16)
        while pos < n {
            if atLineStart {
                atLineStart = false
                if bracketDepth == 0 && !handleIndentation() { continue }
            }
            let c = src[pos]
            switch c {
            case 0x20, 0x09, 0x0C:  // space, tab, form feed
                pos += 1
            case 0x0A, 0x0D:
                let start = pos
                pos += (c == 0x0D && pos + 1 < n && src[pos + 1] == 0x0A) ? 2 : 1
                if bracketDepth == 0 {
                    if lineHasTokens { emit(.newline, 0, start, start) }
                    lineHasTokens = false
                    atLineStart = true
                }
            case 0x23:  // '#'
                skipToLineEnd()
            case 0x5C:  // '\\' joins lines when a newline follows
                if pos + 1 < n && src[pos + 1] == 0x0A {
                    pos += 2
                } else if pos + 1 < n && src[pos + 1] == 0x0D {
                    pos += (pos + 2 < n && src[pos + 2] == 0x0A) ? 3 : 2
                } else if pos + 1 >= n {
                    pos += 1
                } else {
                    note("unexpected character after line continuation", at: pos)
                    emit(.error, 0, pos, pos + 1)
                    pos += 1
                }
            case 0x22, 0x27:  // quotes
                let start = pos
                let flags = scanString(prefix: [], nesting: 0)
                emit(.string, flags.rawValue, start, pos)
            case 0x30...0x39:
                scanNumber()
            case 0x2E:  // '.'
                if pos + 1 < n && src[pos + 1] >= 0x30 && src[pos + 1] <= 0x39 {
                    scanNumber()
                } else if pos + 2 < n && src[pos + 1] == 0x2E && src[pos + 2] == 0x2E {
                    emit(.op, Op.ellipsis.rawValue, pos, pos + 3)
                    pos += 3
                } else {
                    emit(.op, Op.dot.rawValue, pos, pos + 1)
                    pos += 1
                }
            case 0x41...0x5A, 0x61...0x7A, 0x5F, 0x80...0xFF:
                scanNameOrPrefixedString()
            case 0x00:
                note("source contains a NUL byte", at: pos)
                emit(.error, 0, pos, pos + 1)
                pos += 1
            default:
                scanOperator(c)
            }
        }
        if problem == nil {
            if bracketDepth > 0 { note("unclosed bracket at end of file", at: n) }
        }
        if let start = skippedFrom {
            skippedFrom = nil
            emit(.error, 0, start, n)
        }
        if lineHasTokens { emit(.newline, 0, n, n) }
        while indents.count > 1 {
            indents.removeLast()
            emit(.dedent, 0, n, n)
        }
        emit(.end, 0, n, n)
    }

    /// Measures the indentation of a new logical line and emits INDENT/DEDENT. Returns false when
    /// the line is blank or holds only a comment (the caller then goes on after it).
    private mutating func handleIndentation() -> Bool {
        let n = src.count
        var column = 0
        var p = pos
        while p < n {
            let c = src[p]
            if c == 0x20 { column += 1 } else if c == 0x09 { column = (column / 8 + 1) * 8 } else if c == 0x0C { column = 0 } else { break }
            p += 1
        }
        pos = p
        if p >= n { return false }
        let c = src[p]
        if c == 0x23 {
            skipToLineEnd()
            atLineStart = true
            consumeNewline()
            return false
        }
        if c == 0x0A || c == 0x0D {
            atLineStart = true
            consumeNewline()
            return false
        }
        if c == 0x5C && p + 1 < n && (src[p + 1] == 0x0A || src[p + 1] == 0x0D) {
            // A line that is only a continuation joins the next one without a new indentation.
            return true
        }
        let current = indents[indents.count - 1]
        if column > current {
            indents.append(column)
            emit(.indent, 0, p, p)
        } else if column < current {
            while indents.count > 1 && indents[indents.count - 1] > column {
                indents.removeLast()
                emit(.dedent, 0, p, p)
            }
            if indents[indents.count - 1] != column {
                note("unindent does not match any outer indentation level", at: p)
                indents.append(column)
            }
        }
        return true
    }

    private mutating func consumeNewline() {
        let n = src.count
        guard pos < n else { return }
        if src[pos] == 0x0D {
            pos += (pos + 1 < n && src[pos + 1] == 0x0A) ? 2 : 1
        } else if src[pos] == 0x0A {
            pos += 1
        }
    }

    private mutating func skipToLineEnd() {
        let n = src.count
        while pos < n {
            let c = src[pos]
            if c == 0x0A || c == 0x0D { return }
            pos += 1
        }
    }

    /// Digits, letters, `_` and every non-ASCII byte, as bit masks over bytes 0-63 and 64-127.
    @inline(__always)
    private static func isNameByte(_ c: UInt8) -> Bool {
        if c >= 0x80 { return true }
        let mask: UInt64 = c < 64 ? 0x03FF_0000_0000_0000 : 0x07FF_FFFE_87FF_FFFE
        return (mask >> UInt64(c & 63)) & 1 != 0
    }

    private mutating func scanNameOrPrefixedString() {
        let n = src.count
        let start = pos
        var p = pos
        while p < n && Tokenizer.isNameByte(src[p]) { p += 1 }
        let length = p - start
        // The first eight bytes packed little-endian, for `Keyword.lookUp`.
        var packed: UInt64 = 0
        if length <= 8 {
            if start + 8 <= n {
                packed = UnsafeRawPointer(src.baseAddress! + start).loadUnaligned(as: UInt64.self).littleEndian
                if length < 8 { packed &= (1 << UInt64(length * 8)) - 1 }
            } else {
                for i in 0..<length { packed |= UInt64(src[start + i]) << UInt64(i * 8) }
            }
        }
        if length <= 2 && p < n && (src[p] == 0x22 || src[p] == 0x27), let prefix = Tokenizer.stringPrefix(src, start, length) {
            pos = p
            let flags = scanString(prefix: prefix, nesting: 0)
            emit(.string, flags.rawValue, start, pos)
            return
        }
        pos = p
        let keyword = length <= 8 ? Keyword.lookUp(packed: packed) : .none
        emit(.name, keyword.rawValue, start, p)
    }

    /// The flags a string prefix stands for, or nil when the letters are no string prefix.
    static func stringPrefix(_ src: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> StringFlags? {
        var flags: StringFlags = []
        for i in start..<(start + length) {
            switch src[i] | 0x20 {  // lower-case ASCII letters
            case UInt8(ascii: "r"): if flags.contains(.raw) { return nil }; flags.insert(.raw)
            case UInt8(ascii: "b"): if flags.contains(.bytes) { return nil }; flags.insert(.bytes)
            case UInt8(ascii: "f"), UInt8(ascii: "t"): if flags.contains(.formatted) { return nil }; flags.insert(.formatted)
            case UInt8(ascii: "u"): if length != 1 && !(length == 2 && (src[start + 1] | 0x20) == UInt8(ascii: "r")) { return nil }
            default: return nil
            }
        }
        if flags.contains(.bytes) && flags.contains(.formatted) { return nil }
        return flags
    }

    /// Scans a string whose opening quote is at `pos`; leaves `pos` after it. Strings that do not
    /// end are recorded as a problem and stop at the line end (or the file end when triple-quoted).
    private mutating func scanString(prefix: StringFlags, nesting: Int) -> StringFlags {
        let n = src.count
        let quote = src[pos]
        var flags = prefix
        let start = pos
        if pos + 2 < n && src[pos + 1] == quote && src[pos + 2] == quote {
            flags.insert(.triple)
            pos += 3
        } else {
            pos += 1
        }
        let triple = flags.contains(.triple)
        let formatted = flags.contains(.formatted)
        let raw = flags.contains(.raw)
        while pos < n {
            let c = src[pos]
            if c == quote {
                if !triple { pos += 1; return flags }
                if pos + 2 < n && src[pos + 1] == quote && src[pos + 2] == quote { pos += 3; return flags }
                pos += 1
            } else if c == 0x5C {  // backslash: the next byte is escaped (also in raw strings)
                if !raw && formatted && pos + 2 < n && src[pos + 1] == UInt8(ascii: "N") && src[pos + 2] == 0x7B {
                    // \N{NAME} is a named character, not a replacement field.
                    pos += 3
                    while pos < n && src[pos] != 0x7D && src[pos] != quote && src[pos] != 0x0A { pos += 1 }
                    if pos < n && src[pos] == 0x7D { pos += 1 }
                    continue
                }
                // In an f-string a backslash does not hide a brace from the field syntax.
                if formatted && pos + 1 < n && (src[pos + 1] == 0x7B || src[pos + 1] == 0x7D) { pos += 1; continue }
                pos += 2
                if pos < n && src[pos - 1] == 0x0D && src[pos] == 0x0A { pos += 1 }
            } else if (c == 0x0A || c == 0x0D) && !triple {
                break
            } else if formatted && c == 0x7B {
                if pos + 1 < n && src[pos + 1] == 0x7B {
                    pos += 2
                } else {
                    pos += 1
                    scanReplacementField(quote: quote, triple: triple, nesting: nesting)
                }
            } else {
                pos += 1
            }
        }
        if pos > n { pos = n }
        flags.insert(.unterminated)
        note(triple ? "unterminated triple-quoted string" : "unterminated string literal", at: start)
        return flags
    }

    /// Scans an f-string replacement field after its `{`, up to and past its `}`. When the
    /// enclosing string ends inside the field (its quote in a format spec, a line end in a
    /// one-line string) it stops there and leaves the rest to `scanString`.
    private mutating func scanReplacementField(quote: UInt8, triple: Bool, nesting: Int) {
        let n = src.count
        if nesting >= Tokenizer.maxFStringNesting {
            note("f-strings nested too deeply", at: pos)
            return
        }
        var depth = 0
        var inFormatSpec = false
        while pos < n {
            let c = src[pos]
            switch c {
            case 0x7D:  // '}'
                if depth == 0 { pos += 1; return }
                depth -= 1
                pos += 1
            case 0x7B:  // '{'
                pos += 1
                if inFormatSpec && depth == 0 {
                    scanReplacementField(quote: quote, triple: triple, nesting: nesting + 1)
                } else {
                    depth += 1
                }
            case 0x28, 0x5B:
                if !inFormatSpec { depth += 1 }
                pos += 1
            case 0x29, 0x5D:
                if !inFormatSpec && depth > 0 { depth -= 1 }
                pos += 1
            case 0x3A:  // ':' starts the format spec at the field's own level
                if depth == 0 && !inFormatSpec && !(pos + 1 < n && src[pos + 1] == 0x3D) { inFormatSpec = true }
                pos += 1
            case 0x0A, 0x0D:
                if !triple && depth == 0 { return }
                pos += 1
            case 0x22, 0x27:
                if inFormatSpec {
                    // A format spec is literal text: the enclosing quote ends the string.
                    if c == quote { return }
                    pos += 1
                } else {
                    _ = scanString(prefix: [], nesting: nesting + 1)
                }
            case 0x23:  // a comment inside a multi-line replacement field (3.12)
                if inFormatSpec { pos += 1 } else { skipToLineEnd() }
            case 0x5C:
                pos += 2
            case 0x41...0x5A, 0x61...0x7A, 0x5F, 0x80...0xFF:
                let start = pos
                while pos < n && Tokenizer.isNameByte(src[pos]) { pos += 1 }
                if !inFormatSpec && pos - start <= 2 && pos < n && (src[pos] == 0x22 || src[pos] == 0x27),
                   let prefix = Tokenizer.stringPrefix(src, start, pos - start) {
                    _ = scanString(prefix: prefix, nesting: nesting + 1)
                }
            default:
                pos += 1
            }
        }
        if pos > n { pos = n }
    }

    private mutating func scanNumber() {
        let n = src.count
        let start = pos
        if src[pos] == 0x30 && pos + 1 < n, case let x = src[pos + 1] | 0x20, x == UInt8(ascii: "x") || x == UInt8(ascii: "o") || x == UInt8(ascii: "b") {
            pos += 2
            while pos < n && (Tokenizer.isNameByte(src[pos])) && src[pos] < 0x80 { pos += 1 }
            emit(.number, 0, start, pos)
            return
        }
        while pos < n {
            let c = src[pos]
            if (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2E {
                pos += 1
            } else if c | 0x20 == UInt8(ascii: "e") {
                pos += 1
                if pos < n && (src[pos] == 0x2B || src[pos] == 0x2D) { pos += 1 }
            } else if c | 0x20 == UInt8(ascii: "j") || c | 0x20 == UInt8(ascii: "l") {
                pos += 1  // imaginary, or a Python 2 long
                break
            } else {
                break
            }
        }
        emit(.number, 0, start, pos)
    }

    private mutating func scanOperator(_ c: UInt8) {
        let n = src.count
        let start = pos
        let c1: UInt8 = pos + 1 < n ? src[pos + 1] : 0
        let c2: UInt8 = pos + 2 < n ? src[pos + 2] : 0
        var op: Op
        var length = 1
        switch c {
        case 0x28, 0x5B, 0x7B:
            op = c == 0x28 ? .lparen : (c == 0x5B ? .lbracket : .lbrace)
            if bracketDepth == Tokenizer.maxBracketDepth && skippedFrom == nil {
                note("too many nested parentheses", at: pos)
                skippedFrom = pos
            }
            bracketDepth += 1
        case 0x29, 0x5D, 0x7D:
            op = c == 0x29 ? .rparen : (c == 0x5D ? .rbracket : .rbrace)
            if bracketDepth > 0 { bracketDepth -= 1 } else { note("unmatched closing bracket", at: pos) }
            if bracketDepth == Tokenizer.maxBracketDepth, let skipped = skippedFrom {
                // Back at the limit: the skipped span, brackets included, is one error token.
                skippedFrom = nil
                emit(.error, 0, skipped, pos + 1)
                pos += 1
                return
            }
        case 0x2C: op = .comma
        case 0x3B: op = .semicolon
        case 0x7E: op = .tilde
        case 0x3A: if c1 == 0x3D { op = .walrus; length = 2 } else { op = .colon }
        case 0x40: if c1 == 0x3D { op = .atAssign; length = 2 } else { op = .at }
        case 0x3D: if c1 == 0x3D { op = .equal; length = 2 } else { op = .assign }
        case 0x21: if c1 == 0x3D { op = .notEqual; length = 2 } else { op = .bang }
        case 0x2B: if c1 == 0x3D { op = .plusAssign; length = 2 } else { op = .plus }
        case 0x2D:
            if c1 == 0x3D { op = .minusAssign; length = 2 } else if c1 == 0x3E { op = .arrow; length = 2 } else { op = .minus }
        case 0x25: if c1 == 0x3D { op = .percentAssign; length = 2 } else { op = .percent }
        case 0x26: if c1 == 0x3D { op = .ampAssign; length = 2 } else { op = .amp }
        case 0x7C: if c1 == 0x3D { op = .pipeAssign; length = 2 } else { op = .pipe }
        case 0x5E: if c1 == 0x3D { op = .caretAssign; length = 2 } else { op = .caret }
        case 0x2A:
            if c1 == 0x2A {
                if c2 == 0x3D { op = .doubleStarAssign; length = 3 } else { op = .doubleStar; length = 2 }
            } else if c1 == 0x3D { op = .starAssign; length = 2 } else { op = .star }
        case 0x2F:
            if c1 == 0x2F {
                if c2 == 0x3D { op = .doubleSlashAssign; length = 3 } else { op = .doubleSlash; length = 2 }
            } else if c1 == 0x3D { op = .slashAssign; length = 2 } else { op = .slash }
        case 0x3C:
            if c1 == 0x3C {
                if c2 == 0x3D { op = .lshiftAssign; length = 3 } else { op = .lshift; length = 2 }
            } else if c1 == 0x3D { op = .lessEqual; length = 2 } else if c1 == 0x3E { op = .notEqual; length = 2 } else { op = .less }
        case 0x3E:
            if c1 == 0x3E {
                if c2 == 0x3D { op = .rshiftAssign; length = 3 } else { op = .rshift; length = 2 }
            } else if c1 == 0x3D { op = .greaterEqual; length = 2 } else { op = .greater }
        default:
            note("invalid character in source", at: pos)
            emit(.error, 0, pos, pos + 1)
            pos += 1
            return
        }
        emit(.op, op.rawValue, start, start + length)
        pos += length
    }
}
