/// One AI call as `leakguard ai inventory` lists it: who is called, with which models, whether a
/// rate limit is handled, where the output goes and where the key comes from.
public struct AIInventoryCall: Sendable, Equatable {
    /// The SDK or provider name findings use ("openai", "anthropic", "http").
    public var provider: String
    /// The SDK label, with its version family ("openai 0.x").
    public var label: String
    /// The callee as written, compacted (`client.chat.completions.create`).
    public var callee: String
    public var line: Int
    public var column: Int
    /// Model names passed as literals (to the call, its client's constructor or its JSON body).
    public var models: [String]
    public var backoff: AIBackoffStatus
    /// The argument that caps generated tokens (`max_tokens`), if any.
    public var tokenCap: String?
    public var keySources: [AIKeySource]
    /// Publishing sinks the call's output reaches.
    public var outputs: [AIOutputUse]
    /// The call is itself a moderation check (a moderation endpoint, a guard model).
    public var isModeration: Bool

    public init(provider: String, label: String, callee: String, line: Int, column: Int, models: [String], backoff: AIBackoffStatus,
                tokenCap: String?, keySources: [AIKeySource], outputs: [AIOutputUse], isModeration: Bool) {
        self.provider = provider; self.label = label; self.callee = callee; self.line = line; self.column = column
        self.models = models; self.backoff = backoff; self.tokenCap = tokenCap; self.keySources = keySources
        self.outputs = outputs; self.isModeration = isModeration
    }
}

/// How a call stands on rate limits, as the backoff rules judged it.
public enum AIBackoffStatus: String, Sendable {
    /// Retried with a growing wait (by the SDK, a decorator, a loop or a retry configuration).
    case protected
    /// Retried, but with a constant or linear wait.
    case constant
    /// Not retried on 429.
    case missing
}

/// Where a call's API key comes from.
public struct AIKeySource: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// An environment variable (`detail`: its name).
        case environment
        /// A string literal in the source (`detail`: the literal, which reports must redact).
        case literal
        /// Something else the code reads: a settings object, a secrets store (`detail`: the code).
        case config
        /// Nothing passed: the SDK reads its own variable (`detail`: its name).
        case sdkDefault = "sdk-default"
    }
    public var kind: Kind
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }
}

/// A publishing sink an AI call's output reaches.
public struct AIOutputUse: Sendable, Equatable {
    public var sink: String
    public var family: String
    public var line: Int
    public var moderated: Bool

    public init(sink: String, family: String, line: Int, moderated: Bool) {
        self.sink = sink; self.family = family; self.line = line; self.moderated = moderated
    }
}

/// `AIInventoryCall` located by byte offsets, before lines are known.
struct LocatedInventoryCall {
    var call: AIInventoryCall
    var offset: Int
    var outputOffsets: [Int]
}

/// Describes the AI calls of one module for the inventory.
struct InventoryBuilder {
    let tree: SyntaxTree
    let e: Evaluator
    let specs: SDKTable

    func describe(_ site: AICallSite, backoff: AIBackoffStatus, uses: [SinkUse], isModeration: Bool, compact: (String) -> String) -> LocatedInventoryCall {
        let callNode = tree[site.call]
        var models: [String] = []
        var tokenCap: String?
        var keys: [AIKeySource] = []
        var constructor: Int32 = -1
        if case .client(let c) = e.value(site.callee) { constructor = c.origin }
        for call in [site.call, constructor] where call >= 0 {
            let args = e.arguments(of: call)
            for name in ["model", "model_id", "modelId", "model_name", "engine", "deployment_id"] {
                if let value = args.keyword(name), let model = e.string(value), !models.contains(model) { models.append(model) }
            }
            if call == constructor, models.isEmpty, let first = args.positional.first, let model = e.string(first),
               !model.contains("://"), !model.contains(" ") {
                models.append(model)
            }
            if tokenCap == nil { tokenCap = cap(in: call) }
        }
        if site.isHTTP {
            for (key, value) in dictItems(in: site.call) {
                if key == "model", let model = e.string(value), !models.contains(model) { models.append(model) }
                if tokenCap == nil, tokenCapArguments.contains(key) { tokenCap = key }
                if ["authorization", "x-api-key", "api-key", "xi-api-key", "x-goog-api-key"].contains(key.lowercased()) {
                    keys.append(keySource(value))
                }
            }
            if keys.isEmpty { keys.append(AIKeySource(kind: .config, detail: "no key header found")) }
        } else {
            let spec = site.spec
            let keyArguments = Set((spec?.keyArguments ?? []) + ["api_key"])
            for call in [constructor, site.call] where call >= 0 {
                for (name, value) in e.arguments(of: call).keywords where keyArguments.contains(name) {
                    keys.append(keySource(value))
                }
            }
            if keys.isEmpty, let module = spec?.module {
                for setting in ["api_key", "api_token"] {
                    if let value = e.moduleSettings[module + "." + setting] { keys.append(keySource(value)) }
                }
            }
            if keys.isEmpty {
                let variable = ProviderDocs.defaultKeyVariable[site.sdk] ?? "the SDK's default"
                keys.append(AIKeySource(kind: .sdkDefault, detail: variable))
            }
        }
        let call = AIInventoryCall(
            provider: site.sdk, label: site.label, callee: compact(tree.sourceText(of: site.callee)), line: 0, column: 0,
            models: models, backoff: backoff, tokenCap: tokenCap, keySources: keys, outputs: [], isModeration: isModeration)
        _ = callNode
        var located = LocatedInventoryCall(call: call, offset: tree.byteRange(of: site.callee).lowerBound, outputOffsets: [])
        for use in uses.sorted(by: { $0.node < $1.node }) {
            located.call.outputs.append(AIOutputUse(sink: use.sink.label, family: use.sink.family.rawValue, line: 0, moderated: use.moderated))
            located.outputOffsets.append(tree.byteRange(of: use.node).lowerBound)
        }
        return located
    }

