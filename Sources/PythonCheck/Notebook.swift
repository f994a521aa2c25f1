/// The code cells of a notebook joined into one module, with the file offset of every byte.
struct NotebookSource {
    var code: [UInt8] = []
    /// For each byte of `code`, the offset in the notebook file of the character it came from.
    var offsets: [Int32] = []

    func fileOffset(of offset: Int) -> Int {
        guard !offsets.isEmpty else { return 0 }
        return Int(offsets[min(max(0, offset), offsets.count - 1)])
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
        for cell in cells where cell.type == "code" {
            var code = cell.code
            neutraliseMagics(&code)
            guard !code.isEmpty else { continue }
            source.code += code
            source.offsets += cell.offsets
            if code.last != 0x0A {
                source.code.append(0x0A)
                source.offsets.append(cell.offsets.last ?? 0)
            }
        }
        return .success(source)
    }

    /// Blanks IPython syntax that is not Python: a cell magic (`%%bash`) blanks its cell, a line
    /// magic or shell escape (`%time`, `!pip install`) its line, and `x = !ls` becomes `x = 0` (`None` where it fits).
    /// Lengths stay the same, so offsets still map.
    static func neutraliseMagics(_ code: inout [UInt8]) {
        var i = 0
        while i < code.count && (code[i] == 0x20 || code[i] == 0x09 || code[i] == 0x0A || code[i] == 0x0D) { i += 1 }
        if i + 1 < code.count && code[i] == UInt8(ascii: "%") && code[i + 1] == UInt8(ascii: "%") {
            for j in code.indices where code[j] != 0x0A { code[j] = 0x20 }
            return
        }
        var lineStart = 0
        while lineStart < code.count {
            var lineEnd = lineStart
            while lineEnd < code.count && code[lineEnd] != 0x0A { lineEnd += 1 }
            var first = lineStart
            while first < lineEnd && (code[first] == 0x20 || code[first] == 0x09) { first += 1 }
            if first < lineEnd && (code[first] == UInt8(ascii: "%") || code[first] == UInt8(ascii: "!") || code[first] == UInt8(ascii: "?")) {
                for j in first..<lineEnd { code[j] = 0x20 }
            } else if let escape = shellAssignment(code, first, lineEnd) {
                for j in escape..<lineEnd { code[j] = 0x20 }
                let filler = Array((lineEnd - escape >= 4 ? "None" : "0").utf8)
                code.replaceSubrange(escape..<(escape + filler.count), with: filler)
            }
            lineStart = lineEnd + 1
        }
    }

    /// Where `!cmd` or `%magic` starts in `name = !cmd`.
    private static func shellAssignment(_ code: [UInt8], _ start: Int, _ end: Int) -> Int? {
        var i = start
        while i < end && code[i] != UInt8(ascii: "=") {
            let c = code[i]
            if c == 0x22 || c == 0x27 || c == UInt8(ascii: "(") || c == UInt8(ascii: "#") { return nil }
            i += 1
        }
        guard i < end, i + 1 < end, code[i + 1] != UInt8(ascii: "=") else { return nil }
        i += 1
        while i < end && code[i] == 0x20 { i += 1 }
        guard i < end, code[i] == UInt8(ascii: "!") || code[i] == UInt8(ascii: "%") else { return nil }
        return i
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
