/// What retries a call site: the retry guards found around it and the best growth among them.
struct Protection {
    var growth: Growth = .none
    var guards: [RetryGuard] = []
    /// The exception of a retry that was not counted because it does not catch the SDK's 429.
    var wrongException: String?

    mutating func add(_ guardian: RetryGuard) {
        guards.append(guardian)
        growth = max(growth, guardian.growth)
    }
}

/// Which exceptions a call's 429 surfaces as, for matching `except` clauses and decorators.
struct RateLimitErrors: Hashable {
    var names: [String]
    var label: String

    static let http = RateLimitErrors(
        names: ["HTTPError", "HTTPStatusError", "ClientResponseError", "RequestException", "RequestError", "ClientError"],
        label: "raw HTTP")

    /// Exceptions that catch everything.
    static let broad: Set<String> = ["Exception", "BaseException"]
}

/// Finds the retries around call sites: decorators of enclosing functions (written or applied by
/// call), `Retrying`/`retry_context` loops, hand-written loops that sleep in their handler, and
/// callers of a helper function when every call of it is protected.
final class ProtectionAnalysis {
    private let e: Evaluator
    private let extraDecorators: [String]
    private var tree: SyntaxTree { e.tree }
    private var index: ModuleIndex { e.index }
    private var callerMemo: [FunctionKey: Protection] = [:]
    private var inProgress: Set<FunctionKey> = []

    private struct FunctionKey: Hashable {
        var function: Int32
        var errors: RateLimitErrors
    }

    /// How many helper levels are followed upwards.
    private static let maxHelperDepth = 24

    static let sleepFunctions: Set<String> = [
        "time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep", "eventlet.sleep",
    ]

    /// Exception names from these roots are known: one that is not a rate-limit error is wrong.
    private static let knownRoots: Set<String> = [
        "openai", "anthropic", "groq", "together", "mistralai", "cohere", "google", "huggingface_hub", "replicate",
        "boto3", "botocore", "litellm", "langchain", "langchain_core", "llama_index", "requests", "httpx", "aiohttp",
        "urllib3", "tenacity", "builtins", "json", "asyncio", "concurrent", "socket", "ssl",
    ]
    private static let builtinExceptions: Set<String> = [
        "ValueError", "KeyError", "TypeError", "RuntimeError", "TimeoutError", "ConnectionError", "OSError", "IOError",
        "AttributeError", "IndexError", "LookupError", "ArithmeticError", "ZeroDivisionError", "NotImplementedError",
        "StopIteration", "AssertionError", "ImportError", "ModuleNotFoundError", "PermissionError", "FileNotFoundError",
        "UnicodeDecodeError", "UnicodeError", "KeyboardInterrupt", "SystemExit", "ConnectionResetError",
        "ConnectionRefusedError", "BrokenPipeError", "InterruptedError", "RecursionError", "OverflowError",
    ]

    init(evaluator: Evaluator, extraDecorators: [String]) {
        e = evaluator
        self.extraDecorators = extraDecorators
    }

    // MARK: Exceptions

    /// The dotted name of an exception expression, resolved through imports.
    func exceptionName(_ node: Int32) -> String {
        switch e.value(node) {
        case .symbol(let p), .unbound(let p): return p
        default: return tree.sourceText(of: node)
        }
    }

    /// Whether exceptions (nil: any) catch the 429; when not, the name that misses it.
    func catches(_ exceptions: [Int32]?, _ errors: RateLimitErrors, strictly: Bool = false) -> (Bool, String?) {
        guard let exceptions else { return (true, nil) }
        var missed: String?
        for node in exceptions {
            let name = exceptionName(node)
            let parts = name.split(separator: ".").map(String.init)
            let last = parts.last ?? name
            if RateLimitErrors.broad.contains(last) || errors.names.contains(last) { return (true, nil) }
            let isUnbound: Bool
            if case .unbound = e.value(node) { isUnbound = true } else { isUnbound = false }
            let known = isUnbound ? ProtectionAnalysis.builtinExceptions.contains(name) : ProtectionAnalysis.knownRoots.contains(parts.first ?? "")
            if !known && !strictly { return (true, nil) }
            missed = missed ?? last
        }
        return (false, missed)
    }

