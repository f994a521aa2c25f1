/// Which AI calls a value carries the output of, and whether each was moderated on the way.
struct OutputTaint {
    /// The AI call (its node) → whether a moderation check cleared its output on this path.
    var origins: [Int32: Bool] = [:]

    static let none = OutputTaint()

    var isEmpty: Bool { origins.isEmpty }

    /// Both paths: an output is moderated only if it is on every path that carries it.
    mutating func merge(_ other: OutputTaint) {
        for (origin, moderated) in other.origins {
            origins[origin] = origins[origin].map { $0 && moderated } ?? moderated
        }
    }

    func merged(_ other: OutputTaint) -> OutputTaint {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// With the outputs in `cleared` (or all, with `all`) marked moderated.
    func moderating(_ cleared: Set<Int32>, all: Bool) -> OutputTaint {
        guard !origins.isEmpty, all || !cleared.isEmpty else { return self }
        var copy = self
        for origin in origins.keys where all || cleared.contains(origin) { copy.origins[origin] = true }
        return copy
    }
}

/// Model output reaching a publishing sink.
struct SinkUse {
    /// The AI call whose output it is.
    var origin: Int32
    var sink: OutputSink
    /// Where the output reaches the sink: the sink call, or a returned expression.
    var node: Int32
    var moderated: Bool
    /// A moderation call in the same function that saw no model output (it checked the input).
    var inputModeration: Int32?
}

/// A sink or moderation pattern, split once (see `OutputSink` for the syntax).
struct CalleePattern {
    let module: String?
    let chain: String

    init(_ pattern: String) {
        if let colon = pattern.firstIndex(of: ":") {
            module = String(pattern[..<colon])
            chain = String(pattern[pattern.index(after: colon)...])
        } else {
            module = nil
            chain = pattern
        }
    }

    /// `resolved`: the callee's resolved dotted path without call parentheses, if known; `text`:
    /// its attribute chain as written; `imports`: whether the file imports a module.
    func matches(resolved: String?, text: String, imports: (String) -> Bool) -> Bool {
        guard !chain.isEmpty else { return false }
        if let resolved {
            if let module {
                if resolved == module + "." + chain || (resolved.hasPrefix(module + ".") && resolved.hasSuffix("." + chain)) { return true }
            } else if resolved == chain || resolved.hasSuffix("." + chain) {
                return true
            }
        }
        if let module, !imports(module) { return false }
        return text == chain || text.hasSuffix("." + chain)
    }
}

/// Follows the output of AI calls through one module to the sinks it reaches: assignments,
/// attribute and subscript access, f-strings, `+`/`%`/`join`/`format`, containers filled with it,
/// loops over a stream, and helper functions (their returns, and their parameters). A moderation
/// check clears an output from the point it runs on; a comparison, `len()` or a value picked by
/// the output (`LABELS[reply]`, `"yes" if … in reply else "no"`) carries none of it.
///
/// Only the functions that make an AI call are walked, then their callers while output flows
/// up, and helpers while it flows down; each function once per set of tainted parameters.
final class OutputFlow {
    private let tree: SyntaxTree
    private let index: ModuleIndex
    private let e: Evaluator
    private let specs: SDKTable
    /// Generative AI calls: their results are output.
    private let sources: Set<Int32>
    /// AI calls that check content (a moderation endpoint, a Llama Guard model).
    private let moderatingSites: Set<Int32>
    private let sinkPatterns: [(OutputSink, CalleePattern)]
    private let moderationPatterns: [(ModerationCheck, CalleePattern)]
    private let importedPaths: [String]
    /// The last names of the call patterns (`chat_postMessage`, `create`): a call whose callee
    /// ends in another name is neither a sink nor a check, and is passed over without resolving
    /// it (most calls of a module).
    private let sinkNames: NameSet
    private let moderationNames: NameSet
    private let handlerNames: NameSet
    /// Methods of a raw HTTP POST (`HTTPCalls.post`), for webhook sinks.
    private static let postMethods = NameSet(["post", "request", "stream"])

