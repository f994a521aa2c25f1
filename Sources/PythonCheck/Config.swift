/// How the Python check runs. The defaults are the documented behaviour; a project's config file
/// changes them.
public struct PythonCheckConfig: Sendable {
    /// Require explicit backoff even where the SDK retries 429 by itself.
    public var strict = false
    /// Rule ids that produce no findings.
    public var disabledRules: Set<String> = []
    /// A severity per rule id, replacing the rule's default.
    public var severityOverrides: [String: PythonSeverity] = [:]
    /// A project's own backoff decorators, bare (`with_backoff`) or dotted (`utils.retry.with_backoff`),
    /// accepted as growing, bounded backoff.
    public var extraDecorators: [String] = []
    /// SDKs, or more call patterns of a known SDK module, beyond the built-in table.
    public var extraSDKs: [AISDKSpec] = []
    /// API hosts beyond the built-in list that make a raw HTTP POST an AI call.
    public var extraAPIHosts: [String] = []
    /// Where a file's pinned SDK versions come from; nil assumes the current SDK behaviour.
    public var dependencyPins: DependencyPinResolver?
    /// Publishing sinks beyond the built-in table (`[[ai.sinks]]`).
    public var extraSinks: [OutputSink] = []
    /// A project's own moderation checks: functions (`is_safe`) and decorators (`moderated`).
    public var extraModeration: [ModerationCheck] = []
    /// Also describe every AI call for `leakguard ai inventory` (`PythonCheckResult.inventory`).
    public var collectInventory = false
    /// The most AI calls one file's analysis looks at; the calls after them are not checked, and
    /// `PythonCheckResult.limitNote` says from where. Far above real code (37 in the reviewed AI
    /// repositories, 944 in site-packages with numpy and re taken for SDKs), it keeps a file of
    /// generated calls from taking seconds.
    public var maxAICallSites = 2_000

    public init() {}

    /// The built-in SDK table followed by the project's additions.
    var sdks: [AISDKSpec] { AISDKSpec.builtIn + extraSDKs }

    /// The built-in sink table followed by the project's additions.
    var sinks: [OutputSink] { OutputSink.builtIn + extraSinks }

    /// The built-in moderation table followed by the project's additions.
    var moderation: [ModerationCheck] { ModerationCheck.builtIn + extraModeration }

    /// `sdks`, indexed; the built-in table is indexed once.
    func sdkTable() -> SDKTable { extraSDKs.isEmpty ? SDKTable.builtIn : SDKTable(sdks) }

    func severity(of rule: AIRuleDescription) -> PythonSeverity {
        severityOverrides[rule.id] ?? rule.severity
    }
}
