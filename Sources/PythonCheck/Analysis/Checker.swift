import LeakguardBase
/// A finding located by byte offsets in the analysed source; `PythonCheck` turns offsets into
/// lines and columns (of the .py file, or of the notebook's JSON).
struct LocatedFinding {
    var rule: AIRuleDescription
    var message: String
    var start: Int
    var end: Int
    var sdk: String?
}

/// One call that reaches an AI API, with what the checker knows about its SDK's retries.
struct AICallSite {
    var call: Int32
    var callee: Int32
    var spec: AISDKSpec?
    var sdk: String
    var label: String
    var retry: SDKRetry
    var noRetryReason: String
    var errors: RateLimitErrors
    var isHTTP: Bool
    var fixException: String
}

/// Runs the rules over one parsed module.
final class Checker {
    private let tree: SyntaxTree
    private let config: PythonCheckConfig
    private let specs: SDKTable
    private let index: ModuleIndex
    private let e: Evaluator
    private let protection: ProtectionAnalysis
    private var findings: [LocatedFinding] = []
    private var reported: Set<String> = []
    private let path: String
    /// The SDK versions the project pins for this file, read when an SDK call is first seen.
    private lazy var pins: [String: DependencyPin] = ownPins.merging(config.dependencyPins?.pins(forFile: path) ?? [:]) { own, _ in own }
    /// Versions the file installs itself (a notebook's `!pip install`), before the project's.
    private let ownPins: [String: DependencyPin]
    /// The AI calls found, and how each stands on rate limits, for the output pass and the inventory.
    private var sites: [AICallSite] = []
    private var backoff: [Int32: AIBackoffStatus] = [:]
    /// The line of a byte offset, for messages that name other lines.
    private let lineOf: (Int) -> Int
    /// The module's AI calls described for the inventory (when `config.collectInventory`).
    private(set) var inventory: [LocatedInventoryCall] = []
    /// The first AI call past `config.maxAICallSites`, when there was one: it and the calls
    /// after it are not checked.
    private(set) var firstUncheckedCall: Int32?

    init(tree: SyntaxTree, config: PythonCheckConfig, specs: SDKTable, path: String = "", ownPins: [String: DependencyPin] = [:],
         lineOf: ((Int) -> Int)? = nil) {
        self.lineOf = lineOf ?? { offset in
            var line = 1
            for byte in tree.source[..<min(offset, tree.source.count)] where byte == 10 { line += 1 }
            return line
        }
        self.path = path
        self.ownPins = ownPins
        self.tree = tree
        self.config = config
        self.specs = specs
        index = ModuleIndex(tree: tree)
        e = Evaluator(index: index, specs: specs)
        protection = ProtectionAnalysis(evaluator: e, extraDecorators: config.extraDecorators)
    }

    func run() -> [LocatedFinding] {
        for call in index.calls {
            if let site = aiCall(call) {
                guard sites.count < config.maxAICallSites else {
                    firstUncheckedCall = call
                    break
                }
                sites.append(site)
                check(site)
            }
            checkKeyArguments(of: call)
        }
        checkKeyAssignments()
        checkOutputs()
        return findings.sorted { ($0.start, $0.rule.id) < ($1.start, $1.rule.id) }
    }

    /// `specs.specs(prefixing:)` by path: a module's calls name few distinct paths.
    private var prefixingMemo: [String: [(spec: Int, rest: String)]] = [:]

    private func specs(prefixing path: String) -> [(spec: Int, rest: String)] {
        if let known = prefixingMemo[path] { return known }
        let found = specs.specs(prefixing: path)
        prefixingMemo[path] = found
        return found
    }

    private func report(_ rule: AIRuleDescription, _ message: String, at range: Range<Int>, sdk: String?) {
        guard !config.disabledRules.contains(rule.id) else { return }
        guard reported.insert("\(rule.id)@\(range.lowerBound)").inserted else { return }
        findings.append(LocatedFinding(rule: rule, message: message, start: range.lowerBound, end: range.upperBound, sdk: sdk))
    }

