import LeakguardBase
import PythonCheck
import TOMLKit
#if canImport(Glibc)
import Glibc
#endif

/// A problem with a configuration or rule file. Always fatal: a scan with a half-read config
/// would look clean when it is not.
public struct ConfigError: Error, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
    public init(file: String, message: String) { self.file = file; self.message = message }
}

/// Reads rule files in gitleaks' schema (plus leakguard's fields) into a `Configuration`.
public enum ConfigLoader {
    /// File names looked for at the scan root, in order, when no `--config` is given.
    public static let defaultFileNames = [".leakguard.toml", ".gitleaks.toml"]

    /// The built-in pack alone: Swift values compiled from rules/*.toml, no parsing.
    public static func builtIn() throws(ConfigError) -> Configuration {
        BuiltInRules.configuration()
    }

    /// The built-in pack parsed from its embedded TOML text (the tests compare the two).
    static func builtInFromText() throws(ConfigError) -> Configuration {
        var config = Configuration()
        for (name, text) in BuiltInRules.files {
            let part = try parse(text, file: "rules/\(name)")
            config.rules += part.rules
            config.allowlists += part.allowlists
        }
        return config
    }

    /// The configuration for a scan: `explicitPath` if given, else the first default file found in
    /// `root`, else the built-in pack.
    public static func load(explicitPath: String?, root: String) throws(ConfigError) -> Configuration {
        if let explicitPath {
            guard fileExists(explicitPath) else {
                throw ConfigError(file: explicitPath, message: "config file not found")
            }
            return try loadFile(explicitPath, depth: 0)
        }
        var dir = root
        if !isDirectory(dir) { dir = parentDirectory(of: dir) }
        for name in defaultFileNames {
            let candidate = dir == "." ? name : dir + "/" + name
            if fileExists(candidate) { return try loadFile(candidate, depth: 0) }
        }
        return try builtIn()
    }

    /// Loads one file and whatever it extends. Files extend the built-in pack unless they say
    /// `[extend] useDefault = false`; a rule with a built-in id replaces that built-in rule.
    public static func loadFile(_ path: String, depth: Int) throws(ConfigError) -> Configuration {
        guard depth < 8 else { throw ConfigError(file: path, message: "[extend] chain deeper than 8 files (a cycle?)") }
        let text: String
        switch readRegularFile(path) {
        case .success(let bytes): text = String(decoding: bytes, as: UTF8.self)
        case .failure(let error): throw ConfigError(file: path, message: "cannot read config: \(error)")
        }
        return try loadText(text, path: path, depth: depth)
    }

    /// Loads configuration text as if read from `path` (which names it in errors and anchors a
    /// relative `[extend] path`): the range gate reads the base commit's copy this way.
    public static func loadText(_ text: String, path: String, depth: Int = 0) throws(ConfigError) -> Configuration {
        let own = try parse(text, file: path)
        var base: Configuration
        if let extendPath = own.extendPath {
            let resolved = extendPath.hasPrefix("/") ? extendPath : parentDirectory(of: path) + "/" + extendPath
            base = try loadFile(resolved, depth: depth + 1)
        } else if own.useDefault ?? !isGitleaksConfig(path) {
            base = try builtIn()
        } else {
            base = Configuration()
        }
        base.warnings += own.warnings
        let known = Set(base.rules.map(\.id) + base.rules.flatMap(\.gitleaksIDs))
        for id in own.disabledRules where !known.contains(id) {
            base.warnings.append("\(path): [extend] disabledRules names '\(id)', which is no rule in effect (misspelt?)")
        }
        // A disabled gitleaks id turns off the rules that stand for it.
        let disabledGitleaks = Set(own.disabledRules)
        base.rules.removeAll { r in r.gitleaksIDs.contains { disabledGitleaks.contains($0) } }
        let disabled = Set(own.disabledRules)
        let replaced = Set(own.rules.map(\.id))
        base.rules.removeAll { disabled.contains($0.id) || replaced.contains($0.id) }
        base.rules += own.rules
        base.allowlists += own.allowlists
        if let ai = own.ai { base.ai = ai }
        if let dotenv = own.dotenv { base.dotenv = dotenv }
        if !own.title.isEmpty { base.title = own.title }
        base.loadedFrom.append(path)
        return base
    }

