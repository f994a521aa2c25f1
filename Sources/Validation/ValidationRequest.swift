import Foundation
import LeakguardCore

/// One request, filled in from a validator and a finding's values, ready to send. Building it is
/// where the safety rules about *where* a secret goes are enforced: whatever the values hold, the
/// request goes to the validator's host over HTTPS (or to the loopback test server), and a value
/// that would break out of its place (a `/`, `?` or `#` in the URL, a line break in a header) is
/// encoded or refused.
public struct ValidationRequest: Sendable {
    public var method: String
    /// Scheme, host and port the request is sent to: `https://<validator host>`, or the loopback
    /// test server under the test-only override.
    public var origin: String
    /// The validator's host: the only production host this request may reach.
    public var host: String
    /// Path and query, encoded.
    public var pathAndQuery: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    public var url: String { origin + pathAndQuery }

    public enum BuildError: Error, Equatable, CustomStringConvertible {
        /// A value the request needs could not be found (named, never shown).
        case missingValue(String)
        case unsendable(String)
        public var description: String {
            switch self {
            case .missingValue(let what): "needs \(what)"
            case .unsendable(let why): why
            }
        }
    }

    /// Fills `validator`'s templates with `values` (`secret` and any captured or paired names).
    public static func build(_ validator: Validator, values: [String: String], origin override: String? = nil,
                             amzDate: String? = nil) throws(BuildError) -> ValidationRequest {
        let host = validator.host
        // The host is literal in the rule and checked at load time; only what follows it is filled.
        let afterHost = String(validator.url.dropFirst("https://".count + host.count))
        let splitAt = afterHost.firstIndex(of: "?")
        let pathTemplate = splitAt.map { String(afterHost[..<$0]) } ?? afterHost
        let queryTemplate = splitAt.map { String(afterHost[afterHost.index(after: $0)...]) } ?? ""
        var path = try fill(pathTemplate.isEmpty ? "/" : pathTemplate, values) { (value: String) throws(BuildError) -> String in
            // A path value stays one segment: `/`, `?`, `#` and `%` are encoded, `..` refused.
            guard value != ".." && value != "." else { throw .unsendable("a value is a dot segment") }
            return encode(value, keeping: ":@")
        }
        if !path.hasPrefix("/") { path = "/" + path }
        let query = try fill(queryTemplate, values) { (value: String) throws(BuildError) -> String in encode(value, keeping: "") }
        var request = ValidationRequest(method: validator.method.rawValue, origin: override ?? "https://\(host)", host: host,
                                        pathAndQuery: path + (query.isEmpty ? "" : "?" + query), headers: [], body: [])
        for (name, template) in validator.headers {
            request.headers.append((name, try fill(template, values, headerSafe)))
        }
        if let basic = validator.basicAuth {
            let pair = try fill(basic, values, headerSafe)
            request.headers.append(("Authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
        }
        switch validator.body {
        case .form(let fields)?:
            var parts: [String] = []
            for (name, template) in fields {
                parts.append(encode(name, keeping: "") + "=" + (try fill(template, values) { (value: String) throws(BuildError) -> String in encode(value, keeping: "") }))
            }
            request.body = Array(parts.joined(separator: "&").utf8)
            request.headers.append(("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))
        case .json(let fields)?:
            var members: [(String, JSONValue)] = []
            for (name, template) in fields { members.append((name, .string(try fill(template, values) { (value: String) throws(BuildError) -> String in value }))) }
            request.body = Array(JSONValue.object(members).render(pretty: false).utf8)
            request.headers.append(("Content-Type", "application/json"))
        case nil:
            break
        }
        if let signature = validator.signature {
            guard let secret = values["secret"] else { throw .missingValue("the secret") }
            let keyID = try fill(signature.keyID, values, headerSafe)
            let date = amzDate ?? currentAMZDate()
            request.headers.append(("X-Amz-Date", date))
            let signed = AWSSigV4.sign(method: request.method, host: host, path: path, query: query, headers: request.headers,
                                       payload: request.body, keyID: keyID, secret: secret, region: signature.region,
                                       service: signature.service, amzDate: date)
            request.headers.append(("Authorization", signed.authorization))
        }
        request.headers.append(("User-Agent", "leakguard/\(leakguardVersion) (secret validation; read-only)"))
        // Under the loopback test override, say which production host this request was for, so
        // the tests can prove no request is meant for any host but the rule's.
        if override != nil { request.headers.append(("X-Leakguard-Test-Host", host)) }
        try request.checkDestination()
        return request
    }

    /// Defence in depth: parse the finished URL again and insist on the declared destination.
    func checkDestination() throws(BuildError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let parsedHost = components.host else {
            throw .unsendable("the request URL does not parse")
        }
        if origin == "https://\(host)" {
            guard scheme == "https", parsedHost.lowercased() == host, components.port == nil, components.user == nil else {
                throw .unsendable("the request would leave \(host)")
            }
        } else {
            guard ValidationSettings.isLoopback(parsedHost) else { throw .unsendable("the test server is not on loopback") }
        }
    }

    /// Replaces each `{name}` with its value, escaped by `escape`.
    static func fill(_ template: String, _ values: [String: String],
                     _ escape: (String) throws(BuildError) -> String) throws(BuildError) -> String {
        var out = ""
        var name: String?
        for c in template {
            if c == "{" { name = ""; continue }
            if c == "}", let key = name {
                guard let value = values[key], !value.isEmpty else { throw .missingValue(key == "secret" ? "the secret" : "{\(key)}") }
                out += try escape(value)
                name = nil
                continue
            }
            if name != nil { name!.append(c) } else { out.append(c) }
        }
        return out
    }

    static func headerSafe(_ value: String) throws(BuildError) -> String {
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .unsendable("a value holds a control character")
        }
        return value
    }

    /// Percent-encodes all but unreserved characters and `keeping`.
    static func encode(_ value: String, keeping: String) -> String {
        let kept = Set(keeping.utf8)
        var out = ""
        for byte in value.utf8 {
            if isUnreserved(byte) || kept.contains(byte) { out.unicodeScalars.append(Unicode.Scalar(byte)) } else { out += percent(byte) }
        }
        return out
    }

    static func currentAMZDate() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }
}