    // MARK: Finding AI calls

    /// The AI call `call` makes, if it makes one: a chain on an SDK client, a function of an SDK
    /// module, or a raw HTTP POST to an AI API host.
    func aiCall(_ call: Int32) -> AICallSite? {
        if let passed = passedFunction(call), let site = aiCall(call, callee: passed.function, argumentsOf: passed.arguments) {
            return site
        }
        return aiCall(call, callee: tree[call].a, argumentsOf: call)
    }

    /// Functions that call the function given to them (in a thread, an executor or a loop): the
    /// position of that function among their arguments, by the callee's last name.
    private static let functionRunners: [(name: StaticString, position: Int)] = [
        ("to_thread", 0), ("run_sync", 0), ("run_in_threadpool", 0), ("submit", 0), ("map", 0), ("starmap", 0),
        ("apply_async", 0), ("imap", 0), ("imap_unordered", 0), ("run_in_executor", 1),
    ]

    /// For `asyncio.to_thread(client.models.generate_content, …)`, `loop.run_in_executor(None,
    /// functools.partial(client.chat.completions.create, …))`, `executor.submit(fn, …)`: the
    /// function passed, and the call whose arguments it receives (the runner, or the partial).
    private func passedFunction(_ call: Int32) -> (function: Int32, arguments: Int32)? {
        let callee = tree[tree[call].a]
        guard callee.kind == .attribute || callee.kind == .name, callee.token >= 0 else { return nil }
        // The name's bytes are compared in place: this runs for every call of every module.
        guard let position = Checker.functionRunners.first(where: { tree.token(callee.token, is: $0.name) })?.position else { return nil }
        let args = e.arguments(of: call)
        guard position < args.positional.count else { return nil }
        var function = args.positional[position]
        var arguments = call
        if tree[function].kind == .call, case .symbol(let path) = e.value(tree[function].a), path == "functools.partial",
           let wrapped = e.arguments(of: function).positional.first {
            arguments = function
            function = wrapped
        }
        guard tree[function].kind == .attribute || tree[function].kind == .name else { return nil }
        return (function, arguments)
    }

    private func aiCall(_ call: Int32, callee: Int32, argumentsOf argumentCall: Int32) -> AICallSite? {
        switch e.value(callee) {
        case .client(let c):
            guard !c.isLocal else { return nil }
            // The client's own spec first, then any other spec (a project's addition) of its module
            // and constructor.
            let path = Checker.normalized(c.path)
            var match: Int?
            if specs.spec(c.spec, calls: path) {
                match = c.spec
            } else {
                match = specs.specs(ofModule: specs.specs[c.spec].module).first {
                    $0 != c.spec && specs.specs[$0].constructors.contains(c.constructor) && specs.spec($0, calls: path)
                }
            }
            guard let match else { return nil }
            return routed(call, match, callee: callee, arguments: argumentCall,
                          retry: e.applyRetryArguments(e.arguments(of: argumentCall), spec: specs.specs[match], to: c.retry))
        case .symbol(let path):
            for (i, rest) in specs(prefixing: path) where specs.spec(i, calls: Checker.normalized(rest)) {
                let client = e.moduleClient(spec: i)
                if client.isLocal { return nil }
                if let root = rootName(of: callee), e.assumedModules.contains(root), path.hasPrefix(root + ".") {
                    var site = routed(call, i, callee: callee, arguments: argumentCall,
                                      retry: e.applyRetryArguments(e.arguments(of: argumentCall), spec: specs.specs[i], to: client.retry))
                    site.noRetryReason += "; `\(root)` is not imported or defined in this file, so it is taken to be the \(specs[i].module) module"
                    return site
                }
                return routed(call, i, callee: callee, arguments: argumentCall,
                              retry: e.applyRetryArguments(e.arguments(of: argumentCall), spec: specs.specs[i], to: client.retry))
            }
        default:
            break
        }
        guard callee == tree[call].a, let (url, urlNode, session) = HTTPCalls.post(call, evaluator: e) else { return nil }
        var label: String
        let sdk: String
        if let url, let known = HTTPCalls.apiSDK(of: url, extraHosts: config.extraAPIHosts) {
            sdk = known
            label = "\(sdk) API (raw HTTP)"
        } else if let endpoint = HTTPCalls.inferenceEndpoint(call, urlNode: urlNode, urlText: url, evaluator: e) {
            sdk = "http"
            label = "AI endpoint `\(endpoint)` (raw HTTP)"
        } else {
            return nil
        }
        var retry = SDKRetry.absent
        var reason = "a raw HTTP POST is not retried on 429"
        if session?.library == .requests, tree[callee].kind == .attribute {
            let (mounted, why) = HTTPCalls.mountedRetry(receiver: tree.sourceText(of: tree[callee].a), evaluator: e)
            if let mounted {
                retry = .configured(growing: mounted.growth == .growing, detail: mounted.growth == .growing ? "urllib3 Retry" : mounted.constantDetail)
            } else if let why {
                reason = why
            }
        }
        return AICallSite(call: call, callee: callee, spec: nil, sdk: sdk, label: label, retry: retry,
                          noRetryReason: reason, errors: .http, isHTTP: true, fixException: "requests.HTTPError")
    }

