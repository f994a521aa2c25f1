/// What the retry libraries' decorators and loops do: backoff, tenacity, stamina, retrying and
/// retry (invl). Reading a decorator's arguments gives a `RetryGuard`: do its waits grow, does it
/// stop, which exceptions does it retry.
enum RetryLibraries {
    /// tenacity waits that grow between attempts.
    static let growingTenacityWaits: Set<String> = [
        "wait_exponential", "wait_random_exponential", "wait_full_jitter", "wait_exponential_jitter",
        "wait_incrementing", "wait_chain",
    ]
    static let constantTenacityWaits: Set<String> = ["wait_fixed", "wait_random", "wait_none"]

    /// The retry guard made by calling `path` with `call`'s arguments, if `path` is a retry
    /// decorator factory, a `Retrying` class or `retry_context`.
    static func retryGuard(for path: String, call: Int32, evaluator e: Evaluator) -> RetryGuard? {
        let parts = path.split(separator: ".").map(String.init)
        guard let library = parts.first, let last = parts.last else { return nil }
        let args = e.arguments(of: call)
        switch (library, last) {
        case ("tenacity", "retry"), ("tenacity", "Retrying"), ("tenacity", "AsyncRetrying"):
            return tenacity(args, anchor: call, e)
        case ("backoff", "on_exception"), ("backoff", "on_predicate"):
            return backoff(args, anchor: call, onException: last == "on_exception", e)
        case ("stamina", "retry"), ("stamina", "retry_context"):
            let attempts = args.keyword("attempts")
            let timeout = args.keyword("timeout")
            let unbounded = attempts.map { e.value($0) == .none } ?? false && timeout.map { e.value($0) == .none } ?? false
            let on = args.keyword("on") ?? args.positional.first
            return RetryGuard(anchor: call, library: "stamina", growth: .growing, bounded: !unbounded,
                              unboundedDetail: "stamina with attempts=None and timeout=None never stops",
                              exceptions: on.map { exceptionList($0, e) })
        case ("retrying", "retry"), ("retrying", "Retrying"):
            return retrying(args, anchor: call, e)
        case ("retry", "retry"):
            return invlRetry(args, anchor: call, e)
        default:
            // A tenacity-style `retry(...)` whose import the checker did not see (a notebook cell).
            if parts.count == 1, last == "retry", args.keyword("wait") != nil || args.keyword("stop") != nil {
                return tenacity(args, anchor: call, e)
            }
            return nil
        }
    }

    /// The guard of a retry decorator written without a call (`@retry`, `@tenacity.retry`).
    static func bareDecorator(_ path: String, anchor: Int32) -> RetryGuard? {
        let library: String
        switch path {
        case "tenacity.retry": library = "tenacity"
        case "retrying.retry": library = "retrying"
        case "retry.retry": library = "retry"
        default: return nil
        }
        return RetryGuard(anchor: anchor, library: library, growth: .constant,
                          constantDetail: "a bare @retry from \(library) retries at once, without waiting",
                          bounded: false, unboundedDetail: "a bare @retry from \(library) never stops")
    }

    private static func tenacity(_ args: CallArguments, anchor: Int32, _ e: Evaluator) -> RetryGuard {
        var guardian = RetryGuard(anchor: anchor, library: "tenacity", growth: .constant, bounded: true)
        if let wait = args.keyword("wait") {
            let (growth, detail) = tenacityWait(wait, e, depth: 0)
            guardian.growth = growth
            guardian.constantDetail = detail
        } else {
            guardian.constantDetail = "tenacity without wait= retries at once"
        }
        if let stop = args.keyword("stop") {
            if case .symbol(let p) = e.value(stop), p.hasSuffix("stop_never") { guardian.bounded = false }
        } else {
            guardian.bounded = false
        }
        guardian.unboundedDetail = "tenacity without stop= retries forever"
        if let predicate = args.keyword("retry") { guardian.exceptions = tenacityExceptions(predicate, e) }
        return guardian
    }

    /// The name a wait expression calls: `wait_exponential` for `tenacity.wait_exponential(…)`.
    private static func calledName(_ node: Int32, _ e: Evaluator) -> String? {
        let n = e.tree[node]
        if n.kind == .call {
            switch e.value(n.a) {
            case .symbol(let p), .unbound(let p): return String(p.split(separator: ".").last ?? "")
            default: return nil
            }
        }
        if case .symbol(let p) = e.value(node), p.hasSuffix("()") {
            return String(p.dropLast(2).split(separator: ".").last ?? "")
        }
        return nil
    }