    private(set) var uses: [SinkUse] = []
    private var seenUses: Set<String> = []

    private var handlers: [Int32: OutputSink] = [:]
    private var moderatedFunctions: Set<Int32> = []
    private var summaries: [Int32: OutputTaint] = [:]
    /// Functions that make an AI call or call one that does (transitively): only these can
    /// return output, so only these are walked for what they return.
    private var mayReturnOutput: Set<Int32> = []
    private var inProgress: Set<String> = []
    private var helperWalks: [String: OutputTaint] = [:]
    private var sinkMemo: [Int32: OutputSink?] = [:]
    private var importMemo: [String: Bool] = [:]
    /// Walks in progress, nested (a helper's walk inside its caller's): bounded, so a long
    /// chain of helpers cannot exhaust a worker thread's stack.
    private var walkDepth = 0
    private static let maxWalkDepth = 12
    private var moderationMemo: [Int32: Bool] = [:]

    /// Where the checked part of the module ends (the token of the first AI call not checked):
    /// statements from there on are not walked.
    private let end: Int32
    /// The calls of the module before `end`, in source order.
    private let calls: ArraySlice<Int32>

    /// How many helper walks with tainted parameters one module may take.
    private static let maxHelperWalks = 256
    /// How deep an expression is followed.
    private static let maxDepth = 48

    /// `end`: the first AI call not checked, when the checker stopped early (see `end`).
    init(evaluator: Evaluator, specs: SDKTable, sites: [AICallSite], sinks: [OutputSink], moderation: [ModerationCheck], end: Int32? = nil) {
        e = evaluator
        if let end {
            self.end = evaluator.tree[end].first
            calls = evaluator.index.calls[..<(evaluator.index.calls.firstIndex(of: end) ?? evaluator.index.calls.endIndex)]
        } else {
            self.end = Int32.max
            calls = evaluator.index.calls[...]
        }
        index = evaluator.index
        tree = evaluator.tree
        self.specs = specs
        sinkPatterns = sinks.map { ($0, CalleePattern($0.pattern)) }
        moderationPatterns = moderation.map { ($0, CalleePattern($0.pattern)) }
        importedPaths = evaluator.tree.importedPaths()
        func lastNames(_ patterns: [CalleePattern]) -> NameSet {
            NameSet(patterns.map { String($0.chain.split(separator: ".").last ?? "") })
        }
        sinkNames = lastNames(sinkPatterns.filter { $0.0.kind == .call }.map(\.1))
        handlerNames = lastNames(sinkPatterns.filter { $0.0.kind == .handler }.map(\.1))
        moderationNames = lastNames(moderationPatterns.filter { $0.0.kind == .call }.map(\.1))
        var sources: Set<Int32> = []
        var moderating: Set<Int32> = []
        // Most sites of a module call a few paths: what a path says is worked out once.
        var byPath: [String: (moderating: Bool, generative: Bool)] = [:]
        for site in sites {
            let path = OutputFlow.calledPath(site, evaluator: evaluator)
            let kind: (moderating: Bool, generative: Bool)
            if !site.isHTTP, let path, let known = byPath[path] {
                kind = known
            } else {
                kind = (OutputFlow.isModeratingPath(path, patterns: moderationPatterns), OutputFlow.isGenerative(path, isHTTP: site.isHTTP))
                if !site.isHTTP, let path { byPath[path] = kind }
            }
            if kind.moderating || OutputFlow.namesGuardModel(site.call, evaluator: evaluator) {
                moderating.insert(site.call)
            } else if kind.generative {
                sources.insert(site.call)
            }
        }
        self.sources = sources
        moderatingSites = moderating
    }

    /// Whether the call is an AI call that checks content rather than making it.
    func isModerationSite(_ call: Int32) -> Bool { moderatingSites.contains(call) }

    // MARK: Running

