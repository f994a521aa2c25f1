/// The arguments of a call, split into positional and keyword ones.
struct CallArguments {
    var positional: [Int32] = []
    var keywords: [(name: String, value: Int32)] = []

    func keyword(_ name: String) -> Int32? {
        keywords.first { $0.name == name }?.value
    }
}

/// Follows values through the module: what a name, attribute or call stands for (an SDK client,
/// an HTTP session, a retry decorator, a constant string…). Flow-insensitive but order-aware: a
/// name used in the scope it is bound in takes its last binding before the use.
final class Evaluator {
    let index: ModuleIndex
    let specs: SDKTable
    var tree: SyntaxTree { index.tree }
    /// Where each node's value is kept in `memo` (-1: not computed yet), by node: arrays, not
    /// dictionaries, as this is asked for every call of every module.
    private var memoSlot: [Int32]
    private var memo: [Value] = []
    /// The nodes being evaluated (a cycle returns unknown), and how many there are.
    private var evaluating: [Bool]
    private var evaluatingCount = 0
    private var returnsEvaluating: Set<Int32> = []
    /// Module attributes set by assignment (`openai.max_retries = 0`), by dotted path.
    private(set) var moduleSettings: [String: Int32] = [:]
    /// SDK module names used in the module without being imported or defined there.
    private(set) var assumedModules: Set<String> = []

    /// How deep value chains are followed; beyond this a value is unknown.
    private static let maxEvaluationDepth = 48

    init(index: ModuleIndex, specs: SDKTable) {
        self.index = index
        self.specs = specs
        memoSlot = Array(repeating: -1, count: index.tree.nodes.count)
        evaluating = Array(repeating: false, count: index.tree.nodes.count)
        for (target, value) in index.attributeAssignments {
            if case .symbol(let path) = self.value(target) { moduleSettings[path] = value }
        }
    }

    // MARK: Arguments and text

    func arguments(of call: Int32) -> CallArguments {
        var result = CallArguments()
        for argument in tree.children(tree[call].list1) {
            let a = tree[argument]
            if a.kind == .keywordArgument {
                result.keywords.append((tree.text(ofToken: a.token), a.a))
            } else if a.kind != .starred && a.kind != .doubleStarred {
                result.positional.append(argument)
            }
        }
        return result
    }

    /// The value of the first keyword argument `name` of a call, its name compared in place (no
    /// argument list built).
    func keywordArgument(_ name: StaticString, of call: Int32) -> Int32? {
        for argument in tree.children(tree[call].list1) {
            let a = tree[argument]
            if a.kind == .keywordArgument, tree.token(a.token, is: name) { return a.a }
        }
        return nil
    }

    /// The name of an attribute node, or of a name node.
    func nameText(_ node: Int32) -> String {
        let n = tree[node]
        return n.token >= 0 ? tree.text(ofToken: n.token) : ""
    }

    /// The literal number an expression stands for, when it is one.
    func number(_ node: Int32) -> Double? {
        if case .number(let value) = value(node) { return value }
        return nil
    }

    func string(_ node: Int32) -> String? {
        if case .string(let text) = value(node) { return text }
        return nil
    }

    // MARK: Values

    func value(_ node: Int32) -> Value {
        guard node >= 0 else { return .unknown }
        let i = Int(node)
        if memoSlot[i] >= 0 { return memo[Int(memoSlot[i])] }
        guard !evaluating[i], evaluatingCount < Evaluator.maxEvaluationDepth else { return .unknown }
        evaluating[i] = true; evaluatingCount += 1
        let result = compute(node)
        evaluating[i] = false; evaluatingCount -= 1
        memoSlot[i] = Int32(memo.count)
        memo.append(result)
        return result
    }