    private static func tenacityWait(_ node: Int32, _ e: Evaluator, depth: Int) -> (Growth, String) {
        guard depth < 8 else { return (.growing, "") }
        let n = e.tree[node]
        if n.kind == .binary {
            let left = tenacityWait(n.a, e, depth: depth + 1)
            let right = tenacityWait(n.b, e, depth: depth + 1)
            return left.0 >= right.0 ? left : right
        }
        if n.kind == .name, let bound = e.boundExpression(node) { return tenacityWait(bound, e, depth: depth + 1) }
        guard let name = calledName(node, e) else { return (.growing, "") }
        if growingTenacityWaits.contains(name) { return (.growing, "") }
        if constantTenacityWaits.contains(name) {
            return (.constant, name == "wait_none" ? "wait_none() retries at once" : "\(name)(…) waits the same time before every attempt")
        }
        if name == "wait_combine" {
            let parts = e.arguments(of: node).positional.map { tenacityWait($0, e, depth: depth + 1) }
            return parts.max { $0.0 < $1.0 } ?? (.growing, "")
        }
        return (.growing, "")
    }

    /// The exceptions a tenacity `retry=` predicate retries; nil for "any exception".
    private static func tenacityExceptions(_ node: Int32, _ e: Evaluator) -> [Int32]? {
        let n = e.tree[node]
        if n.kind == .binary {
            guard let left = tenacityExceptions(n.a, e), let right = tenacityExceptions(n.b, e) else { return nil }
            return left + right
        }
        guard n.kind == .call, calledName(node, e) == "retry_if_exception_type" else { return nil }
        let args = e.arguments(of: node)
        guard let first = args.positional.first ?? args.keyword("exception_types") else { return nil }
        return exceptionList(first, e)
    }

    /// An exception expression as a list: the items of a tuple, or the one expression.
    static func exceptionList(_ node: Int32, _ e: Evaluator) -> [Int32] {
        var node = node
        if e.tree[node].kind == .name, let bound = e.boundExpression(node), e.tree[bound].kind == .tuple || e.tree[bound].kind == .list {
            node = bound
        }
        let n = e.tree[node]
        if n.kind == .tuple || n.kind == .list { return Array(e.tree.children(n.list1)) }
        return [node]
    }

    private static func backoff(_ args: CallArguments, anchor: Int32, onException: Bool, _ e: Evaluator) -> RetryGuard {
        var guardian = RetryGuard(anchor: anchor, library: "backoff", growth: .growing, bounded: true)
        if let wait = args.keyword("wait_gen") ?? args.positional.first, case .symbol(let p) = e.value(wait) {
            if p == "backoff.constant" {
                guardian.growth = .constant
                guardian.constantDetail = "backoff.constant waits the same time before every attempt"
            }
        }
        let hasLimit = [args.keyword("max_tries"), args.keyword("max_time")].contains { $0 != nil && e.value($0!) != .none }
        guardian.bounded = hasLimit
        guardian.unboundedDetail = "backoff without max_tries or max_time retries forever"
        if onException, let exception = args.keyword("exception") ?? (args.positional.count > 1 ? args.positional[1] : nil) {
            guardian.exceptions = exceptionList(exception, e)
        }
        return guardian
    }

    private static func retrying(_ args: CallArguments, anchor: Int32, _ e: Evaluator) -> RetryGuard {
        var guardian = RetryGuard(anchor: anchor, library: "retrying", growth: .constant, bounded: false)
        let names = Set(args.keywords.map(\.name))
        if !names.isDisjoint(with: ["wait_exponential_multiplier", "wait_exponential_max", "wait_incrementing_start",
                                    "wait_incrementing_increment", "wait_func"]) {
            guardian.growth = .growing
        } else if !names.isDisjoint(with: ["wait_fixed", "wait_random_min", "wait_random_max"]) {
            guardian.constantDetail = "retrying's wait_fixed/wait_random wait the same time before every attempt"
        } else {
            guardian.constantDetail = "retrying without a wait_ option retries at once"
        }
        guardian.bounded = !names.isDisjoint(with: ["stop_max_attempt_number", "stop_max_delay", "stop_func", "stop"])
        guardian.unboundedDetail = "retrying without stop_max_attempt_number or stop_max_delay retries forever"
        return guardian
    }