    func run() {
        guard !sources.isEmpty else { return }
        findHandlers()
        var reaching: [Int32] = sources.compactMap { index.enclosingFunction(of: $0) }
        while let function = reaching.popLast() {
            guard mayReturnOutput.insert(function).inserted else { continue }
            for caller in callers(of: function) {
                if let outer = index.enclosingFunction(of: caller), !mayReturnOutput.contains(outer) { reaching.append(outer) }
            }
        }
        var pending: [Int32] = []
        var seen: Set<Int32> = []
        for source in sources.sorted() {
            let scope = index.enclosingFunction(of: source) ?? index.root
            if seen.insert(scope).inserted { pending.append(scope) }
        }
        while let scope = pending.popLast() {
            if scope == index.root {
                _ = walk(scope, parameters: [:])
                continue
            }
            guard !summary(of: scope).isEmpty else { continue }
            for caller in callers(of: scope) {
                let callerScope = index.enclosingFunction(of: caller) ?? index.root
                if seen.insert(callerScope).inserted { pending.append(callerScope) }
            }
        }
    }

    /// Route handlers and UI callbacks (whose return is published), and functions a moderation
    /// decorator wraps.
    private func findHandlers() {
        let routes = sinkPatterns.filter { $0.0.kind == .route }
        let decorators = moderationPatterns.filter { $0.0.kind == .decorator }
        if !routes.isEmpty || !decorators.isEmpty {
            for function in index.functions where tree.list2(of: function).count > 0 {
                for decorator in tree.children(tree.list2(of: function)) {
                    let callee = tree[decorator].kind == .call ? tree[decorator].a : decorator
                    let (resolved, text) = describe(callee)
                    if let route = routes.first(where: { $0.1.matches(resolved: resolved, text: text, imports: imports) }) {
                        handlers[function] = route.0
                    }
                    if decorators.contains(where: { $0.1.matches(resolved: resolved, text: text, imports: imports) }) {
                        moderatedFunctions.insert(function)
                    }
                }
            }
        }
        let registrations = sinkPatterns.filter { $0.0.kind == .handler }
        guard !registrations.isEmpty else { return }
        for call in calls where tree.lastName(of: tree[call].a, in: handlerNames) {
            let (resolved, text) = describe(tree[call].a)
            guard let sink = registrations.first(where: { $0.1.matches(resolved: resolved, text: text, imports: imports) })?.0 else { continue }
            let args = e.arguments(of: call)
            guard let fn = args.keyword("fn") ?? args.positional.first, case .function(let f) = e.value(fn) else { continue }
            handlers[f] = sink
        }
    }

    /// The calls of a function in this module.
    private func callers(of function: Int32) -> [Int32] {
        let f = tree[function]
        guard f.token >= 0 else { return [] }
        let name = tree.text(ofToken: f.token)
        var result: [Int32] = []
        for reference in (index.namesByText[name] ?? []) + (index.attributesByText[name] ?? []) {
            let parent = index.parent[Int(reference)]
            guard parent >= 0, tree[parent].kind == .call, tree[parent].a == reference,
                  case .function(let target) = e.value(reference), target == function else { continue }
            result.append(parent)
        }
        return result
    }

    /// What a function returns (or yields) when called with untainted arguments.
    private func summary(of function: Int32) -> OutputTaint {
        guard mayReturnOutput.contains(function) else { return .none }
        if let known = summaries[function] { return known }
        let key = "\(function)"
        guard !inProgress.contains(key) else { return .none }
        inProgress.insert(key)
        let result = walk(function, parameters: [:])
        inProgress.remove(key)
        summaries[function] = result
        return result
    }

    /// What a function returns when called with these parameters carrying output; the sinks it
    /// reaches on the way are recorded.
    private func walkHelper(_ function: Int32, parameters: [String: OutputTaint]) -> OutputTaint {
        let key = "\(function):" + parameters.keys.sorted().map { name in
            name + "=" + parameters[name]!.origins.keys.sorted().map { "\($0)\(parameters[name]!.origins[$0]! ? "m" : "")" }.joined(separator: ",")
        }.joined(separator: ";")
        if let known = helperWalks[key] { return known }
        guard !inProgress.contains(key), helperWalks.count < OutputFlow.maxHelperWalks else { return .none }
        inProgress.insert(key)
        let result = walk(function, parameters: parameters)
        inProgress.remove(key)
        helperWalks[key] = result
        return result
    }