    private func compute(_ node: Int32) -> Value {
        let n = tree[node]
        switch n.kind {
        case .name:
            return lookUp(tree.text(ofToken: n.token), scope: index.scope[Int(node)], at: n.first)
        case .attribute:
            return member(value(n.a), nameText(node))
        case .call:
            return callResult(node)
        case .string:
            return .string(stringText(node))
        case .number:
            return Double(tree.text(ofToken: n.token).replacingUnderscores()).map(Value.number) ?? .unknown
        case .constant:
            if tree.tokens[Int(n.token)].isKeyword(.kNone) { return .none }
            if tree.tokens[Int(n.token)].isKeyword(.kTrue) { return .number(1) }
            if tree.tokens[Int(n.token)].isKeyword(.kFalse) { return .number(0) }
            return .unknown
        case .unary:
            if tree.tokens[Int(n.token)].isOp(.minus), case .number(let x) = value(n.a) { return .number(-x) }
            return .unknown
        case .await:
            return value(n.a)
        case .binary:
            return binaryValue(n)
        default:
            return .unknown
        }
    }

    private func binaryValue(_ n: Node) -> Value {
        let op = tree.tokens[Int(n.token)]
        let left = value(n.a)
        let right = value(n.b)
        switch op.op {
        case .pipe:
            // A langchain runnable piped with a chat model is still that model's chain.
            if case .client(var c) = right { c.path = ""; return .client(c) }
            if case .client(var c) = left { c.path = ""; return .client(c) }
            return .unknown
        case .plus:
            if case .string(let a) = left, case .string(let b) = right { return .string(a + b) }
            if case .string(let a) = left { return .string(a) }
            if case .string(let b) = right { return .string(b) }
            if case .number(let a) = left, case .number(let b) = right { return .number(a + b) }
            return .unknown
        case .percent:
            if case .string(let a) = left { return .string(a) }
            return .unknown
        case .star:
            if case .number(let a) = left, case .number(let b) = right { return .number(a * b) }
            return .unknown
        default:
            return .unknown
        }
    }

    /// Looks a name up from `scope` outwards. In the scope of the use, the last binding before
    /// the use wins; in outer scopes, the last binding that says something.
    func lookUp(_ name: String, scope: Int32, at position: Int32) -> Value {
        var s = scope
        var isUseScope = true
        while true {
            if let list = index.bindings[s]?[name], !list.isEmpty {
                let value = choose(list, before: isUseScope ? position : nil, scope: s)
                if let value { return value }
            }
            if s == index.root { break }
            // Class bodies are not visible from their methods.
            var outer = index.outerScope(of: s)
            while outer != index.root && tree[outer].kind == .classDef && tree[s].kind == .function { outer = index.outerScope(of: outer) }
            s = outer
            isUseScope = false
        }
        for module in index.starImports[index.root] ?? [] where !specs.specs(ofModule: module).isEmpty {
            return .symbol(module + "." + name)
        }
        // A framework may put an SDK module into a file's globals without an import (or the
        // import sits in a cell or file not seen): a name nothing defines that is an SDK module's
        // name is taken to be that module, and findings say so.
        if !specs.specs(ofModule: name).isEmpty {
            assumedModules.insert(name)
            return .symbol(name)
        }
        return .unbound(name)
    }

    /// Every value a name may hold where it is used: the values of all its bindings in the
    /// scope that binds it (a name set in several branches may hold any of them). Nil when the
    /// name is bound nowhere in the module.
    func possibleValues(_ nameNode: Int32) -> [Value]? {
        let n = tree[nameNode]
        guard n.kind == .name else { return nil }
        let name = tree.text(ofToken: n.token)
        var s = index.scope[Int(nameNode)]
        while true {
            if let list = index.bindings[s]?[name], !list.isEmpty {
                return list.map { value(of: $0.binding, scope: s) }
            }
            if s == index.root { return nil }
            s = index.outerScope(of: s)
        }
    }

    /// The expression a name node is bound to, found the way `lookUp` finds its value.
    func boundExpression(_ nameNode: Int32) -> Int32? {
        let n = tree[nameNode]
        guard n.kind == .name else { return nil }
        let name = tree.text(ofToken: n.token)
        var s = index.scope[Int(nameNode)]
        var isUseScope = true
        while true {
            if let list = index.bindings[s]?[name], !list.isEmpty {
                var end = list.count
                if isUseScope, let last = list.lastIndex(where: { $0.position < n.first }) { end = last + 1 }
                for item in list[..<end].reversed() {
                    if case .value(let expression) = item.binding { return expression }
                }
                return nil
            }
            if s == index.root { return nil }
            s = index.outerScope(of: s)
            isUseScope = false
        }
    }