    private func handlerTypes(_ handler: Node) -> [Int32]? {
        handler.a < 0 ? nil : RetryLibraries.exceptionList(handler.a, e)
    }

    // MARK: Protection of a site

    func protection(of site: Int32, errors: RateLimitErrors, isHTTP: Bool, depth: Int = 0) -> Protection {
        var result = Protection()
        var child = site
        var node = index.parent[Int(site)]
        var tries: [Int32] = []
        var crossedFunction = false
        var innermost: Int32?
        while node >= 0 {
            let n = tree[node]
            switch n.kind {
            case .tryStatement where !crossedFunction:
                if index.list(n.list1, contains: child) { tries.append(node) }
            case .forLoop where !crossedFunction, .whileLoop where !crossedFunction:
                guard index.list(n.list1, contains: child) else { break }
                if n.kind == .forLoop, case .retrying(var g) = e.value(n.b) {
                    g.anchor = n.b
                    count(g, errors, into: &result)
                }
                if let g = handwrittenRetry(loop: node, tries: tries, errors: errors, isHTTP: isHTTP, wrong: &result.wrongException) {
                    result.add(g)
                }
            case .function:
                if innermost == nil { innermost = node }
                crossedFunction = true
                for g in decoratorGuards(of: node) { count(g, errors, into: &result) }
            case .lambda:
                crossedFunction = true
            default:
                break
            }
            child = node
            node = index.parent[Int(node)]
        }
        if result.growth < .growing, let innermost, depth < ProtectionAnalysis.maxHelperDepth {
            let callers = callerProtection(of: innermost, errors: errors, isHTTP: isHTTP, depth: depth + 1)
            if callers.growth > result.growth {
                result.growth = callers.growth
                result.guards += callers.guards
            }
            result.wrongException = result.wrongException ?? callers.wrongException
        }
        return result
    }

    private func count(_ g: RetryGuard, _ errors: RateLimitErrors, into result: inout Protection) {
        let (caught, missed) = catches(g.exceptions, errors)
        if caught { result.add(g) } else { result.wrongException = result.wrongException ?? missed }
    }

    /// Retry decorators on a function: written (`@retry(...)`, `@llm_retry`) or applied by call
    /// (`fn = retry(...)(fn)`).
    func decoratorGuards(of function: Int32) -> [RetryGuard] {
        var guards: [RetryGuard] = []
        for decorator in tree.children(tree.list2(of: function)) {
            if let g = decoratorGuard(decorator) { guards.append(g) }
        }
        for reference in references(to: function) {
            let parentNode = index.parent[Int(reference)]
            guard parentNode >= 0, tree[parentNode].kind == .call, tree[parentNode].a != reference,
                  case .retrying(var g) = e.value(tree[parentNode].a) else { continue }
            g.anchor = tree[parentNode].a
            guards.append(g)
        }
        return guards
    }

    private func decoratorGuard(_ decorator: Int32) -> RetryGuard? {
        let d = tree[decorator]
        let written = tree.sourceText(of: d.kind == .call ? d.a : decorator)
        let value = e.value(decorator)
        var qualified = ""
        if case .symbol(let p) = e.value(d.kind == .call ? d.a : decorator) { qualified = p }
        for name in extraDecorators where !name.isEmpty {
            if written == name || written.hasSuffix("." + name) || name.hasSuffix("." + written) || qualified == name || qualified.hasSuffix("." + name) {
                return RetryGuard(anchor: decorator, library: name, growth: .growing, bounded: true)
            }
        }
        switch value {
        case .retrying(var g):
            g.anchor = decorator
            return g
        case .symbol(let path):
            return RetryLibraries.bareDecorator(path, anchor: decorator)
        default:
            return nil
        }
    }

    // MARK: Helpers and their callers