    /// The token-cap argument of a call: a keyword, or a key of a dict or config built inside
    /// its arguments (`generation_config={"max_output_tokens": 256}`).
    private func cap(in call: Int32) -> String? {
        var found: String?
        for argument in tree.children(tree[call].list1) {
            var node = argument
            if tree[node].kind == .keywordArgument {
                let name = tree.text(ofToken: tree[node].token)
                if tokenCapArguments.contains(name) { return name }
                node = tree[node].a
            }
            if tree[node].kind == .name, let bound = e.boundExpression(node) { node = bound }
            e.index.forEachNode(under: node) { _, n in
                guard found == nil else { return }
                if n.kind == .keywordArgument, n.token >= 0, tokenCapArguments.contains(tree.text(ofToken: n.token)) {
                    found = tree.text(ofToken: n.token)
                } else if n.kind == .string, n.first == n.last {
                    let text = e.stringText(node: n)
                    if tokenCapArguments.contains(text) { found = text }
                }
            }
            if found != nil { return found }
        }
        return nil
    }

    /// Key/value pairs of the dict literals in a call's arguments (followed through names).
    private func dictItems(in call: Int32) -> [(String, Int32)] {
        var result: [(String, Int32)] = []
        for argument in tree.children(tree[call].list1) {
            var node = tree[argument].kind == .keywordArgument ? tree[argument].a : argument
            if tree[node].kind == .name, let bound = e.boundExpression(node) { node = bound }
            e.index.forEachNode(under: node) { _, n in
                guard n.kind == .dict, result.count < 64 else { return }
                let items = Array(tree.children(n.list1))
                var i = 0
                while i + 1 < items.count {
                    if tree[items[i]].kind == .doubleStarred { i += 1; continue }
                    if tree[items[i]].kind == .string {
                        var value = items[i + 1]
                        if tree[value].kind == .name, let bound = e.boundExpression(value) {
                            if tree[bound].kind == .dict {
                                // `headers=HEADERS` built elsewhere: look inside too.
                                value = bound
                            }
                        }
                        result.append((e.stringText(items[i]), value))
                    }
                    i += 2
                }
            }
        }
        return result
    }

    /// Where a key expression gets its value.
    func keySource(_ node: Int32, depth: Int = 0) -> AIKeySource {
        let n = tree[node]
        let written = tree.sourceText(of: node)
        guard depth < 6 else { return AIKeySource(kind: .config, detail: written) }
        switch n.kind {
        case .name:
            if let bound = e.boundExpression(node) { return keySource(bound, depth: depth + 1) }
            return AIKeySource(kind: .config, detail: written)
        case .string:
            if let field = firstField(n), let bound = boundExpression(named: field, near: node) {
                return keySource(bound, depth: depth + 1)
            }
            return AIKeySource(kind: .literal, detail: e.stringText(node))
        case .call:
            let args = e.arguments(of: node)
            if case .symbol(let path) = e.value(n.a), path == "os.getenv" || path == "os.environ.get" || path.hasSuffix(".getenv"),
               let first = args.positional.first, let name = e.string(first) {
                return AIKeySource(kind: .environment, detail: name)
            }
            return AIKeySource(kind: .config, detail: written)
        case .subscription:
            if case .symbol(let path) = e.value(n.a), path == "os.environ", let key = tree.children(n.list1).first, let name = e.string(key) {
                return AIKeySource(kind: .environment, detail: name)
            }
            return AIKeySource(kind: .config, detail: written)
        case .binary:
            // `"Bearer " + key`
            return keySource(tree[n.b].kind == .string ? n.a : n.b, depth: depth + 1)
        default:
            return AIKeySource(kind: .config, detail: written)
        }
    }

    /// The first name in an f-string's replacement fields (`f"Bearer {KEY}"` → "KEY").
    private func firstField(_ n: Node) -> String? {
        guard tree.tokens[Int(n.first)].stringFlags.contains(.formatted) else { return nil }
        let bytes = tree.bytes(ofToken: n.first)
        guard let open = bytes.firstIndex(of: 0x7B) else { return nil }
        var end = open + 1
        while end < bytes.count, bytes[end] == 0x5F || (bytes[end] | 0x20 >= 0x61 && bytes[end] | 0x20 <= 0x7A) || (bytes[end] >= 0x30 && bytes[end] <= 0x39) {
            end += 1
        }
        guard end > open + 1 else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[(open + 1)..<end]), as: UTF8.self)
    }

    /// The last value bound to `name` in the scopes around `node`.
    private func boundExpression(named name: String, near node: Int32) -> Int32? {
        var scope = e.index.scope[Int(node)]
        while true {
            if let list = e.index.bindings[scope]?[name] {
                for item in list.reversed() {
                    if case .value(let expression) = item.binding { return expression }
                }
            }
            if scope == e.index.root { return nil }
            scope = e.index.outerScope(of: scope)
        }
    }
}
