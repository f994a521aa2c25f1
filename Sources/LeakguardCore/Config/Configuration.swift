/// Everything a scan is configured by: the rules, the allowlists and the per-check settings.
/// Built from the built-in pack and, optionally, a user's `.leakguard.toml` / `.gitleaks.toml`.
public struct Configuration: Sendable {
    public var title: String = ""
    public var rules: [Rule] = []
    public var allowlists: [Allowlist] = []
    /// Settings of the AI-backoff check (`[ai]`).
    public var ai = AISettings()
    /// Settings of the .env check (`[dotenv]`).
    public var dotenv = DotenvSettings()
    /// Files this configuration was read from, outermost first; empty for the built-in pack alone.
    public var loadedFrom: [String] = []
    /// Problems that do not stop a scan (unknown keys, unknown rule ids), reported with it.
    public var warnings: [String] = []

    public init() {}
}

/// `[ai]` in a config file.
public struct AISettings: Sendable {
    public var enabled = true
    /// Require explicit backoff even where the SDK retries by default.
    public var strict = false
    public var disabledRules: Set<String> = []
    public var severity: [String: Severity] = [:]
    /// Names of a project's own backoff decorators, such as `with_backoff` or `utils.retry_llm`.
    public var extraDecorators: [String] = []
    public var extraSDKs: [ExtraSDK] = []
    /// Publishing sinks beyond the built-in table (`[[ai.sinks]]`), for `ai-output-unmoderated`.
    public var extraSinks: [ExtraSink] = []
    /// A project's own moderation functions (`is_safe`, `safety.check_output`).
    public var moderation: [String] = []
    /// A project's own moderation decorators (`moderated`).
    public var moderationDecorators: [String] = []
    public init() {}

    /// `[[ai.sinks]]`: a call (or handler registration, route decorator, webhook URL marker)
    /// through which model output is published.
    public struct ExtraSink: Sendable {
        public var pattern: String
        public var label: String
        /// web, chat, email, webhook, ui or custom.
        public var family: String
        /// call, handler, route or webhookURL.
        public var kind: String
        public init(pattern: String, label: String, family: String = "custom", kind: String = "call") {
            self.pattern = pattern; self.label = label; self.family = family; self.kind = kind
        }
    }

    public struct ExtraSDK: Sendable {
        public var module: String
        public var constructors: [String]
        public var calls: [String]
        public var retriesByDefault: Bool
        public init(module: String, constructors: [String], calls: [String], retriesByDefault: Bool) {
            self.module = module; self.constructors = constructors; self.calls = calls
            self.retriesByDefault = retriesByDefault
        }
    }
}

/// `[dotenv]` in a config file.
public struct DotenvSettings: Sendable {
    public var enabled = true
    public var disabledRules: Set<String> = []
    public var severity: [String: Severity] = [:]
    public init() {}
}