    /// Name and attribute nodes that refer to a function (its calls and other uses), excluding
    /// assignment targets.
    private func references(to function: Int32) -> [Int32] {
        let f = tree[function]
        guard f.token >= 0 else { return [] }
        let name = tree.text(ofToken: f.token)
        var result: [Int32] = []
        let definingScope = index.scope[Int(function)]
        if tree[definingScope].kind == .classDef {
            for attribute in index.attributesByText[name] ?? [] {
                switch e.value(tree[attribute].a) {
                case .instance(let c), .classDef(let c):
                    if c == definingScope { result.append(attribute) }
                default:
                    break
                }
            }
            return result
        }
        for use in index.namesByText[name] ?? [] where !isAssignmentTarget(use) {
            if case .function(let f) = e.value(use), f == function { result.append(use) }
        }
        return result
    }

    private func isAssignmentTarget(_ node: Int32) -> Bool {
        let p = index.parent[Int(node)]
        guard p >= 0 else { return false }
        let n = tree[p]
        switch n.kind {
        case .assign: return index.list(n.list1, contains: node)
        case .augmentedAssign, .annotatedAssign: return n.a == node
        case .forLoop: return n.a == node
        case .global, .nonlocal: return true
        default: return false
        }
    }

    /// A helper is protected when every use of it is a call, and every call is protected.
    private func callerProtection(of function: Int32, errors: RateLimitErrors, isHTTP: Bool, depth: Int) -> Protection {
        let key = FunctionKey(function: function, errors: errors)
        if let known = callerMemo[key] { return known }
        guard !inProgress.contains(key) else { return Protection() }
        inProgress.insert(key)
        defer { inProgress.remove(key) }
        var combined: Protection?
        for reference in references(to: function) {
            let p = index.parent[Int(reference)]
            guard p >= 0, tree[p].kind == .call else { combined = Protection(); break }
            if tree[p].a != reference {
                // Passed to a retry wrapper: that is a decoration, not a caller.
                if case .retrying = e.value(tree[p].a) { continue }
                combined = Protection()
                break
            }
            let site = protection(of: p, errors: errors, isHTTP: isHTTP, depth: depth)
            if var c = combined {
                c.growth = min(c.growth, site.growth)
                c.guards += site.guards
                c.wrongException = c.wrongException ?? site.wrongException
                combined = c
            } else {
                combined = site
            }
            if combined?.growth == Growth.none { break }
        }
        let result = combined ?? Protection()
        callerMemo[key] = result
        return result
    }

    // MARK: Hand-written loops