    // MARK: Walking a function

    private struct ScopeState {
        var names: [String: OutputTaint] = [:]
        /// Outputs a moderation check has seen so far.
        var cleared: Set<Int32> = []
        var allCleared = false
        var inputModeration: Int32?
        var returned = OutputTaint()
        var memo: [Int32: OutputTaint] = [:]
        var handler: OutputSink?
    }

    private func walk(_ scope: Int32, parameters: [String: OutputTaint]) -> OutputTaint {
        guard walkDepth < OutputFlow.maxWalkDepth else { return .none }
        walkDepth += 1
        defer { walkDepth -= 1 }
        var state = ScopeState()
        state.names = parameters
        state.allCleared = moderatedFunctions.contains(scope)
        state.handler = handlers[scope]
        index.forEachNode(in: tree[scope].list1, before: end) { node, n in
            self.visit(node, n, scope: scope, &state)
        }
        return state.returned
    }

    private func visit(_ node: Int32, _ n: Node, scope: Int32, _ state: inout ScopeState) {
        switch n.kind {
        case .assign:
            let value = taint(n.a, &state)
            let replace = index.parent[Int(node)] == scope
            for target in tree.children(n.list1) { bind(target, value, replace: replace, &state) }
        case .annotatedAssign where n.b >= 0:
            bind(n.a, taint(n.b, &state), replace: index.parent[Int(node)] == scope, &state)
        case .augmentedAssign:
            bind(n.a, taint(n.b, &state), replace: false, &state)
        case .walrus:
            bind(n.a, taint(n.b, &state), replace: false, &state)
        case .forLoop:
            bind(n.a, taint(n.b, &state), replace: false, &state)
        case .withItem where n.b >= 0:
            bind(n.b, taint(n.a, &state), replace: false, &state)
        case .call:
            visitCall(node, &state)
        case .returnStatement where n.a >= 0, .yield where n.a >= 0:
            let value = applied(taint(n.a, &state), state)
            state.returned.merge(value)
            if let handler = state.handler, !value.isEmpty, !(tree[n.a].kind == .call && sink(of: n.a) != nil) {
                record(handler, at: n.a, value, state)
            }
        default:
            break
        }
    }

    private func bind(_ target: Int32, _ value: OutputTaint, replace: Bool, _ state: inout ScopeState) {
        let t = tree[target]
        switch t.kind {
        case .name:
            let name = tree.text(ofToken: t.token)
            if replace {
                guard state.names[name] != nil || !value.isEmpty else { return }
                state.names[name] = value.isEmpty ? nil : value
            } else {
                guard !value.isEmpty else { return }
                state.names[name, default: OutputTaint()].merge(value)
            }
            state.memo.removeAll(keepingCapacity: true)
        case .tuple, .list:
            for element in tree.children(t.list1) { bind(element, value, replace: replace, &state) }
        case .starred:
            bind(t.a, value, replace: replace, &state)
        case .subscription:
            // `payload["text"] = reply` fills the container.
            if tree[t.a].kind == .name { bind(t.a, value, replace: false, &state) }
        default:
            break
        }
    }

    /// Methods that put their argument into the object they are called on.
    private static let fillingMethods = NameSet([
        "append", "extend", "insert", "add", "update", "set_content", "add_alternative", "attach", "write", "put",
        "put_nowait", "setdefault", "add_field", "add_content",
    ])

