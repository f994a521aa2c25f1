import LeakguardCore

/// Limits of a validation run. The defaults are the production ones; tests shorten the delays
/// through `LEAKGUARD_VALIDATE_TEST_*`, which only take effect with the loopback test server.
public struct ValidationSettings: Sendable {
    /// Whole-request timeout (connect, send, answer), in seconds.
    public var timeout: Double = 10
    /// Attempts per secret when the provider answers 429 or 5xx.
    public var maxAttempts = 4
    /// Backoff before retry n (0-based) is a random delay in [base·2ⁿ/2, base·2ⁿ], capped: the
    /// delays grow, and the jitter keeps many clients from retrying in step.
    public var backoffBase: Double = 1
    public var backoffCap: Double = 16
    /// A `Retry-After` longer than this gives up (unknown) instead of stalling the run.
    public var retryAfterCap: Double = 60
    /// Requests in flight at once, over all hosts.
    public var concurrency = 4
    /// Least time between two requests to the same host: at most 4 a second.
    public var perHostInterval: Double = 0.25
    /// Test only: `http://127.0.0.1:PORT` (or localhost, [::1]) instead of each validator's
    /// `https://host`. The request keeps its path, query, headers and body.
    public var testBaseURL: String?

    public init() {}

    public static let testBaseURLVariable = "LEAKGUARD_VALIDATE_TEST_BASE_URL"
    public static let testTimingVariable = "LEAKGUARD_VALIDATE_TEST_TIMING"

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads the test-only overrides. `LEAKGUARD_VALIDATE_TEST_BASE_URL` is refused unless it
    /// names a loopback address; `LEAKGUARD_VALIDATE_TEST_TIMING` (`timeout=0.5,base=0.05,…`)
    /// is honoured only together with it, so it can never weaken a real run.
    public static func fromEnvironment(_ environment: [String: String]) throws(SetupError) -> ValidationSettings {
        var settings = ValidationSettings()
        guard let base = environment[testBaseURLVariable], !base.isEmpty else { return settings }
        guard let host = loopbackHost(of: base) else {
            throw SetupError(description: "\(testBaseURLVariable) is for leakguard's own tests and must be http://127.0.0.1:PORT, http://localhost:PORT or http://[::1]:PORT, with nothing after the port")
        }
        _ = host
        settings.testBaseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        if let timing = environment[testTimingVariable] {
            for item in timing.split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let value = Double(parts[1]), value >= 0 else {
                    throw SetupError(description: "\(testTimingVariable): '\(item)' is not name=number")
                }
                switch parts[0] {
                case "timeout": settings.timeout = value
                case "base": settings.backoffBase = value
                case "cap": settings.backoffCap = value
                case "retryAfterCap": settings.retryAfterCap = value
                case "attempts": settings.maxAttempts = max(1, Int(value))
                case "interval": settings.perHostInterval = value
                case "concurrency": settings.concurrency = max(1, Int(value))
                default: throw SetupError(description: "\(testTimingVariable): unknown setting '\(parts[0])'")
                }
            }
        }
        return settings
    }

    /// The host of `http(s)://HOST:PORT` when HOST is loopback and nothing follows the port.
    static func loopbackHost(of base: String) -> String? {
        var rest = Substring(base)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) } else if rest.hasPrefix("https://") { rest = rest.dropFirst(8) } else { return nil }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        let host: Substring
        let port: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            port = rest[rest.index(after: close)...]
        } else {
            host = rest.prefix { $0 != ":" }
            port = rest.dropFirst(host.count)
        }
        guard isLoopback(String(host)) else { return nil }
        guard port.isEmpty || (port.first == ":" && port.count > 1 && port.dropFirst().allSatisfy(\.isNumber)) else { return nil }
        return String(host)
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" || h == "[::1]" { return true }
        let octets = h.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
