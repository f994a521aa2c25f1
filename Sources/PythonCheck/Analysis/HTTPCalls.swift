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

    /// The URL of a call that POSTs over raw HTTP (its expression, and its text when literals
    /// make it up), and the session it goes through.
    static func post(_ call: Int32, evaluator e: Evaluator) -> (url: String?, urlNode: Int32, session: HTTPValue?)? {
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
        guard let urlNode else { return nil }
        guard var url = e.urlText(urlNode) else { return (nil, urlNode, session) }
        if let base = session?.baseURL, !url.contains("://") { url = base + url }
        return (url, urlNode, session)
    }

    // MARK: Endpoints held in variables

    private static let endpointNameParts = ["endpoint", "end_point", "api_url", "apiurl", "base_url", "baseurl", "api_base",
                                            "inference_url", "model_url", "llm_url"]
    private static let inferencePaths = ["/chat/completions", "/completions", "/v1/messages", "/embeddings", "/embed",
                                         "/generate", "/predictions", "/predict", ":generatecontent", ":streamgeneratecontent",
                                         ":predict", "/inference", "/infer", "/responses", "/images/generations",
                                         "/audio/speech", "/audio/transcriptions", "/text2img", "/rerank"]
    private static let inferenceBodyKeys: Set<String> = ["messages", "prompt", "inputs", "model", "contents"]

    /// For a POST whose URL is not a known API host: the name of the endpoint it goes to when the
    /// request looks like inference. The URL's name (or a name inside the expression it is bound
    /// to) must say endpoint, API URL or base URL; then the URL's literal path must be an
    /// inference path, or, when the URL is only a variable, the JSON body must carry messages, a
    /// prompt, inputs or a model.
    static func inferenceEndpoint(_ call: Int32, urlNode: Int32, urlText: String?, evaluator e: Evaluator) -> String? {
        if let urlText, isLocal(urlText) { return nil }
        var names: [String] = []
        var expressions = [urlNode]
        if e.tree[urlNode].kind == .name, let bound = e.boundExpression(urlNode) { expressions.append(bound) }
        for expression in expressions {
            // Identifiers of the expression's text, f-string fields included.
            var word = ""
            for ch in e.tree.sourceText(of: expression) + " " {
                if ch.isLetter || ch.isNumber || ch == "_" { word.append(ch) } else if !word.isEmpty { names.append(word); word = "" }
            }
        }
        guard let name = names.first(where: { name in
            let lower = name.lowercased()
            return endpointNameParts.contains { lower.contains($0) } && !lower.contains("local") && !lower.contains("ollama")
        }) else { return nil }
        let path = (urlText ?? "").lowercased()
        let args = e.arguments(of: call)
        let keys = (args.keyword("json") ?? args.keyword("data")).map { bodyKeys($0, e, depth: 0) } ?? []
        if path.contains("/") {
            guard inferencePaths.contains(where: { path.contains($0) }) else { return nil }
            // A body whose keys are known and none is an inference key (a proxy's /key/generate
            // with user_id and metadata) is administration, not inference.
            if !keys.isEmpty && keys.isDisjoint(with: inferenceBodyKeys) { return nil }
        } else {
            guard !keys.isDisjoint(with: inferenceBodyKeys) else { return nil }
        }
        return name
    }

    /// The string keys of a dict literal, following names and local functions that return one.
    private static func bodyKeys(_ node: Int32, _ e: Evaluator, depth: Int) -> Set<String> {
        guard depth < 4, node >= 0 else { return [] }
        let n = e.tree[node]
        switch n.kind {
        case .name:
            return e.boundExpression(node).map { bodyKeys($0, e, depth: depth + 1) } ?? []
        case .call:
            if case .function(let f) = e.value(n.a) {
                return (e.index.returns[f] ?? []).reduce(into: Set<String>()) { $0.formUnion(bodyKeys($1, e, depth: depth + 1)) }
            }
            if e.nameText(n.a) == "dict" { return Set(e.arguments(of: node).keywords.map(\.name)) }
            return []
        case .dict:
            var keys: Set<String> = []
            for item in e.tree.children(n.list1) where e.tree[item].kind == .string { keys.insert(e.stringText(item)) }
            return keys
        default:
            return []
        }
    }

    /// Whether a URL points at this machine or at a host with a single-label name
    /// (`http://testserver`, `http://ollama:11434`): a test server or a service on the same
    /// network, not a public API with rate limits.
    static func isLocal(_ url: String) -> Bool {
        let lower = url.lowercased()
        if ["localhost", "127.0.0.1", "0.0.0.0", "[::1]"].contains(where: { lower.contains($0) }) { return true }
        let parts = lower.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return false }
        let host = parts[2].prefix { $0 != ":" && $0 != "?" }
        return !host.isEmpty && !host.contains(".") && !host.contains("{") && host.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
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