    /// A loop around the call that sleeps after catching the 429 (or, for raw HTTP, anywhere in
    /// its body) is a hand-written retry; how its wait grows decides what kind.
    private func handwrittenRetry(loop: Int32, tries: [Int32], errors: RateLimitErrors, isHTTP: Bool, wrong: inout String?) -> RetryGuard? {
        let l = tree[loop]
        var sleeps: [Int32] = []
        var exits = false
        var caught = false
        let tryBodies = Set(tries.flatMap { tree.children(tree[$0].list1) })
        for t in tries {
            for handler in tree.children(tree.list2(of: t)) {
                let h = tree[handler]
                let (ok, missed) = catches(handlerTypes(h), errors)
                guard ok else { wrong = wrong ?? missed; continue }
                caught = true
                index.forEachNode(in: h.list1) { node, n in
                    if n.kind == .call && self.isSleep(node) { sleeps.append(node) }
                    if n.kind == .raiseStatement || n.kind == .breakStatement || n.kind == .returnStatement { exits = true }
                }
            }
        }
        if caught || isHTTP {
            // Sleeps in the loop body after the try (a handler that falls through reaches them).
            index.forEachNode(in: l.list1) { node, n in
                guard !self.isInside(node, anyOf: tryBodies, below: loop) else { return }
                if n.kind == .call && self.isSleep(node) && !sleeps.contains(node) { sleeps.append(node) }
                if isHTTP && (n.kind == .raiseStatement || n.kind == .breakStatement) { exits = true }
            }
        }
        guard !sleeps.isEmpty else { return nil }
        var best: (DelayGrowth, Int32) = (.constant, sleeps[0])
        for sleep in sleeps {
            guard let argument = e.arguments(of: sleep).positional.first ?? e.arguments(of: sleep).keyword("seconds") ?? e.arguments(of: sleep).keyword("delay") else { continue }
            let growth = delayGrowth(argument, loop: loop, depth: 0)
            if growth.rawValue > best.0.rawValue { best = (growth, sleep) }
        }
        var guardian = RetryGuard(anchor: best.1, library: "loop", growth: .growing, bounded: true)
        switch best.0 {
        case .growing, .unknown:
            break
        case .linear:
            guardian.growth = .constant
            guardian.constantDetail = "the wait grows only linearly with the attempt"
        case .constant:
            guardian.growth = .constant
            guardian.constantDetail = "`\(tree.sourceText(of: best.1))` waits the same time before every attempt"
        }
        if l.kind == .whileLoop {
            let test = e.value(l.a)
            if case .number(let x) = test, x != 0, !exits {
                guardian.bounded = false
                guardian.unboundedDetail = "`while \(tree.sourceText(of: l.a))` retries until the call succeeds, with no limit"
                guardian.loopAnchor = loop
            }
        } else if case .symbol(let p) = e.value(l.b), p.hasSuffix("count()") {
            guardian.bounded = false
            guardian.unboundedDetail = "looping over itertools.count() retries forever"
            guardian.loopAnchor = loop
        }
        return guardian
    }

    func isSleep(_ call: Int32) -> Bool {
        switch e.value(tree[call].a) {
        case .symbol(let p): return ProtectionAnalysis.sleepFunctions.contains(p)
        case .unbound(let p): return p == "sleep"
        default: return false
        }
    }

    /// Whether `node` lies under one of `statements`, looking up no further than `limit`.
    func isInside(_ node: Int32, anyOf statements: Set<Int32>, below limit: Int32) -> Bool {
        guard !statements.isEmpty else { return false }
        var n = node
        while n >= 0 && n != limit {
            if statements.contains(n) { return true }
            n = index.parent[Int(n)]
        }
        return false
    }

    /// How a delay expression grows over the iterations of `loop`.
    enum DelayGrowth: Int { case constant = 0, linear = 1, unknown = 2, growing = 3 }

    private func delayGrowth(_ node: Int32, loop: Int32, depth: Int) -> DelayGrowth {
        guard depth < 8, node >= 0 else { return .unknown }
        let n = tree[node]
        func combined(_ parts: [Int32]) -> DelayGrowth {
            parts.map { delayGrowth($0, loop: loop, depth: depth + 1) }.max { $0.rawValue < $1.rawValue } ?? .constant
        }
        switch n.kind {
        case .number, .constant:
            return .constant
        case .unary:
            return delayGrowth(n.a, loop: loop, depth: depth + 1)
        case .ternary:
            return combined(Array(tree.children(n.list1)))
        case .binary:
            let op = tree.tokens[Int(n.token)].op
            if op == .doubleStar || op == .lshift { return .growing }
            let l = delayGrowth(n.a, loop: loop, depth: depth + 1)
            let r = delayGrowth(n.b, loop: loop, depth: depth + 1)
            if op == .star && l == .linear && r == .linear { return .growing }
            return l.rawValue >= r.rawValue ? l : r
        case .call:
            let name: String
            switch e.value(n.a) {
            case .symbol(let p), .unbound(let p): name = String(p.split(separator: ".").last ?? "")
            default: return .unknown
            }
            switch name {
            case "pow", "exp", "expovariate", "ldexp": return .growing
            case "min", "max", "int", "float", "round", "abs", "uniform", "randint", "random", "gauss", "triangular", "ceil", "floor":
                return combined(e.arguments(of: node).positional)
            default:
                return .unknown
            }
        case .name, .attribute:
            let text = tree.sourceText(of: node)
            if n.kind == .name, isLoopTarget(text, loop) { return .linear }
            switch update(of: text, in: loop) {
            case .multiplied: return .growing
            case .added: return .linear
            case .none: break
            }
            if n.kind == .name, let bound = e.boundExpression(node), bound != node {
                return delayGrowth(bound, loop: loop, depth: depth + 1)
            }
            if case .number = e.value(node) { return .constant }
            return .unknown
        default:
            return .unknown
        }
    }