    private func visitCall(_ call: Int32, _ state: inout ScopeState) {
        if isModeration(call) {
            let seen = argumentsTaint(call, &state)
            if seen.isEmpty {
                if state.inputModeration == nil { state.inputModeration = call }
            } else {
                state.cleared.formUnion(seen.origins.keys)
            }
            return
        }
        if sources.contains(call) { return }
        if let sink = sink(of: call) {
            var value = argumentsTaint(call, &state)
            guard !value.isEmpty else { return }
            // A check inside the arguments (`post(text if is_safe(text) else FALLBACK)`).
            var inner: Set<Int32> = []
            for argument in tree.children(tree[call].list1) {
                index.forEachNode(under: argument) { node, n in
                    if n.kind == .call, node != call, self.isModeration(node) {
                        inner.formUnion(self.argumentsTaint(node, &state).origins.keys)
                    }
                }
            }
            value = value.moderating(inner, all: false)
            record(sink, at: call, applied(value, state), state)
            return
        }
        let callee = tree[call].a
        if tree[callee].kind == .attribute, tree[tree[callee].a].kind == .name,
           tree.lastName(of: callee, in: OutputFlow.fillingMethods) {
            let value = argumentsTaint(call, &state)
            if !value.isEmpty { bind(tree[callee].a, value, replace: false, &state) }
            return
        }
        if case .function(let f) = e.value(callee) {
            let parameters = parameterTaints(f, call: call, &state)
            if !parameters.isEmpty { _ = walkHelper(f, parameters: parameters) }
        }
    }

    private func applied(_ value: OutputTaint, _ state: ScopeState) -> OutputTaint {
        value.moderating(state.cleared, all: state.allCleared)
    }

    private func record(_ sink: OutputSink, at node: Int32, _ value: OutputTaint, _ state: ScopeState) {
        for (origin, moderated) in value.origins {
            let key = "\(origin)>\(node)\(moderated ? "m" : "")"
            guard seenUses.insert(key).inserted else { continue }
            uses.append(SinkUse(origin: origin, sink: sink, node: node, moderated: moderated || state.allCleared || state.cleared.contains(origin),
                                inputModeration: state.inputModeration))
        }
    }

    /// The taint of a call's arguments, together.
    private func argumentsTaint(_ call: Int32, _ state: inout ScopeState) -> OutputTaint {
        var result = OutputTaint()
        for argument in tree.children(tree[call].list1) { result.merge(taint(argument, &state)) }
        return result
    }

    /// The parameters of `f` that receive output at this call.
    private func parameterTaints(_ f: Int32, call: Int32, _ state: inout ScopeState) -> [String: OutputTaint] {
        let parameters = tree.children(tree.list3(of: f)).map { tree[$0].token >= 0 ? tree.text(ofToken: tree[$0].token) : "" }
        guard !parameters.isEmpty else { return [:] }
        var offset = 0
        if tree[tree[call].a].kind == .attribute, parameters.first == "self" || parameters.first == "cls" { offset = 1 }
        var result: [String: OutputTaint] = [:]
        let args = e.arguments(of: call)
        for (i, argument) in args.positional.enumerated() where i + offset < parameters.count {
            let value = applied(taint(argument, &state), state)
            if !value.isEmpty { result[parameters[i + offset]] = value }
        }
        for (name, argument) in args.keywords where parameters.contains(name) {
            let value = applied(taint(argument, &state), state)
            if !value.isEmpty { result[name] = value }
        }
        return result
    }

    // MARK: Taint of an expression

    /// Calls whose result says something about their argument without carrying its text.
    private static let opaqueCalls = NameSet([
        "len", "bool", "int", "float", "isinstance", "hash", "id", "type", "print", "startswith", "endswith", "count",
        "find", "rfind", "index", "isdigit", "isalpha", "isnumeric", "isspace", "isupper", "islower", "debug", "info",
        "warning", "warn", "error", "exception", "critical", "log", "write", "writelines", "dump", "sleep", "any", "all",
        "sum", "round", "abs", "ord", "match", "fullmatch", "search",
    ])

    /// Attributes of a response that are metadata, not the generated content.
    private static let metadataAttributes = NameSet([
        "usage", "usage_metadata", "id", "model", "created", "object", "finish_reason", "stop_reason", "status_code",
        "role", "prompt_feedback", "system_fingerprint", "input_tokens", "output_tokens", "total_tokens",
        "prompt_tokens", "completion_tokens", "headers", "elapsed", "ok", "response_metadata", "index", "logprobs",
        "total_token_count", "prompt_token_count", "candidates_token_count",
    ])