    private func choose(_ list: [ScopedBinding], before position: Int32?, scope: Int32) -> Value? {
        var end = list.count
        if let position {
            // Parameters come first (position -1); the last binding before the use wins.
            if let last = list.lastIndex(where: { $0.position < position }) { end = last + 1 }
        }
        var fallback: Value?
        for item in list[..<end].reversed() {
            let v = value(of: item.binding, scope: scope)
            if !v.isUnknown { return v }
            if fallback == nil { fallback = v }
        }
        return fallback
    }

    private func value(of binding: Binding, scope: Int32) -> Value {
        switch binding {
        case .value(let expression): return value(expression)
        case .module(let path): return .symbol(path)
        case .function(let f): return .function(f)
        case .classDef(let c): return .classDef(c)
        case .opaque: return .unknown
        case .parameter(let parameter):
            // `self`/`cls`: the first parameter of a method.
            if let first = tree.children(tree.list3(of: scope)).first, first == parameter,
               let classNode = index.enclosingClass(ofScope: scope), index.scope[Int(scope)] == classNode,
               !hasDecorator(scope, named: "staticmethod") {
                return .instance(classNode)
            }
            // `client: Mistral`: a parameter annotated with an SDK client class is taken to be
            // such a client, made with the SDK's defaults.
            if tree[parameter].b >= 0, let client = annotatedClient(tree[parameter].b) { return .client(client) }
            return .unknown
        }
    }

    /// The client an annotation names: `Mistral`, `"Mistral"`, `Optional[Mistral]`, `Mistral | None`.
    private func annotatedClient(_ annotation: Int32, depth: Int = 0) -> ClientValue? {
        guard depth < 4, annotation >= 0 else { return nil }
        let n = tree[annotation]
        switch n.kind {
        case .name, .attribute:
            guard case .symbol(let path) = value(annotation) else { return nil }
            for i in specs.specs(constructedBy: path) where specs[i].constructorService == nil {
                let spec = specs[i]
                return ClientValue(spec: i, constructor: String(path.dropFirst(spec.module.count + 1)), path: "",
                                   retry: spec.retriesByDefault ? .byDefault : .absent, isLocal: spec.isLocal, origin: -1)
            }
            return nil
        case .subscription:
            return tree.children(n.list1).lazy.compactMap { self.annotatedClient($0, depth: depth + 1) }.first
        case .binary:
            return annotatedClient(n.a, depth: depth + 1) ?? annotatedClient(n.b, depth: depth + 1)
        default:
            return nil
        }
    }

    func hasDecorator(_ function: Int32, named name: String) -> Bool {
        tree.children(tree.list2(of: function)).contains { tree.sourceText(of: $0) == name }
    }

    func member(_ base: Value, _ name: String) -> Value {
        switch base {
        case .symbol(let path):
            return .symbol(path + "." + name)
        case .unbound(let path):
            return .unbound(path + "." + name)
        case .client(let c):
            // Response wrappers do not change what a chain calls.
            if name == "with_raw_response" || name == "with_streaming_response" { return .client(c) }
            return .client(c.appending(name))
        case .http(var h):
            h.member = name
            return .http(h)
        case .instance(let classNode), .classDef(let classNode):
            if let list = index.instanceAttributes[classNode]?[name], let v = choose(list, before: nil, scope: classNode) {
                return v
            }
            if let method = index.bindings[classNode]?[name]?.last, case .function(let f) = method.binding { return .function(f) }
            return .unknown
        default:
            return .unknown
        }
    }

    // MARK: Calls

