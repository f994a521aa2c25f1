/// A small JSON tree with a deterministic writer (keys in the order given, or sorted), so
/// reports and golden files diff cleanly.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.render(sortKeys: true) == b.render(sortKeys: true) }

    public func render(pretty: Bool = true, sortKeys: Bool = false) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : -1, sortKeys: sortKeys)
        if pretty { out += "\n" }
        return out
    }

    private func write(into out: inout String, indent: Int, sortKeys: Bool) {
        let pretty = indent >= 0
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = pretty ? String(repeating: "  ", count: indent) : ""
        switch self {
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            let ordered = sortKeys ? members.sorted { $0.0 < $1.0 } : members
            out += pretty ? "{\n" : "{"
            for (i, (key, value)) in ordered.enumerated() {
                out += pad
                JSONValue.escape(key, into: &out)
                out += pretty ? ": " : ":"
                value.write(into: &out, indent: pretty ? indent + 1 : -1, sortKeys: sortKeys)
                if i < ordered.count - 1 { out += "," }
                if pretty { out += "\n" }
            }
            out += closePad + "}"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += pretty ? "[\n" : "["
            for (i, item) in items.enumerated() {
                out += pad
                item.write(into: &out, indent: pretty ? indent + 1 : -1, sortKeys: sortKeys)
                if i < items.count - 1 { out += "," }
                if pretty { out += "\n" }
            }
            out += closePad + "]"
        case .string(let s): JSONValue.escape(s, into: &out)
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                let rounded = (d * 1000).rounded() / 1000
                out += rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
            } else { out += "null" }
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    static func escape(_ s: String, into out: inout String) {
        // Most strings need no escaping: append them whole.
        if !s.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

extension JSONValue {
    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
    static func optional(_ d: Double?) -> JSONValue { d.map { .double($0) } ?? .null }
}