    private func isLoopTarget(_ name: String, _ loop: Int32) -> Bool {
        let l = tree[loop]
        guard l.kind == .forLoop, l.a >= 0 else { return false }
        var found = false
        index.forEachNode(under: l.a) { node, n in
            if n.kind == .name && self.tree.text(ofToken: n.token) == name { found = true }
        }
        return found
    }

    private enum Update { case multiplied, added, none }

    /// How `text` (a name or `self.x`) is reassigned inside the loop.
    private func update(of text: String, in loop: Int32) -> Update {
        var result = Update.none
        index.forEachNode(in: tree[loop].list1) { _, n in
            switch n.kind {
            case .augmentedAssign where self.tree.sourceText(of: n.a) == text:
                switch self.tree.tokens[Int(n.token)].op {
                case .starAssign, .doubleStarAssign, .lshiftAssign: result = .multiplied
                case .plusAssign: if result == .none { result = .added }
                default: break
                }
            case .assign where self.tree.children(n.list1).contains { self.tree.sourceText(of: $0) == text }:
                var mentions = false
                var multiplies = false
                self.index.forEachNode(under: n.a) { child, c in
                    if (c.kind == .name || c.kind == .attribute) && self.tree.sourceText(of: child) == text { mentions = true }
                    if c.kind == .binary, [.star, .doubleStar, .lshift].contains(self.tree.tokens[Int(c.token)].op) { multiplies = true }
                }
                if mentions && multiplies { result = .multiplied } else if mentions && result == .none { result = .added }
            default:
                break
            }
        }
        return result
    }

    // MARK: Swallowed rate limits

    /// `except` clauses around the call, in the nearest loop, that catch the 429 and go on
    /// without waiting or leaving the loop.
    func swallowingHandlers(of site: Int32, errors: RateLimitErrors) -> [Int32] {
        var child = site
        var node = index.parent[Int(site)]
        var tries: [Int32] = []
        while node >= 0 {
            let n = tree[node]
            switch n.kind {
            case .tryStatement:
                if index.list(n.list1, contains: child) { tries.append(node) }
            case .forLoop, .whileLoop:
                guard index.list(n.list1, contains: child) else { break }
                return handlers(swallowingIn: node, tries: tries, errors: errors)
            case .function, .lambda, .classDef:
                return []
            default:
                break
            }
            child = node
            node = index.parent[Int(node)]
        }
        return []
    }

    private func handlers(swallowingIn loop: Int32, tries: [Int32], errors: RateLimitErrors) -> [Int32] {
        var result: [Int32] = []
        let tryBodies = Set(tries.flatMap { tree.children(tree[$0].list1) })
        var sleepsAfter = false
        index.forEachNode(in: tree[loop].list1) { node, n in
            if n.kind == .call && self.isSleep(node) && !self.isInside(node, anyOf: tryBodies, below: loop) { sleepsAfter = true }
        }
        for t in tries {
            for handler in tree.children(tree.list2(of: t)) {
                let h = tree[handler]
                guard catches(handlerTypes(h), errors, strictly: true).0 else { continue }
                var sleeps = false
                var leaves = false
                var continues = false
                index.forEachNode(in: h.list1) { node, n in
                    if n.kind == .call && self.isSleep(node) { sleeps = true }
                    if n.kind == .raiseStatement || n.kind == .returnStatement || n.kind == .breakStatement { leaves = true }
                    if n.kind == .continueStatement { continues = true }
                }
                if !sleeps && !leaves && (continues || !sleepsAfter) { result.append(handler) }
            }
        }
        return result
    }
}
