import TOMLKit

extension ConfigLoader {
    /// Reads a rule's `[rules.validate]` table. Refuses, at load time, anything that could send a
    /// secret somewhere other than the provider: a URL that is not HTTPS, a host that is not
    /// literal, a placeholder in the host, an unknown placeholder.
    static func parseValidator(_ t: TOMLTable, ruleID id: String, file: String) throws(ConfigError) -> Validator {
        let r = TableReader(file: file, context: "rule '\(id)' validate")
        func fail(_ message: String) -> ConfigError { ConfigError(file: file, message: "rule '\(id)' validate: \(message)") }

        let methodText = try r.string(t, "method") ?? "GET"
        guard let method = Validator.Method(rawValue: methodText.uppercased()) else {
            throw fail("method must be GET or POST, not '\(methodText)'")
        }
        guard let url = try r.string(t, "url") else { throw fail("needs a 'url'") }
        let host = try validatedHost(of: url, fail: fail)

        var validator = Validator(method: method, url: url, host: host)
        validator.headers = try stringTable(t, "headers", reader: r)
        validator.basicAuth = try r.string(t, "basicAuth")
        let form = try stringTable(t, "form", reader: r), json = try stringTable(t, "json", reader: r)
        if !form.isEmpty && !json.isEmpty { throw fail("give a 'form' or a 'json' body, not both") }
        if !form.isEmpty { validator.body = .form(form) }
        if !json.isEmpty { validator.body = .json(json) }
        if validator.body != nil && method == .GET { throw fail("a GET request has no body") }
        validator.capture = try r.string(t, "capture")
        if let pair = t["pair"] {
            guard let pt = pair.table, let rule = pt["rule"]?.string, let variable = pt["as"]?.string else {
                throw fail("'pair' must be { rule = \"rule-id\", as = \"name\" }")
            }
            validator.pair = .init(rule: rule, variable: variable)
        }
        if let sign = t["sign"] {
            guard let st = sign.table, let name = st["function"]?.string else {
                throw fail("'sign' must be a table with a 'function'")
            }
            guard let function = Validator.Signature.Function(rawValue: name) else {
                throw fail("unknown signing function '\(name)' (known: aws-sigv4)")
            }
            guard let region = st["region"]?.string, let service = st["service"]?.string, let keyID = st["keyId"]?.string else {
                throw fail("'sign' needs 'region', 'service' and 'keyId'")
            }
            validator.signature = .init(function: function, region: region, service: service, keyID: keyID)
        }
        validator.live = try statuses(t, "live", reader: r) ?? [200]
        validator.invalid = try statuses(t, "invalid", reader: r) ?? [401, 403]
        if !Set(validator.live).isDisjoint(with: validator.invalid) { throw fail("a status cannot be both live and invalid") }
        validator.jsonField = try r.string(t, "jsonField")

        // Every placeholder must be one the executor can fill.
        var known: Set<String> = ["secret"]
        if let capture = validator.capture { known.formUnion(groupNames(in: capture)) }
        if let pair = validator.pair { known.insert(pair.variable) }
        var templates = [url] + validator.headers.map(\.1) + [validator.basicAuth, validator.signature?.keyID].compactMap { $0 }
        switch validator.body {
        case .form(let fields)?, .json(let fields)?: templates += fields.map(\.1)
        case nil: break
        }
        for template in templates {
            for name in placeholders(in: template) where !known.contains(name) {
                throw fail("unknown placeholder {\(name)} (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        let usesSecret = templates.contains { $0.contains("{secret}") } || validator.signature != nil
            || (validator.capture != nil && templates.contains { $0.contains("{") })
        if !usesSecret { throw fail("the request never carries the secret") }
        return validator
    }

    /// The literal host of an `https://` URL; placeholders may follow only in the path and query.
    static func validatedHost(of url: String, fail: (String) -> ConfigError) throws(ConfigError) -> String {
        guard url.hasPrefix("https://") else { throw fail("url must start with https://") }
        let rest = url.dropFirst("https://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty,
              authority.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }),
              authority.first != ".", authority.last != ".", !authority.contains("..")
        else {
            throw fail("url must name a literal host (letters, digits, dots and hyphens; no port, user or placeholder)")
        }
        if rest.contains("#") { throw fail("url must not have a fragment") }
        return String(authority).lowercased()
    }

    /// `{name}` placeholders in a template.
    static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var current: String?
        for c in template {
            if c == "{" { current = "" } else if c == "}", let name = current { names.append(name); current = nil } else if current != nil { current!.append(c) }
        }
        return names
    }

    /// The names of a regex's `(?<name>…)` groups.
    public static func groupNames(in regex: String) -> [String] {
        var names: [String] = []
        var rest = Substring(regex)
        while let range = rest.firstRange(of: "(?<") {
            let after = rest[range.upperBound...]
            let name = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty, after.dropFirst(name.count).first == ">" { names.append(String(name)) }
            rest = after
        }
        return names
    }

    /// A table of string values, in file order.
    static func stringTable(_ t: TOMLTable, _ key: String, reader: TableReader) throws(ConfigError) -> [(String, String)] {
        guard let v = t[key] else { return [] }
        guard let table = v.table else { throw reader.fail(key, "a table of strings") }
        var out: [(String, String)] = []
        for name in table.keys {
            guard let s = table[name]?.string else { throw reader.fail("\(key).\(name)", "a string") }
            out.append((name, s))
        }
        return out
    }

    static func statuses(_ t: TOMLTable, _ key: String, reader: TableReader) throws(ConfigError) -> [Int]? {
        guard let v = t[key] else { return nil }
        guard let array = v.array else { throw reader.fail(key, "an array of HTTP statuses") }
        var out: [Int] = []
        for element in array {
            guard let i = element.int, (100...599).contains(i) else { throw reader.fail(key, "an array of HTTP statuses") }
            out.append(i)
        }
        return out
    }
}