    /// The name a chain of attributes starts from (`litellm` in `litellm.completion`).
    private func rootName(of node: Int32) -> String? {
        var n = node
        while tree[n].kind == .attribute { n = tree[n].a }
        return tree[n].kind == .name ? e.nameText(n) : nil
    }

    /// A call chain without the wrappers that do not change what it calls.
    static func normalized(_ path: String) -> String {
        guard path.utf8.count >= 5, mentionsWith(path) else { return path }
        return path.split(separator: ".").filter { $0 != "with_raw_response" && $0 != "with_streaming_response" }.joined(separator: ".")
    }

    /// `path` holds `with_` (a byte search: this runs for every call of every module).
    private static func mentionsWith(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in byteOffset(of: withWord, in: bytes, from: 0) != nil }
    }
    private static let withWord = Array("with_".utf8)

    /// The call site of an SDK call; for a router SDK the `model` argument picks the backend and
    /// so whether it retries.
    private func routed(_ call: Int32, _ spec: Int, callee: Int32, arguments argumentCall: Int32, retry: SDKRetry) -> AICallSite {
        func sdkSite(_ call: Int32, _ spec: Int, retry: SDKRetry, reason: String? = nil) -> AICallSite {
            self.sdkSite(call, callee: callee, spec, retry: retry, reason: reason)
        }
        guard let routes = specs.specs[spec].retryingRoutes else { return sdkSite(call, spec, retry: retry) }
        if case .configured(true, _) = retry { return sdkSite(call, spec, retry: retry) }
        let label = specs.specs[spec].label
        let args = e.arguments(of: argumentCall)
        guard let model = modelName(argumentCall, args, routes: routes) else {
            return sdkSite(call, spec, retry: retry, reason: "\(label) picks the backend from `model` at run time, and only "
                           + "OpenAI and Azure models get retries (from \(routes.backend)); nothing here retries the others")
        }
        guard routes.retries(model) else {
            return sdkSite(call, spec, retry: retry, reason: "\(label) sends `\(model)` to a backend that makes one request "
                           + "(only OpenAI and Azure models get \(routes.backend)'s retries)")
        }
        if let name = routes.disablingArgument, let value = args.keyword(name), let count = e.number(value), count <= 0 {
            return sdkSite(call, spec, retry: .disabled("\(name)=0 turns off \(routes.backend)'s retries for `\(model)`"))
        }
        return sdkSite(call, spec, retry: .byDefault)
    }

    /// The model a call names: `model=`, the first positional argument, or a `model` key of a
    /// dict literal passed as `**kwargs`.
    private func modelName(_ call: Int32, _ args: CallArguments, routes: ModelRoutes) -> String? {
        if let node = args.keyword("model") ?? args.positional.first {
            // A name set in several places (a profile's model, else a default) may hold any of
            // its values: all must be known, and one without retries decides.
            if tree[node].kind == .name, let values = e.possibleValues(node), values.count > 1 {
                var models: [String] = []
                for value in values {
                    guard case .string(let model) = value else { return nil }
                    models.append(model)
                }
                return models.first { !routes.retries($0) } ?? models.first
            }
            return e.string(node)
        }
        for argument in tree.children(tree[call].list1) where tree[argument].kind == .doubleStarred {
            var dict = tree[argument].a
            if tree[dict].kind == .name, let bound = e.boundExpression(dict) { dict = bound }
            guard tree[dict].kind == .dict else { continue }
            let items = Array(tree.children(tree[dict].list1))
            var i = 0
            while i + 1 < items.count {
                if tree[items[i]].kind == .doubleStarred { i += 1; continue }
                if e.string(items[i]) == "model" { return e.string(items[i + 1]) }
                i += 2
            }
        }
        return nil
    }

    /// What an SDK call site is, apart from where: the same for every call of one spec with the
    /// same retry state, so it is worked out once per file (a file may make thousands of calls).
    private struct SiteKey: Hashable {
        var spec: Int
        var retry: SDKRetry
        var reason: String?
    }
    private var siteTemplates: [SiteKey: AICallSite] = [:]

    private func sdkSite(_ call: Int32, callee: Int32, _ specIndex: Int, retry: SDKRetry, reason: String? = nil) -> AICallSite {
        let key = SiteKey(spec: specIndex, retry: retry, reason: reason)
        if var site = siteTemplates[key] {
            site.call = call
            site.callee = callee
            return site
        }
        let spec = specs[specIndex]
        var retry = retry
        var reason = reason ?? spec.noRetryReason
        // The version the project pins decides for SDKs whose older versions retry differently.
        if let pin = pins[spec.package], let limit = spec.existsBelow.flatMap(DependencyPin.numbers), !pin.isBelow(limit) {
            // The pin is newer than this API (openai 2.x for an openai 0.x call): the file runs
            // with some other, older install, whose version is not known here.
            reason += "; the project pins \(spec.package) \(pin.text) (\(pin.source)), which no longer has this call"
        } else if let pin = pins[spec.package] {
            let version = "\(spec.package) \(pin.text) (\(pin.source))"
            if let old = spec.versions.first(where: { pin.isBelow($0.limit) }) {
                if old.retries, retry == .absent { retry = .configured(growing: true, detail: old.note) }
                if !old.retries, retry == .byDefault { retry = .absent }
                reason = "\(old.note): the project pins \(version)"
            } else {
                reason += "; assumed \(version)"
            }
        } else if !spec.versions.isEmpty {
            reason += "; no pin found: assuming the current behaviour"
        }
        let site = AICallSite(call: call, callee: callee, spec: spec, sdk: spec.name, label: spec.label, retry: retry,
                              noRetryReason: reason, errors: specs.rateLimitErrors[specIndex],
                              isHTTP: false, fixException: specs.suggestedExceptions[specIndex])
        siteTemplates[key] = site
        return site
    }

    // MARK: Deciding protection

    private func check(_ site: AICallSite) {
        let found = protection.protection(of: site.call, errors: site.errors, isHTTP: site.isHTTP)
        let sdkGrowth: Growth
        switch site.retry {
        case .byDefault: sdkGrowth = config.strict ? .none : .growing
        case .configured(let growing, _): sdkGrowth = growing ? .growing : .constant
        case .absent, .disabled: sdkGrowth = .none
        }
        let calleeRange = tree.byteRange(of: site.callee)
        let best = max(found.growth, sdkGrowth)
        backoff[site.call] = best == .growing ? .protected : best == .constant ? .constant : .missing

        for g in found.guards where !g.bounded {
            let anchor = g.loopAnchor >= 0 ? g.loopAnchor : g.anchor
            report(BackoffUnboundedRule.description, BackoffUnboundedRule.message(site: site, detail: g.unboundedDetail),
                   at: headerRange(anchor), sdk: site.sdk)
        }
        switch best {
        case .growing:
            break
        case .constant:
            let constantGuards = found.guards.filter { $0.growth == .constant }
            if constantGuards.isEmpty, case .configured(_, let detail) = site.retry {
                report(BackoffConstantRule.description, BackoffConstantRule.message(site: site, detail: detail), at: calleeRange, sdk: site.sdk)
            }
            for g in constantGuards {
                report(BackoffConstantRule.description, BackoffConstantRule.message(site: site, detail: g.constantDetail),
                       at: headerRange(g.anchor), sdk: site.sdk)
            }
        case .none:
            let reason: String
            if let wrong = found.wrongException {
                reason = "the retry around it catches \(wrong), which \(site.label) does not raise for 429 (it raises \(site.fixException))"
            } else {
                switch site.retry {
                case .disabled(let why): reason = why
                case .byDefault: reason = "strict mode asks for explicit backoff although \(site.label) retries 429 by itself"
                default: reason = site.noRetryReason
                }
            }
            let atModuleLevel = index.enclosingFunction(of: site.call) == nil
            report(BackoffMissingRule.description,
                   BackoffMissingRule.message(site: site, callee: compact(tree.sourceText(of: site.callee)), reason: reason, atModuleLevel: atModuleLevel),
                   at: calleeRange, sdk: site.sdk)
        }
        for handler in protection.swallowingHandlers(of: site.call, errors: site.errors) {
            let h = tree[handler]
            let caught = h.a >= 0 ? compact(tree.sourceText(of: h.a)) : ""
            report(RateLimitSwallowedRule.description, RateLimitSwallowedRule.message(site: site, caught: caught),
                   at: headerRange(handler), sdk: site.sdk)
        }
    }

    /// The range a finding about a statement or expression covers: its first line only.
    private func headerRange(_ node: Int32) -> Range<Int> {
        let n = tree[node]
        // A decorator's finding starts at its `@`.
        let atSign = n.first > 0 && tree.tokens[Int(n.first) - 1].isOp(.at)
        let start = Int(tree.tokens[Int(n.first) - (atSign ? 1 : 0)].start)
        var end = start
        var i = n.first
        while i <= n.last {
            let token = tree.tokens[Int(i)]
            if token.kind == .newline || token.isOp(.colon) && (n.kind == .exceptHandler || n.kind == .whileLoop || n.kind == .forLoop) { break }
            end = Int(token.end)
            i += 1
        }
        return start..<max(start, end)
    }

    private func compact(_ text: String) -> String {
        var out = ""
        var lastWasSpace = false
        for ch in text {
            if ch == "\n" || ch == "\r" || ch == " " || ch == "\t" {
                if !lastWasSpace && !out.isEmpty && !out.hasSuffix("(") && !out.hasSuffix(".") { out.append(" ") }
                lastWasSpace = true
            } else {
                if lastWasSpace && (ch == "." || ch == ")") && out.hasSuffix(" ") { out.removeLast() }
                out.append(ch)
                lastWasSpace = false
            }
        }
        return out.count > 80 ? String(out.prefix(77)) + "..." : out
    }

    // MARK: Output

    /// `ai-output-unmoderated`, and the inventory: where the output of the calls found goes.
    /// Runs only when the module made an AI call.
    private func checkOutputs() {
        let ruleOn = !config.disabledRules.contains(OutputUnmoderatedRule.id)
        guard !sites.isEmpty, ruleOn || config.collectInventory else { return }
        let flow = OutputFlow(evaluator: e, specs: specs, sites: sites, sinks: config.sinks, moderation: config.moderation,
                              end: firstUncheckedCall)
        flow.run()
        var usesByOrigin: [Int32: [SinkUse]] = [:]
        for use in flow.uses { usesByOrigin[use.origin, default: []].append(use) }
        if ruleOn, flow.uses.contains(where: { !$0.moderated }) {
            let sitesByCall = Dictionary(sites.map { ($0.call, $0) }, uniquingKeysWith: { first, _ in first })
            for use in flow.uses.sorted(by: { ($0.node, $0.origin) < ($1.node, $1.origin) }) where !use.moderated {
                guard let site = sitesByCall[use.origin] else { continue }
                let at = headerRange(use.node)
                let message = OutputUnmoderatedRule.message(
                    sdk: site.label, callee: compact(tree.sourceText(of: site.callee)),
                    sourceLine: lineOf(tree.byteRange(of: site.callee).lowerBound), sink: use.sink,
                    sinkLine: lineOf(at.lowerBound), inputModerationLine: use.inputModeration.map { lineOf(tree.byteRange(of: $0).lowerBound) })
                let range = tree[use.node].kind == .call ? tree.byteRange(of: tree[use.node].a) : at
                report(OutputUnmoderatedRule.description, message, at: range, sdk: site.sdk)
            }
        }
        guard config.collectInventory else { return }
        let builder = InventoryBuilder(tree: tree, e: e, specs: specs)
        var seen: Set<Int32> = []
        for site in sites where seen.insert(site.call).inserted {
            inventory.append(builder.describe(site, backoff: backoff[site.call] ?? .missing, uses: usesByOrigin[site.call] ?? [],
                                              isModeration: flow.isModerationSite(site.call), compact: compact))
        }
    }

    // MARK: Keys

    private func checkKeyArguments(of call: Int32) {
        var spec: Int?
        switch e.value(tree[call].a) {
        case .symbol(let path):
            spec = specs(prefixing: path).first?.spec
        case .client(let c):
            spec = c.spec
        default:
            return
        }
        guard let spec, !specs.specs[spec].isLocal else { return }
        // The keyword arguments read in place (no set or argument list built per call); what the
        // call makes is asked only when it takes a key.
        var madeLocal: Bool?
        for argument in tree.children(tree[call].list1) where tree[argument].kind == .keywordArgument {
            let name = tree.text(ofToken: tree[argument].token)
            if name == "api_key" || specs.specs[spec].keyArguments.contains(name) {
                if madeLocal == nil {
                    if case .client(let made) = e.value(call) { madeLocal = made.isLocal } else { madeLocal = false }
                }
                if madeLocal == true { return }
                checkKeyLiteral(tree[argument].a, argument: name, spec: specs[spec])
            }
        }
    }

    private func checkKeyAssignments() {
        for (target, value) in index.attributeAssignments {
            guard case .symbol(let path) = e.value(target) else { continue }
            guard path.hasSuffix(".api_key"), let module = specs(prefixing: path).first(where: { $0.rest == "api_key" }) else { continue }
            checkKeyLiteral(value, argument: path, spec: specs[module.spec])
        }
    }

    private func checkKeyLiteral(_ value: Int32, argument: String, spec: AISDKSpec) {
        var node = value
        if tree[node].kind == .name, let bound = e.boundExpression(node) { node = bound }
        let n = tree[node]
        guard n.kind == .string else { return }
        // An f-string with fields is built at run time, not a literal key.
        var i = n.first
        while i <= n.last {
            let token = tree.tokens[Int(i)]
            if token.stringFlags.contains(.formatted) && tree.bytes(ofToken: i).contains(0x7B) { return }
            i += 1
        }
        let text = e.stringText(node)
        guard !KeyHardcodedRule.isPlaceholder(text) else { return }
        report(KeyHardcodedRule.description, KeyHardcodedRule.message(label: spec.label, argument: argument),
               at: tree.byteRange(of: node), sdk: spec.name)
    }
}