    private func taint(_ node: Int32, _ state: inout ScopeState, depth: Int = 0) -> OutputTaint {
        guard node >= 0, depth < OutputFlow.maxDepth else { return .none }
        if let known = state.memo[node] { return known }
        let result = computeTaint(node, &state, depth: depth)
        state.memo[node] = result
        return result
    }

    private func computeTaint(_ node: Int32, _ state: inout ScopeState, depth: Int) -> OutputTaint {
        let n = tree[node]
        let next = depth + 1
        switch n.kind {
        case .name:
            guard !state.names.isEmpty else { return .none }
            return state.names[tree.text(ofToken: n.token)] ?? .none
        case .call:
            if sources.contains(node) { return OutputTaint(origins: [node: false]) }
            if isModeration(node) || sink(of: node) != nil { return .none }
            let callee = n.a
            if case .function(let f) = e.value(callee) {
                var result = summary(of: f)
                let parameters = parameterTaints(f, call: node, &state)
                if !parameters.isEmpty { result.merge(walkHelper(f, parameters: parameters)) }
                return result
            }
            let calleeNode = tree[callee]
            if (calleeNode.kind == .name || calleeNode.kind == .attribute), tree.lastName(of: callee, in: OutputFlow.opaqueCalls) {
                return .none
            }
            var result = calleeNode.kind == .attribute ? taint(calleeNode.a, &state, depth: next) : OutputTaint()
            for argument in tree.children(n.list1) { result.merge(taint(argument, &state, depth: next)) }
            return result
        case .attribute:
            if tree.lastName(of: node, in: OutputFlow.metadataAttributes) { return .none }
            return taint(n.a, &state, depth: next)
        case .subscription:
            return taint(n.a, &state, depth: next)
        case .binary:
            let op = tree.tokens[Int(n.token)]
            switch op.op {
            case .less, .greater, .equal, .notEqual, .lessEqual, .greaterEqual: return .none
            default: break
            }
            if op.isKeyword(.kIn) || op.isKeyword(.kIs) || op.isKeyword(.kNot) { return .none }
            return taint(n.a, &state, depth: next).merged(taint(n.b, &state, depth: next))
        case .unary:
            if tree.tokens[Int(n.token)].isKeyword(.kNot) { return .none }
            return taint(n.a, &state, depth: next)
        case .await, .starred, .doubleStarred, .keywordArgument, .yield:
            return taint(n.a, &state, depth: next)
        case .walrus:
            return taint(n.b, &state, depth: next)
        case .ternary:
            let parts = Array(tree.children(n.list1))
            var result = OutputTaint()
            if let body = parts.first { result.merge(taint(body, &state, depth: next)) }
            if parts.count > 2 { result.merge(taint(parts[2], &state, depth: next)) }
            return result
        case .tuple, .list, .set, .dict, .comprehension:
            var result = OutputTaint()
            for part in tree.children(n.list1) { result.merge(taint(part, &state, depth: next)) }
            return result
        case .string:
            return state.names.isEmpty ? .none : formattedTaint(n, state)
        default:
            return .none
        }
    }