    private func callResult(_ call: Int32) -> Value {
        let callee = value(tree[call].a)
        switch callee {
        case .symbol(let path):
            return symbolCall(path, call)
        case .unbound(let path):
            if let retry = RetryLibraries.retryGuard(for: path, call: call, evaluator: self) { return .retrying(retry) }
            return .unknown
        case .client(var c):
            // The chain's last name, and the chain before it (one search, not two splits: this
            // runs for every call on a client).
            let dot = c.path.utf8.lastIndex(of: UInt8(ascii: "."))
            let last = dot.map { String(c.path[c.path.utf8.index(after: $0)...]) } ?? c.path
            let stem = dot.map { String(c.path[..<$0]) } ?? ""
            switch last {
            case "with_options":
                c.path = stem
                c.retry = applyRetryArguments(arguments(of: call), spec: specs[c.spec], to: c.retry)
                return .client(c)
            case "with_retry":
                c.path = stem
                c.retry = .configured(growing: true, detail: "with_retry()")
                return .client(c)
            case "bind", "bind_tools", "with_structured_output", "with_config", "with_fallbacks", "configurable_fields":
                c.path = stem
                return .client(c)
            default:
                c.path += "()"
                return .client(c)
            }
        case .function(let f):
            return returnValue(of: f)
        case .classDef(let classNode):
            return .instance(classNode)
        case .retrying:
            // `retry(...)(fn)` gives the wrapped function back.
            if let first = arguments(of: call).positional.first, case .function(let f) = value(first) { return .function(f) }
            return .unknown
        default:
            return .unknown
        }
    }

    private func returnValue(of function: Int32) -> Value {
        guard !returnsEvaluating.contains(function) else { return .unknown }
        returnsEvaluating.insert(function)
        defer { returnsEvaluating.remove(function) }
        for expression in index.returns[function] ?? [] {
            let v = value(expression)
            if !v.isUnknown { return v }
        }
        return .unknown
    }

    private func symbolCall(_ path: String, _ call: Int32) -> Value {
        if let client = construct(path, call) { return .client(client) }
        // `functools.partial(client.chat.completions.create, model=…)` calls what it wraps.
        if path == "functools.partial", let wrapped = arguments(of: call).positional.first { return value(wrapped) }
        if let http = HTTPCalls.session(path, call: call, evaluator: self) { return .http(http) }
        if let retry = RetryLibraries.retryGuard(for: path, call: call, evaluator: self) { return .retrying(retry) }
        if path == "os.getenv" || path == "os.environ.get" || path.hasSuffix(".getenv") {
            // An environment read with a default: the default is what a reader sees.
            let args = arguments(of: call)
            if args.positional.count >= 2, case .string(let s) = value(args.positional[1]) { return .string(s) }
            return .unknown
        }
        return .symbol(path + "()")
    }

    /// A client made by calling `path`, when `path` is one of an SDK's constructors.
    private func construct(_ path: String, _ call: Int32) -> ClientValue? {
        for i in specs.specs(constructedBy: path) {
            let spec = specs[i]
            let constructor = String(path.dropFirst(spec.module.count + 1))
            let args = arguments(of: call)
            if let service = spec.constructorService {
                let named = args.keyword("service_name") ?? args.positional.first
                guard let named, string(named) == service else { continue }
            }
            let initial: SDKRetry = spec.retriesByDefault ? .byDefault : .absent
            return ClientValue(spec: i, constructor: constructor, path: "", retry: applyRetryArguments(args, spec: spec, to: initial),
                               isLocal: spec.isLocal || pointsAtLocalHost(args), origin: call)
        }
        return nil
    }

    /// The client a module stands for when its own functions are called (`openai.chat…`,
    /// `litellm.completion`), with module-level settings applied.
    func moduleClient(spec index: Int) -> ClientValue {
        let spec = specs[index]
        var retry: SDKRetry = spec.retriesByDefault ? .byDefault : .absent
        for name in spec.retryCountArguments {
            if let setting = moduleSettings[spec.module + "." + name] {
                retry = applyCount(name: name, value: setting, spec: spec, to: retry, spelling: "\(spec.module).\(name) = ")
            }
        }
        return ClientValue(spec: index, path: "", retry: retry, isLocal: spec.isLocal, origin: -1)
    }

    /// Applies `max_retries=`-style and retry-configuration keyword arguments to a retry state.
    func applyRetryArguments(_ args: CallArguments, spec: AISDKSpec, to state: SDKRetry) -> SDKRetry {
        var state = state
        for (name, value) in args.keywords {
            if spec.retryCountArguments.contains(name) {
                state = applyCount(name: name, value: value, spec: spec, to: state, spelling: "\(name)=")
            } else if spec.retryConfigArguments.contains(name), let config = RetryConfigurations.inspect(value, evaluator: self) {
                if config.disables {
                    state = .disabled("\(config.detail) turns the SDK's retries off")
                } else {
                    state = .configured(growing: config.growing, detail: config.detail)
                }
            }
        }
        return state
    }

