/// Finds the malformed TOML that crashes TOMLKit's parser, so it is reported as a TOML error.
///
/// toml++ 3.4.0 (vendored by TOMLKit 0.6.0) aborts the process on failed assertions for some
/// invalid documents, and reaches `TOML_UNREACHABLE` for others, so one typo in a config file would
/// kill the scan (exit 134) instead of saying where the mistake is (exit 2). Fixed upstream in
/// marzer/tomlplusplus#301 and #305; until TOMLKit ships them, these shapes are refused here:
/// - a table header that does not start with a key: `[[` or `[` at the end of a line, `[{`, `[=`;
/// - a `}` that would close an array (`x = [}`), or a `]` that would close an inline table;
/// - a non-ASCII character outside strings and comments (`x = 1é`), including after a quote or
///   bracket glued to a bare value (`2'''é'''`, `0["é"]`), which toml++ reads as more of the value.
/// None of them is valid TOML. The scan knows strings and comments exactly, so a valid document
/// is never refused; past the first mistake in an invalid one it may report another mistake first.
enum TOMLPrecheck {
    struct Problem {
        var line: Int
        var column: Int
        var message: String
    }

    static func firstProblem(_ text: String) -> Problem? {
        let bytes = Array(text.utf8)
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var lineStart = i
        var open: [UInt8] = []  // the brackets not yet closed: `[` (array or header) or `{`
        var atLineStart = true  // only spaces and tabs so far on this line
        var inKey = true  // a key (or header) is expected or being read, not a value
        func problem(_ at: Int, _ message: String) -> Problem {
            Problem(line: line, column: at - lineStart + 1, message: message)
        }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case 0x0A:
                line += 1
                lineStart = i + 1
                atLineStart = true
                if open.isEmpty { inKey = true }
                i += 1
                continue
            case 0x20, 0x09, 0x0D:
                i += 1
                continue
            case UInt8(ascii: "#"):
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                i = endOfString(bytes, i, &line, &lineStart)
            case UInt8(ascii: "["):
                if atLineStart && open.isEmpty, let column = keylessHeaderColumn(bytes, i) {
                    return problem(column, "a table header must start with a key, as in [rules] or [[rules]]")
                }
                open.append(c)
                i += 1
            case UInt8(ascii: "{"):
                open.append(c)
                inKey = true
                i += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                let opener = c == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")
                if let last = open.last, last != opener {
                    return problem(i, "'\(Character(Unicode.Scalar(c)))' cannot close '\(Character(Unicode.Scalar(last)))'")
                }
                _ = open.popLast()
                i += 1
            case UInt8(ascii: "="):
                inKey = false
                i += 1
            case UInt8(ascii: ","):
                if open.last == UInt8(ascii: "{") { inKey = true }
                i += 1
            default:
                if c >= 0x80 { return problem(i, "a character outside ASCII must be in a string or a comment") }
                if inKey {
                    i += 1
                } else {
                    // A bare value (number, date, boolean): toml++ reads it up to a blank, `]`, `}`,
                    // `,` or `#`, quotes and brackets included (`2'''é'''`, `0["é"]`); so does this.
                    while i < bytes.count, !valueEnds.contains(bytes[i]) {
                        if bytes[i] >= 0x80 { return problem(i, "a character outside ASCII must be in a string or a comment") }
                        i += 1
                    }
                }
            }
            atLineStart = false
        }
        return nil
    }

    private static let valueEnds: Set<UInt8> = Set(" \t\r\n],}#".utf8)

    /// Where the key should start, if toml++ would find none at `bytes[at...]` (a `[` at the start
    /// of a statement); nil when the header is fine or its mistake is one toml++ reports itself.
    private static func keylessHeaderColumn(_ bytes: [UInt8], _ at: Int) -> Int? {
        var i = at + 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "[") { i += 1 }
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        guard i < bytes.count else { return nil }
        let c = bytes[i]
        let startsKey = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")
            || c == UInt8(ascii: "]")
        return startsKey ? nil : i
    }

    /// The index after the string starting at `start` (basic or literal, one line or multi-line).
    /// An unterminated one-line string ends at the line break, where toml++ stops too.
    private static func endOfString(_ bytes: [UInt8], _ start: Int, _ line: inout Int, _ lineStart: inout Int) -> Int {
        let quote = bytes[start]
        let escapes = quote == UInt8(ascii: "\"")
        let multiline = start + 2 < bytes.count && bytes[start + 1] == quote && bytes[start + 2] == quote
        var i = start + (multiline ? 3 : 1)
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x0A {
                if !multiline { return i }
                line += 1
                lineStart = i + 1
            } else if escapes && c == UInt8(ascii: "\\") {
                i += 1
                if i < bytes.count, bytes[i] == 0x0A {
                    if !multiline { return i }
                    line += 1
                    lineStart = i + 1
                }
            } else if c == quote {
                if !multiline { return i + 1 }
                if i + 2 < bytes.count, bytes[i + 1] == quote, bytes[i + 2] == quote {
                    // Up to two more quotes before the closing three belong to the string.
                    var end = i + 3
                    while end < bytes.count, end < i + 5, bytes[end] == quote { end += 1 }
                    return end
                }
            }
            i += 1
        }
        return i
    }
}
