/// Raw HTTP calls to AI APIs: requests, httpx and aiohttp, their sessions, the URL a POST goes
/// to, and urllib3 `Retry` mounted on a requests session.
enum HTTPCalls {
    /// A session made by calling `path`, if `path` makes one.
    static func session(_ path: String, call: Int32, evaluator e: Evaluator) -> HTTPValue? {
        let args = e.arguments(of: call)
        switch path {
        case "requests.Session", "requests.session", "requests.sessions.Session":
            return HTTPValue(library: .requests, isSession: true)
        case "httpx.Client", "httpx.AsyncClient":
            return HTTPValue(library: .httpx, isSession: true, baseURL: args.keyword("base_url").flatMap { e.urlText($0) })
        case "aiohttp.ClientSession":
            let base = args.keyword("base_url") ?? args.positional.first
            return HTTPValue(library: .aiohttp, isSession: true, baseURL: base.flatMap { e.urlText($0) })
        default:
            return nil
        }
    }

    private static let moduleFunctions: [String: HTTPValue.Library] = [
        "requests.post": .requests, "requests.request": .requests, "requests.api.post": .requests,
        "requests.api.request": .requests, "httpx.post": .httpx, "httpx.request": .httpx, "httpx.stream": .httpx,
        "aiohttp.request": .aiohttp,
    ]

    /// The URL text of a call that POSTs over raw HTTP, and the session it goes through.
    static func post(_ call: Int32, evaluator e: Evaluator) -> (url: String, session: HTTPValue?)? {
        let calleeValue = e.value(e.tree[call].a)
        var method: String
        var session: HTTPValue?
        switch calleeValue {
        case .symbol(let path):
            guard moduleFunctions[path] != nil else { return nil }
            method = String(path.split(separator: ".").last ?? "")
        case .http(let h):
            guard let member = h.member, h.isSession else { return nil }
            method = member
            session = h
        default:
            return nil
        }
        let args = e.arguments(of: call)
        let urlNode: Int32?
        switch method {
        case "post":
            urlNode = args.keyword("url") ?? args.positional.first
        case "request", "stream":
            guard let verb = args.keyword("method") ?? args.positional.first, e.string(verb)?.uppercased() == "POST" else { return nil }
            urlNode = args.keyword("url") ?? (args.positional.count > 1 ? args.positional[1] : nil)
        default:
            return nil
        }
        guard let urlNode, var url = e.urlText(urlNode) else { return nil }
        if let base = session?.baseURL, !url.contains("://") { url = base + url }
        return (url, session)
    }

    static func isLocal(_ url: String) -> Bool {
        let lower = url.lowercased()
        return ["localhost", "127.0.0.1", "0.0.0.0", "[::1]"].contains { lower.contains($0) }
    }

    /// The SDK name of the AI API host a URL names, if any.
    static func apiSDK(of url: String, extraHosts: [String]) -> String? {
        let lower = url.lowercased()
        guard !isLocal(lower) else { return nil }
        for (host, sdk) in AISDKSpec.apiHosts where lower.contains(host) { return sdk }
        for host in extraHosts where !host.isEmpty && lower.contains(host.lowercased()) { return host }
        return nil
    }

    /// What the adapters mounted on the session `receiver` (source text such as `self.session`)
    /// do about 429 on POST: a guard when they retry it, else why not.
    static func mountedRetry(receiver: String, evaluator e: Evaluator) -> (guard: RetryGuard?, reason: String?) {
        var reason: String?
        for mount in e.index.mounts[receiver] ?? [] {
            let args = e.arguments(of: mount)
            guard args.positional.count >= 2 else { continue }
            let (found, why) = adapterRetry(args.positional[1], e)
            if let found { return (found, nil) }
            reason = reason ?? why
        }
        return (nil, reason)
    }

    private static func adapterRetry(_ adapter: Int32, _ e: Evaluator) -> (RetryGuard?, String?) {
        var node = adapter
        if e.tree[node].kind == .name, let bound = e.boundExpression(node) { node = bound }
        guard e.tree[node].kind == .call, let retries = e.arguments(of: node).keyword("max_retries") else { return (nil, nil) }
        var retry = retries
        if e.tree[retry].kind == .name, let bound = e.boundExpression(retry) { retry = bound }
        if let count = e.number(retry) {
            return (nil, "HTTPAdapter(max_retries=\(Int(count))) retries connection failures only")
        }
        guard e.tree[retry].kind == .call else { return (nil, nil) }
        let args = e.arguments(of: retry)
        guard let statuses = args.keyword("status_forcelist"), mentions(statuses, "429", e) else {
            return (nil, "the mounted urllib3 Retry has no 429 in status_forcelist")
        }
        let methods = args.keyword("allowed_methods") ?? args.keyword("method_whitelist")
        let allowsPost: Bool
        if let methods {
            let v = e.value(methods)
            allowsPost = v == .none || v == .number(0) || mentions(methods, "POST", e)
        } else {
            allowsPost = false
        }
        guard allowsPost else {
            return (nil, "urllib3 Retry does not retry POST unless allowed_methods includes it")
        }
        let factor = args.keyword("backoff_factor").map { e.number($0) ?? 1 } ?? 0
        var guardian = RetryGuard(anchor: retry, library: "urllib3", growth: factor > 0 ? .growing : .constant, bounded: true)
        guardian.constantDetail = "urllib3 Retry without backoff_factor retries at once"
        return (guardian, nil)
    }

    /// Whether a literal (list, tuple, set, call arguments, or a name bound to one) mentions `text`.
    private static func mentions(_ node: Int32, _ text: String, _ e: Evaluator) -> Bool {
        var node = node
        if e.tree[node].kind == .name, let bound = e.boundExpression(node) { node = bound }
        var found = false
        e.index.forEachNode(under: node) { child, n in
            guard !found else { return }
            if n.kind == .number, e.tree.text(ofToken: n.token) == text { found = true }
            if n.kind == .string, e.stringText(child).uppercased() == text { found = true }
            if n.kind == .attribute, e.nameText(child) == "TOO_MANY_REQUESTS", text == "429" { found = true }
        }
        return found
    }
}
