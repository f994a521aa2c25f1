/// How to ask a provider whether a found credential still works (`scan --validate`). Written in
/// the rule file as `[rules.validate]`, beside the regex; run by the one generic executor in the
/// `Validation` module. Only the parts that must be checked before anything is sent are checked
/// here (see `ConfigLoader.parseValidator`): HTTPS, a literal host, known placeholders.
public struct Validator: Sendable {
    public enum Method: String, Sendable, CaseIterable { case GET, POST }

    /// A request body; each value is a template, escaped for its encoding when filled in.
    public enum Body: Sendable {
        case form([(String, String)])
        case json([(String, String)])
    }

    /// Another finding of the same file that supplies a value: the key id of an AWS key pair.
    public struct Pair: Sendable {
        /// The rule whose finding (nearest in the same file) supplies the value.
        public var rule: String
        /// The placeholder it fills.
        public var variable: String
    }

    /// A request signature made by a named function instead of a template.
    public struct Signature: Sendable {
        public enum Function: String, Sendable { case awsSigV4 = "aws-sigv4" }
        public var function: Function
        public var region: String
        public var service: String
        /// Template for the access key id; the secret is the signing key.
        public var keyID: String
    }

    public var method: Method
    /// `https://host/path?query`; `{name}` placeholders only in the path and query.
    public var url: String
    /// The provider's host, taken from `url`: the only host a request may go to.
    public var host: String
    /// Header name and value template, in order.
    public var headers: [(String, String)]
    /// `user:password` template, sent as HTTP basic authentication.
    public var basicAuth: String?
    public var body: Body?
    /// Regex over the finding's line whose named groups become placeholders (a webhook's ids, an
    /// account SID): values come only from the same line as the secret, never from a URL in it.
    public var capture: String?
    public var pair: Pair?
    public var signature: Signature?
    /// Statuses that mean the credential was accepted, and those that mean it was refused.
    public var live: [Int]
    public var invalid: [Int]
    /// On a live status, this JSON field of the answer must be `true` (`false` means invalid, an
    /// answer without it is malformed): for APIs such as Slack's that answer 200 either way.
    public var jsonField: String?

    public init(method: Method, url: String, host: String, headers: [(String, String)] = [], basicAuth: String? = nil,
                body: Body? = nil, capture: String? = nil, pair: Pair? = nil, signature: Signature? = nil,
                live: [Int] = [200], invalid: [Int] = [401, 403], jsonField: String? = nil) {
        self.method = method; self.url = url; self.host = host; self.headers = headers; self.basicAuth = basicAuth
        self.body = body; self.capture = capture; self.pair = pair; self.signature = signature
        self.live = live; self.invalid = invalid; self.jsonField = jsonField
    }

    /// Where the secret goes, in words, for `rules list` and the README's table.
    public var secretPlacement: String {
        if signature != nil { return "signs the request (\(signature!.function.rawValue)); the key id is sent, the secret is not" }
        var places: [String] = []
        let path = url.dropFirst("https://".count + host.count)
        if path.split(separator: "?", maxSplits: 1).first.map({ $0.contains("{") }) == true { places.append("URL path") }
        if path.split(separator: "?", maxSplits: 1).dropFirst().first.map({ $0.contains("{secret}") }) == true {
            places.append("query string")
        }
        for (name, value) in headers where value.contains("{secret}") {
            let scheme = value.split(separator: " ").first.map(String.init) ?? ""
            places.append(name == "Authorization" && scheme != "{secret}" ? "Authorization: \(scheme)" : "\(name) header")
        }
        if basicAuth != nil { places.append("basic auth") }
        switch body {
        case .form(let fields)?: if fields.contains(where: { $0.1.contains("{secret}") }) { places.append("form body") }
        case .json(let fields)?: if fields.contains(where: { $0.1.contains("{secret}") }) { places.append("JSON body") }
        case nil: break
        }
        return places.joined(separator: ", ")
    }
}

/// What a provider said about one finding's credential.
public struct ValidationResult: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// The provider accepted the credential: rotate it.
        case live
        /// The provider refused it.
        case invalid
        /// No answer that says either (timeout, 5xx after retries, redirect, malformed answer).
        case unknown
    }
    public var status: Status
    /// The HTTP status or the error, never the secret: "HTTP 200", "timed out".
    public var detail: String
    /// The host that was asked.
    public var host: String

    public init(status: Status, detail: String, host: String) {
        self.status = status; self.detail = detail; self.host = host
    }

    /// "live (HTTP 200 from api.openai.com)", as reports print it.
    public var summary: String { "\(status.rawValue) (\(detail)\(host.isEmpty ? "" : " from \(host)"))" }
}