    private func applyCount(name: String, value: Int32, spec: AISDKSpec, to state: SDKRetry, spelling: String) -> SDKRetry {
        guard let count = number(value) else { return state }
        if count <= 0 { return .disabled("\(spelling)0 disables the SDK's retries") }
        if spec.retriesByDefault { return .byDefault }
        if spec.retryCountGrows { return .configured(growing: true, detail: "\(name)=\(Int(count))") }
        // An SDK without retries of its own retries without waiting when given a count.
        return .configured(growing: false, detail: "\(name)=\(Int(count)) retries without a growing wait")
    }

    /// Whether `base_url=`/`host=`-style arguments point at this machine.
    private func pointsAtLocalHost(_ args: CallArguments) -> Bool {
        for (name, value) in args.keywords where ["base_url", "host", "api_base", "endpoint", "base_uri", "url"].contains(name)
            || name.hasSuffix("_api_url") || name.hasSuffix("_api_base") || name.hasSuffix("_base_url") || name == "azure_endpoint" {
            if let text = urlText(value), HTTPCalls.isLocal(text) { return true }
        }
        return false
    }

    /// The text of a URL-ish expression: a literal, an f-string, a constant or a concatenation.
    func urlText(_ node: Int32) -> String? {
        if case .string(let text) = value(node) { return text }
        // Literals anywhere inside (`os.getenv("X", "http://localhost")`, `"%s/v1" % host`).
        var found: String?
        index.forEachNode(under: node) { _, n in
            if found == nil, n.kind == .string { found = self.stringText(node: n) }
        }
        return found
    }

    // MARK: Strings

    func stringText(_ node: Int32) -> String {
        stringText(node: tree[node], scope: index.scope[Int(node)])
    }

    /// The content of a (possibly concatenated) string literal. Replacement fields of f-strings
    /// that name a constant are filled in; others are dropped.
    func stringText(node n: Node, scope: Int32? = nil) -> String {
        var text = ""
        var i = n.first
        while i <= n.last {
            let token = tree.tokens[Int(i)]
            if token.kind == .string { text += literalContent(token, scope: scope) }
            i += 1
        }
        return text
    }

    private func literalContent(_ token: Token, scope: Int32?) -> String {
        let src = tree.source
        var start = Int(token.start)
        var end = Int(token.end)
        while start < end && src[start] != 0x22 && src[start] != 0x27 { start += 1 }  // prefix
        let flags = token.stringFlags
        let quoteLength = flags.contains(.triple) ? 3 : 1
        start = min(end, start + quoteLength)
        if !flags.contains(.unterminated) { end = max(start, end - quoteLength) }
        let body = UnsafeBufferPointer(rebasing: src[start..<end])
        guard flags.contains(.formatted), let scope else { return String(decoding: body, as: UTF8.self) }
        // Fill `{NAME}` / `{NAME.attr}` fields from constants; drop other fields.
        var out: [UInt8] = []
        var i = 0
        while i < body.count {
            let c = body[i]
            if c == 0x7B && i + 1 < body.count && body[i + 1] == 0x7B { out.append(c); i += 2; continue }
            if c == 0x7B {
                var j = i + 1
                var level = 1
                while j < body.count && level > 0 {
                    if body[j] == 0x7B { level += 1 } else if body[j] == 0x7D { level -= 1 }
                    j += 1
                }
                let field = String(decoding: UnsafeBufferPointer(rebasing: body[(i + 1)..<max(i + 1, j - 1)]), as: UTF8.self)
                if let filled = fieldValue(field, scope: scope) { out.append(contentsOf: Array(filled.utf8)) }
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func fieldValue(_ field: String, scope: Int32) -> String? {
        let expression = field.split(separator: "!").first.map { $0.split(separator: ":").first ?? "" } ?? ""
        let parts = expression.split(separator: ".").map { String($0).trimmingSpaces() }
        guard let head = parts.first, !head.isEmpty, head.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        var v = lookUp(head, scope: scope, at: Int32.max)
        for part in parts.dropFirst() { v = member(v, part) }
        if case .string(let s) = v { return s }
        return nil
    }
}

extension String {
    func replacingUnderscores() -> String { filter { $0 != "_" } }

    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