    /// invl's `retry(exceptions=Exception, tries=-1, delay=0, max_delay=None, backoff=1, jitter=0)`.
    private static func invlRetry(_ args: CallArguments, anchor: Int32, _ e: Evaluator) -> RetryGuard {
        func argument(_ name: String, _ position: Int) -> Int32? {
            args.keyword(name) ?? (args.positional.count > position ? args.positional[position] : nil)
        }
        var guardian = RetryGuard(anchor: anchor, library: "retry", growth: .growing, bounded: true)
        let delay = argument("delay", 2).map { e.number($0) ?? 1 } ?? 0
        let factor = argument("backoff", 4).map { e.number($0) ?? 2 } ?? 1
        if delay <= 0 {
            guardian.growth = .constant
            guardian.constantDetail = "retry() without delay= retries at once"
        } else if factor <= 1 {
            guardian.growth = .constant
            guardian.constantDetail = "retry(delay=…) with backoff=1 waits the same time before every attempt"
        }
        let tries = argument("tries", 1).map { e.number($0) ?? 1 } ?? -1
        guardian.bounded = tries >= 0
        guardian.unboundedDetail = "retry() without tries= retries forever"
        if let exceptions = argument("exceptions", 0) { guardian.exceptions = exceptionList(exceptions, e) }
        return guardian
    }
}

/// Retry configurations handed to SDK clients and calls: google-genai `HttpRetryOptions`,
/// mistralai `RetryConfig`, botocore `Config(retries=…)`, google.api_core `Retry`, litellm's
/// `retry_strategy`, and count settings inside option dicts.
enum RetryConfigurations {
    struct Setting {
        var growing: Bool
        var disables: Bool
        var detail: String
    }

    /// Option names under which a retry configuration nests.
    private static let nestingKeys: Set<String> = ["http_options", "retry_options", "retry", "retries", "retry_config", "request_options"]
    private static let countKeys: Set<String> = ["max_retries", "max_attempts", "total_max_attempts", "attempts", "num_retries"]

    static func inspect(_ node: Int32, evaluator e: Evaluator, depth: Int = 0) -> Setting? {
        guard depth < 8, node >= 0 else { return nil }
        let n = e.tree[node]
        switch n.kind {
        case .name:
            if let bound = e.boundExpression(node) { return inspect(bound, evaluator: e, depth: depth + 1) }
            return nil
        case .string:
            // litellm's retry_strategy="exponential_backoff_retry".
            let text = e.stringText(node)
            return Setting(growing: text.contains("exponential"), disables: false, detail: "retry_strategy=\"\(text)\"")
        case .dict:
            let items = Array(e.tree.children(n.list1))
            var i = 0
            while i + 1 < items.count {
                if e.tree[items[i]].kind == .doubleStarred { i += 1; continue }
                if let key = e.string(items[i]), let found = entry(key, items[i + 1], e, depth: depth) { return found }
                i += 2
            }
            return nil
        case .call:
            let args = e.arguments(of: node)
            let name: String
            switch e.value(n.a) {
            case .symbol(let p), .unbound(let p): name = String(p.split(separator: ".").last ?? "")
            default: name = ""
            }
            switch name {
            case "HttpRetryOptions":
                if let attempts = args.keyword("attempts"), let count = e.number(attempts), count <= 1 {
                    return Setting(growing: false, disables: true, detail: "HttpRetryOptions(attempts=\(Int(count)))")
                }
                return Setting(growing: true, disables: false, detail: "HttpRetryOptions")
            case "RetryConfig":
                if let strategy = args.positional.first ?? args.keyword("strategy"), e.string(strategy) == "none" {
                    return Setting(growing: false, disables: true, detail: "RetryConfig(\"none\")")
                }
                return Setting(growing: true, disables: false, detail: "RetryConfig")
            case "Retry", "AsyncRetry":
                return Setting(growing: true, disables: false, detail: "Retry")
            default:
                for (key, value) in args.keywords {
                    if let found = entry(key, value, e, depth: depth) { return found }
                }
                return nil
            }
        default:
            return nil
        }
    }

    private static func entry(_ key: String, _ value: Int32, _ e: Evaluator, depth: Int) -> Setting? {
        if countKeys.contains(key), let count = e.number(value) {
            let floor: Double = key == "total_max_attempts" || key == "attempts" ? 1 : 0
            return Setting(growing: true, disables: count <= floor, detail: "\(key)=\(Int(count))")
        }
        if nestingKeys.contains(key) { return inspect(value, evaluator: e, depth: depth + 1) }
        return nil
    }
}