    /// One file's own content, before extension is applied.
    struct Parsed {
        var title = ""
        var rules: [Rule] = []
        var allowlists: [Allowlist] = []
        /// nil when the file does not say (`[extend] useDefault`).
        var useDefault: Bool?
        var extendPath: String?
        var disabledRules: [String] = []
        var ai: AISettings?
        var dotenv: DotenvSettings?
        var warnings: [String] = []
    }

    /// A gitleaks configuration (by its file name): without `[extend] useDefault = true` it
    /// replaces the built-in pack, as it does in gitleaks. leakguard's own files extend it.
    static func isGitleaksConfig(_ path: String) -> Bool {
        basename(path).lowercased().contains("gitleaks")
    }

    static func parse(_ text: String, file: String) throws(ConfigError) -> Parsed {
        if let problem = TOMLPrecheck.firstProblem(text) {
            throw ConfigError(file: file, message: "invalid TOML at line \(problem.line), column \(problem.column): \(problem.message)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, message: "invalid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        } catch {
            throw ConfigError(file: file, message: "invalid TOML: \(error)")
        }
        let reader = TableReader(file: file, context: "")
        var parsed = Parsed()
        parsed.warnings += unknownKeys(table, topKeys, "top level", file: file)
        parsed.title = try reader.string(table, "title") ?? ""
        if let extend = table["extend"] {
            guard let extend = extend.table else { throw ConfigError(file: file, message: "[extend] must be a table") }
            let r = TableReader(file: file, context: "[extend]")
            parsed.warnings += unknownKeys(extend, extendKeys, "[extend]", file: file)
            if extend["url"] != nil { parsed.warnings.append("\(file): [extend] url is not supported (leakguard never fetches configs); ignored") }
            parsed.useDefault = try r.bool(extend, "useDefault")
            parsed.extendPath = try r.string(extend, "path")
            parsed.disabledRules = try r.strings(extend, "disabledRules")
        }
        if let rules = table["rules"] {
            guard let array = rules.array else { throw ConfigError(file: file, message: "'rules' must be an array of tables ([[rules]])") }
            var seen = Set<String>()
            for (index, element) in array.enumerated() {
                guard let ruleTable = element.table else {
                    throw ConfigError(file: file, message: "rules[\(index)] must be a table")
                }
                var rule = try parseRule(ruleTable, index: index, file: file)
                parsed.warnings += unknownKeys(ruleTable, ruleKeys, "rule '\(rule.id)'", file: file)
                for key in ["allowlist", "allowlists"] {
                    if let t = ruleTable[key]?.table { parsed.warnings += unknownKeys(t, allowlistKeys, "rule '\(rule.id)' \(key)", file: file) }
                    for (i, element) in (ruleTable[key]?.array ?? TOMLArray()).enumerated() {
                        if let t = element.table { parsed.warnings += unknownKeys(t, allowlistKeys, "rule '\(rule.id)' \(key)[\(i)]", file: file) }
                    }
                }
                if let validate = ruleTable["validate"] {
                    guard let vt = validate.table else { throw ConfigError(file: file, message: "rule '\(rule.id)': [rules.validate] must be a table") }
                    rule.validator = try parseValidator(vt, ruleID: rule.id, file: file)
                }
                guard seen.insert(rule.id).inserted else {
                    throw ConfigError(file: file, message: "rule id '\(rule.id)' is defined twice")
                }
                parsed.rules.append(rule)
            }
        }
        // The older single `[allowlist]` table and the newer `[[allowlists]]` array both load.
        if let single = table["allowlist"] {
            guard let t = single.table else { throw ConfigError(file: file, message: "[allowlist] must be a table") }
            parsed.allowlists.append(try parseAllowlist(t, context: "[allowlist]", file: file, global: true))
        }
        if let many = table["allowlists"] {
            guard let array = many.array else { throw ConfigError(file: file, message: "'allowlists' must be an array of tables ([[allowlists]])") }
            for (i, element) in array.enumerated() {
                guard let t = element.table else { throw ConfigError(file: file, message: "allowlists[\(i)] must be a table") }
                parsed.allowlists.append(try parseAllowlist(t, context: "allowlists[\(i)]", file: file, global: true))
            }
        }
        if let ai = table["ai"] {
            guard let t = ai.table else { throw ConfigError(file: file, message: "[ai] must be a table") }
            parsed.ai = try parseAI(t, file: file)
        }
        if let dotenv = table["dotenv"] {
            guard let t = dotenv.table else { throw ConfigError(file: file, message: "[dotenv] must be a table") }
            let r = TableReader(file: file, context: "[dotenv]")
            var settings = DotenvSettings()
            settings.enabled = try r.bool(t, "enabled") ?? true
            settings.disabledRules = Set(try r.strings(t, "disabledRules"))
            settings.severity = try r.severities(t, "severity")
            parsed.dotenv = settings
        }
        return parsed
    }

    static func parseRule(_ t: TOMLTable, index: Int, file: String) throws(ConfigError) -> Rule {
        var r = TableReader(file: file, context: "rules[\(index)]")
        guard let id = try r.string(t, "id"), !id.isEmpty else {
            throw ConfigError(file: file, message: "rules[\(index)] has no 'id'")
        }
        r.context = "rule '\(id)'"
        let regex = try r.string(t, "regex") ?? ""
        let path = try r.string(t, "path")
        if regex.isEmpty && path == nil {
            throw ConfigError(file: file, message: "rule '\(id)' needs a 'regex' or a 'path'")
        }
        var severity = Severity.error
        if let s = try r.string(t, "severity") {
            guard let parsed = Severity(rawValue: s.lowercased()) else {
                throw ConfigError(file: file, message: "rule '\(id)': severity must be error, warning or note, not '\(s)'")
            }
            severity = parsed
        }
        var allowlists: [Allowlist] = []
        if let single = t["allowlist"]?.table {
            allowlists.append(try parseAllowlist(single, context: "rule '\(id)' allowlist", file: file, global: false))
        }
        if let many = t["allowlists"] {
            guard let array = many.array else { throw ConfigError(file: file, message: "rule '\(id)': 'allowlists' must be an array of tables") }
            for (i, element) in array.enumerated() {
                guard let at = element.table else { throw ConfigError(file: file, message: "rule '\(id)': allowlists[\(i)] must be a table") }
                allowlists.append(try parseAllowlist(at, context: "rule '\(id)' allowlists[\(i)]", file: file, global: false))
            }
        }
        var anchor = Rule.Anchor.line
        if let a = try r.string(t, "anchor") {
            guard let parsed = Rule.Anchor(rawValue: a) else {
                throw ConfigError(file: file, message: "rule '\(id)': anchor must be \"line\" or \"word\", not '\(a)'")
            }
            anchor = parsed
        }
        let secretGroup = try r.int(t, "secretGroup") ?? 0
        guard secretGroup >= 0 else { throw ConfigError(file: file, message: "rule '\(id)': secretGroup must not be negative") }
        var rule = Rule(
            id: id,
            description: try r.string(t, "description") ?? "",
            regex: regex,
            secretGroup: secretGroup,
            entropy: try r.number(t, "entropy"),
            keywords: try r.strings(t, "keywords"),
            path: path,
            tags: try r.strings(t, "tags"),
            severity: severity,
            multiline: try r.bool(t, "multiline"),
            anchor: anchor,
            allowlists: allowlists,
            examples: try r.strings(t, "examples"),
            negativeExamples: try r.strings(t, "negativeExamples"),
            origin: file)
        rule.gitleaksIDs = try r.strings(t, "gitleaksIds")
        rule.rotate = try r.string(t, "rotate")
        return rule
    }

    /// Keys each table may hold; anything else is a typo or a newer schema, and gets a warning.
    static let ruleKeys: Set<String> = ["id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags",
                                        "severity", "multiline", "anchor", "allowlist", "allowlists", "examples",
                                        "negativeExamples", "gitleaksIds", "rotate", "validate",
                                        // gitleaks fields leakguard reads as documentation only
                                        "skipReport", "smartFilter"]
    static let topKeys: Set<String> = ["title", "extend", "rules", "allowlist", "allowlists", "ai", "dotenv", "minVersion"]
    static let allowlistKeys: Set<String> = ["description", "condition", "regexTarget", "regexes", "paths", "stopwords", "commits", "targetRules"]
    static let extendKeys: Set<String> = ["useDefault", "path", "url", "disabledRules"]

    static func unknownKeys(_ t: TOMLTable, _ known: Set<String>, _ context: String, file: String) -> [String] {
        t.keys.filter { !known.contains($0) }.sorted().map { "\(file): \(context): unknown key '\($0)' (ignored)" }
    }

    static func parseAllowlist(_ t: TOMLTable, context: String, file: String, global: Bool) throws(ConfigError) -> Allowlist {
        let r = TableReader(file: file, context: context)
        var allowlist = Allowlist()
        allowlist.description = try r.string(t, "description") ?? ""
        if let c = try r.string(t, "condition") {
            guard let condition = Allowlist.Condition(rawValue: c.uppercased()) else {
                throw ConfigError(file: file, message: "\(context): condition must be OR or AND, not '\(c)'")
            }
            allowlist.condition = condition
        }
        if let target = try r.string(t, "regexTarget") {
            guard let parsed = RegexTarget(rawValue: target.lowercased()) else {
                throw ConfigError(file: file, message: "\(context): regexTarget must be secret, match or line, not '\(target)'")
            }
            allowlist.regexTarget = parsed
        }
        allowlist.regexes = try r.strings(t, "regexes")
        allowlist.paths = try r.strings(t, "paths")
        allowlist.stopwords = try r.strings(t, "stopwords")
        allowlist.commits = try r.strings(t, "commits")
        if global { allowlist.targetRules = try r.strings(t, "targetRules") }
        return allowlist
    }

    static func parseAI(_ t: TOMLTable, file: String) throws(ConfigError) -> AISettings {
        let r = TableReader(file: file, context: "[ai]")
        var ai = AISettings()
        ai.enabled = try r.bool(t, "enabled") ?? true
        ai.strict = try r.bool(t, "strict") ?? false
        ai.disabledRules = Set(try r.strings(t, "disabledRules"))
        // `severity = { "ai-output-unmoderated" = "off" }` turns a rule off, like disabledRules.
        if let table = t["severity"]?.table {
            for key in table.keys where table[key]?.string?.lowercased() == "off" { ai.disabledRules.insert(key) }
            let rest = TOMLTable()
            for key in table.keys where table[key]?.string?.lowercased() != "off" { rest[key] = table[key]! }
            let kept = TOMLTable()
            kept["severity"] = rest
            ai.severity = try r.severities(kept, "severity")
        } else {
            ai.severity = try r.severities(t, "severity")
        }
        ai.extraDecorators = try r.strings(t, "decorators")
        ai.moderation = try r.strings(t, "moderation")
        ai.moderationDecorators = try r.strings(t, "moderationDecorators")
        if let sinks = t["sinks"] {
            guard let array = sinks.array else { throw ConfigError(file: file, message: "[ai] 'sinks' must be an array of tables ([[ai.sinks]])") }
            for (i, element) in array.enumerated() {
                guard let st = element.table else { throw ConfigError(file: file, message: "[[ai.sinks]] #\(i) must be a table") }
                let sr = TableReader(file: file, context: "[[ai.sinks]] #\(i)")
                guard let pattern = try sr.string(st, "pattern"), !pattern.isEmpty else {
                    throw ConfigError(file: file, message: "[[ai.sinks]] #\(i) needs a 'pattern' (a call such as \"notify.publish\" or \"slack_sdk:chat_postMessage\")")
                }
                let family = try sr.string(st, "family") ?? "custom"
                guard OutputSink.Family(rawValue: family) != nil else {
                    throw ConfigError(file: file, message: "[[ai.sinks]] #\(i): family must be one of \(OutputSink.Family.allCases.map(\.rawValue).joined(separator: ", ")), not '\(family)'")
                }
                let kind = try sr.string(st, "kind") ?? "call"
                guard OutputSink.Kind(rawValue: kind) != nil else {
                    throw ConfigError(file: file, message: "[[ai.sinks]] #\(i): kind must be call, handler, route or webhookURL, not '\(kind)'")
                }
                ai.extraSinks.append(.init(pattern: pattern, label: try sr.string(st, "label") ?? pattern, family: family, kind: kind))
            }
        }
        if let sdks = t["sdks"] {
            guard let array = sdks.array else { throw ConfigError(file: file, message: "[ai] 'sdks' must be an array of tables ([[ai.sdks]])") }
            for (i, element) in array.enumerated() {
                guard let st = element.table else { throw ConfigError(file: file, message: "[[ai.sdks]] #\(i) must be a table") }
                let sr = TableReader(file: file, context: "[[ai.sdks]] #\(i)")
                guard let module = try sr.string(st, "module") else {
                    throw ConfigError(file: file, message: "[[ai.sdks]] #\(i) needs a 'module'")
                }
                ai.extraSDKs.append(.init(module: module, constructors: try sr.strings(st, "constructors"),
                                          calls: try sr.strings(st, "calls"),
                                          retriesByDefault: try sr.bool(st, "retriesByDefault") ?? false))
            }
        }
        return ai
    }
}

/// Typed access to a TOML table with errors that name the file, the table and the key.
struct TableReader {
    var file: String
    var context: String

