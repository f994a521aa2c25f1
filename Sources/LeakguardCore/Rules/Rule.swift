/// How serious a finding is. Ordered so `--fail-on` can compare.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case note, warning, error

    var rank: Int { switch self { case .note: 0; case .warning: 1; case .error: 2 } }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A secret-detection rule, as written in a rule file (gitleaks' schema plus leakguard's fields).
public struct Rule: Sendable {
    public var id: String
    public var description: String
    /// PCRE2 source. Empty for path-only rules, which flag a file by its name alone.
    public var regex: String
    public var secretGroup: Int
    /// Minimum Shannon entropy (bits per byte) of the secret; nil means no minimum.
    public var entropy: Double?
    /// Literals (ASCII case-insensitive) of which one must occur for the rule to run.
    public var keywords: [String]
    /// PCRE2 source matched against the file path; the rule applies only to matching paths.
    public var path: String?
    public var tags: [String]
    public var severity: Severity
    /// The regex may span lines, so it runs over the whole file instead of the lines around
    /// keyword hits. Inferred for patterns that mention newlines when not set.
    public var multiline: Bool
    /// Where the regex is tried. `.line` (the default): anywhere in the lines around keyword
    /// hits. `.word`: only at the start of the word (letters, digits, `_`, `.`, `-`) that holds a
    /// keyword hit, anchored there: one attempt instead of one per byte, for assignment-style
    /// rules whose match begins with the name containing the keyword.
    public var anchor: Anchor
    public enum Anchor: String, Sendable { case line, word }
    public var allowlists: [Allowlist]
    public var examples: [String]
    public var negativeExamples: [String]
    /// Where the rule was defined (file name), for error messages.
    public var origin: String
    /// The gitleaks default-config rule ids this rule corresponds to: a `.gitleaksignore` entry
    /// or a gitleaks rule with one of these ids refers to this rule's findings.
    public var gitleaksIDs: [String] = []
    /// Where to revoke or rotate the credential (a URL or one line).
    public var rotate: String?
    /// How `scan --validate` asks the provider whether a found secret works; nil: no validator.
    public var validator: Validator?

    public init(id: String, description: String = "", regex: String, secretGroup: Int = 0,
                entropy: Double? = nil, keywords: [String] = [], path: String? = nil, tags: [String] = [],
                severity: Severity = .error, multiline: Bool? = nil, anchor: Anchor = .line, allowlists: [Allowlist] = [],
                examples: [String] = [], negativeExamples: [String] = [], origin: String = "") {
        self.id = id
        self.description = description
        self.regex = regex
        self.secretGroup = secretGroup
        self.entropy = entropy
        self.keywords = keywords
        self.path = path
        self.tags = tags
        self.severity = severity
        self.multiline = multiline ?? Rule.looksMultiline(regex)
        self.anchor = anchor
        self.allowlists = allowlists
        self.examples = examples
        self.negativeExamples = negativeExamples
        self.origin = origin
    }

    /// Patterns that explicitly reach across line breaks must see the whole file.
    static func looksMultiline(_ regex: String) -> Bool {
        // Byte search: Foundation's String.contains would cost start-up time for every rule.
        let bytes = Array(regex.utf8)
        return bytes.withUnsafeBufferPointer { buf in
            Rule.multilineMarkers.contains { LeakguardCore.contains(buf, $0) }
        }
    }
    static let multilineMarkers: [[UInt8]] = ["\\n", "\\r", "(?s", "\\s\\S", "\\S\\s", "\\R"].map { Array($0.utf8) }

    /// Generic rules yield to a specific rule that found the same secret.
    public var isGeneric: Bool { id.hasPrefix("generic") || tags.contains("generic") }
}

/// What an allowlist's `regexes` are matched against.
public enum RegexTarget: String, Sendable {
    case secret, match, line
}

/// A set of conditions under which a finding is not reported (gitleaks' `[[allowlists]]`).
public struct Allowlist: Sendable {
    public enum Condition: String, Sendable { case or = "OR", and = "AND" }
    public var description: String
    public var condition: Condition
    public var regexTarget: RegexTarget
    public var regexes: [String]
    public var paths: [String]
    public var stopwords: [String]
    public var commits: [String]
    /// For global allowlists: only these rules (empty means all).
    public var targetRules: [String]

    public init(description: String = "", condition: Condition = .or, regexTarget: RegexTarget = .secret,
                regexes: [String] = [], paths: [String] = [], stopwords: [String] = [], commits: [String] = [],
                targetRules: [String] = []) {
        self.description = description
        self.condition = condition
        self.regexTarget = regexTarget
        self.regexes = regexes
        self.paths = paths
        self.stopwords = stopwords
        self.commits = commits
        self.targetRules = targetRules
    }

    var isEmpty: Bool { regexes.isEmpty && paths.isEmpty && stopwords.isEmpty && commits.isEmpty }
}