    /// The names used in an f-string's replacement fields, looked up among the tainted ones.
    private func formattedTaint(_ n: Node, _ state: ScopeState) -> OutputTaint {
        var result = OutputTaint()
        var i = n.first
        while i <= n.last {
            let token = tree.tokens[Int(i)]
            i += 1
            guard token.kind == .string, token.stringFlags.contains(.formatted) else { continue }
            let bytes = tree.bytes(ofToken: i - 1)
            var j = 0
            var level = 0
            while j < bytes.count {
                let c = bytes[j]
                if c == 0x7B {
                    if level == 0 && j + 1 < bytes.count && bytes[j + 1] == 0x7B { j += 2; continue }
                    level += 1
                } else if c == 0x7D {
                    level = max(0, level - 1)
                } else if level > 0 && isNameStart(c) && (j == 0 || (bytes[j - 1] != 0x2E && !isNamePart(bytes[j - 1]))) {
                    var k = j
                    while k < bytes.count && isNamePart(bytes[k]) { k += 1 }
                    let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[j..<k]), as: UTF8.self)
                    // `{result.usage.total_tokens}` shows metadata, not the output.
                    var attribute = k + 1
                    while attribute < bytes.count && isNamePart(bytes[attribute]) { attribute += 1 }
                    let isMetadata = k + 1 < bytes.count && bytes[k] == 0x2E
                        && OutputFlow.metadataAttributes.contains(UnsafeBufferPointer(rebasing: bytes[(k + 1)..<attribute]))
                    if !isMetadata, let value = state.names[name] { result.merge(value) }
                    j = k
                    continue
                }
                j += 1
            }
        }
        return result
    }

    private func isNameStart(_ c: UInt8) -> Bool { c == 0x5F || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) }
    private func isNamePart(_ c: UInt8) -> Bool { isNameStart(c) || (c >= 0x30 && c <= 0x39) }

    // MARK: Sinks and checks

    private func imports(_ module: String) -> Bool {
        if let known = importMemo[module] { return known }
        let result = importedPaths.contains { $0 == module || $0.hasPrefix(module + ".") }
        importMemo[module] = result
        return result
    }

    /// A callee's resolved path (call parentheses dropped) and its attribute chain as written.
    private func describe(_ callee: Int32) -> (resolved: String?, text: String) {
        var resolved: String?
        switch e.value(callee) {
        case .symbol(let path), .unbound(let path): resolved = path
        case .client(let c): resolved = specs[c.spec].module + (c.path.isEmpty ? "" : "." + c.path)
        default: break
        }
        return (resolved.map(OutputFlow.withoutCallParentheses), chainText(callee))
    }

    /// `client.comments().analyze` → "client.comments.analyze"; other expressions give "?".
    private func chainText(_ node: Int32) -> String {
        var parts: [String] = []
        var current = node
        for _ in 0..<32 {
            let n = tree[current]
            switch n.kind {
            case .attribute:
                parts.append(tree.text(ofToken: n.token))
                current = n.a
            case .call:
                current = n.a
            case .name:
                parts.append(tree.text(ofToken: n.token))
                return parts.reversed().joined(separator: ".")
            default:
                parts.append("?")
                return parts.reversed().joined(separator: ".")
            }
        }
        return parts.reversed().joined(separator: ".")
    }

    func sink(of call: Int32) -> OutputSink? {
        let callee = tree[call].a
        let named = tree.lastName(of: callee, in: sinkNames), posted = tree.lastName(of: callee, in: OutputFlow.postMethods)
        // Most calls of a module end in another name: they are no sink, and need no memo.
        guard (named || posted) && !sources.contains(call) && !moderatingSites.contains(call) else { return nil }
        if let known = sinkMemo[call] { return known }
        var found: OutputSink?
        let (resolved, text) = describe(callee)
        if named {
            found = sinkPatterns.first { $0.0.kind == .call && $0.1.matches(resolved: resolved, text: text, imports: imports) }?.0
        }
        if found == nil, posted, let (url, urlNode, _) = HTTPCalls.post(call, evaluator: e) {
            let written = (url ?? "").lowercased() + " " + tree.sourceText(of: urlNode).lowercased()
            found = sinkPatterns.first { $0.0.kind == .webhookURL && written.contains($0.0.pattern.lowercased()) }?.0
        }
        sinkMemo[call] = found
        return found
    }

    func isModeration(_ call: Int32) -> Bool {
        if moderatingSites.contains(call) { return true }
        // Most calls of a module end in another name: they are no check, and need no memo.
        guard !sources.contains(call), tree.lastName(of: tree[call].a, in: moderationNames) else { return false }
        if let known = moderationMemo[call] { return known }
        let (resolved, text) = describe(tree[call].a)
        let result = moderationPatterns.contains { $0.0.kind == .call && $0.1.matches(resolved: resolved, text: text, imports: imports) }
        moderationMemo[call] = result
        return result
    }

    // MARK: Which AI calls make output

    /// Whether an AI call's path is a moderation check's (`openai.moderations.create`).
    private static func isModeratingPath(_ path: String?, patterns: [(ModerationCheck, CalleePattern)]) -> Bool {
        patterns.contains { $0.0.kind == .call && $0.1.matches(resolved: path, text: "", imports: { _ in false }) }
    }

    /// Whether an AI call names a guard model (`model="meta-llama/Llama-Guard-3-8B"`), which makes
    /// it a moderation check.
    private static func namesGuardModel(_ call: Int32, evaluator e: Evaluator) -> Bool {
        guard let model = e.keywordArgument("model", of: call).flatMap({ e.string($0) })
                ?? e.keywordArgument("model_id", of: call).flatMap({ e.string($0) }) else { return false }
        return containsIgnoringASCIICase(model, guardMarker)
    }
    private static let guardMarker = Array(ModerationCheck.guardModelMarker.utf8)

    /// `text` contains `word` (ASCII letters in any case), compared byte by byte.
    private static func containsIgnoringASCIICase(_ text: String, _ wanted: [UInt8]) -> Bool {
        guard !wanted.isEmpty else { return true }
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= wanted.count else { return false }
            outer: for start in 0...(bytes.count - wanted.count) {
                for i in 0..<wanted.count where lowerASCII(bytes[start + i]) != lowerASCII(wanted[i]) { continue outer }
                return true
            }
            return false
        }
    }

    @inline(__always) private static func lowerASCII(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    /// Call-path segments of AI calls whose result is not generated content.
    private static let nonGenerativeSegments: Set<String> = [
        "embeddings", "embed", "embed_content", "embed_documents", "embed_query", "aembed_documents", "aembed_query",
        "embedding", "aembedding", "Embedding", "Embeddings", "count_tokens", "count_tokens_async", "compute_tokens",
        "moderations", "Moderation", "moderation", "amoderation", "classifiers", "classify", "rerank", "arerank",
        "tokenize", "files", "uploads", "upload", "upload_file", "batches", "batch", "create_batch", "acreate_batch",
        "create_file", "acreate_file", "fine_tuning", "FineTune", "FineTuningJob", "File", "caches", "apply_guardrail",
        "feature_extraction", "sentence_similarity", "get_embedding", "get_embeddings", "aget_embedding",
        "aget_embeddings", "multimodal_embed", "contextualized_embed", "embed_jobs", "datasets", "count_message_tokens",
        "count_text_tokens", "generate_embeddings", "trainings",
    ]

    private static func isGenerative(_ path: String?, isHTTP: Bool) -> Bool {
        guard let path else { return true }
        if isHTTP {
            let lower = path.lowercased()
            return !lower.contains("embedding") && !lower.contains("moderation")
        }
        return !path.split(separator: ".").contains { nonGenerativeSegments.contains(String($0)) }
    }

    /// The dotted path an AI call calls (`openai.chat.completions.create`), or its URL for raw HTTP.
    static func calledPath(_ site: AICallSite, evaluator e: Evaluator) -> String? {
        if site.isHTTP { return HTTPCalls.post(site.call, evaluator: e)?.url }
        switch e.value(site.callee) {
        case .symbol(let path): return withoutCallParentheses(path)
        case .client(let c): return withoutCallParentheses(e.specs.specs[c.spec].module + (c.path.isEmpty ? "" : "." + c.path))
        default: return nil
        }
    }

    /// A resolved path with its call parentheses dropped (`a().b` → `a.b`); the path itself when
    /// it has none, without building a new string.
    static func withoutCallParentheses(_ path: String) -> String {
        guard path.utf8.contains(UInt8(ascii: "(")) else { return path }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        var previous: UInt8 = 0
        for c in path.utf8 {
            if c == UInt8(ascii: ")") && previous == UInt8(ascii: "(") {
                bytes.removeLast()
                previous = 0
                continue
            }
            bytes.append(c)
            previous = c
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