    func fail(_ key: String, _ expected: String) -> ConfigError {
        ConfigError(file: file, message: "\(context.isEmpty ? "" : context + ": ")'\(key)' must be \(expected)")
    }

    func string(_ t: TOMLTable, _ key: String) throws(ConfigError) -> String? {
        guard let v = t[key] else { return nil }
        guard let s = v.string else { throw fail(key, "a string") }
        return s
    }
    func bool(_ t: TOMLTable, _ key: String) throws(ConfigError) -> Bool? {
        guard let v = t[key] else { return nil }
        guard let b = v.bool else { throw fail(key, "true or false") }
        return b
    }
    func int(_ t: TOMLTable, _ key: String) throws(ConfigError) -> Int? {
        guard let v = t[key] else { return nil }
        guard let i = v.int else { throw fail(key, "an integer") }
        return i
    }
    func number(_ t: TOMLTable, _ key: String) throws(ConfigError) -> Double? {
        guard let v = t[key] else { return nil }
        if let d = v.double { return d }
        if let i = v.int { return Double(i) }
        throw fail(key, "a number")
    }
    func strings(_ t: TOMLTable, _ key: String) throws(ConfigError) -> [String] {
        guard let v = t[key] else { return [] }
        guard let array = v.array else { throw fail(key, "an array of strings") }
        var out: [String] = []
        for element in array {
            guard let s = element.string else { throw fail(key, "an array of strings") }
            out.append(s)
        }
        return out
    }
    /// A table of `rule-id = "severity"`.
    func severities(_ t: TOMLTable, _ key: String) throws(ConfigError) -> [String: Severity] {
        guard let v = t[key] else { return [:] }
        guard let table = v.table else { throw fail(key, "a table of rule = \"error|warning|note\"") }
        var out: [String: Severity] = [:]
        for k in table.keys {
            guard let s = table[k]?.string, let sev = Severity(rawValue: s.lowercased()) else {
                throw fail("\(key).\(k)", "\"error\", \"warning\" or \"note\"")
            }
            out[k] = sev
        }
        return out
    }
}
