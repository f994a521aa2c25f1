import Testing
@testable import LeakguardCore
@testable import Validation

/// Unit tests of `--validate`'s parts that need no server: the SigV4 function against AWS's
/// published examples, and the safety rules that decide where a request may go.
@Suite struct ValidationTests {
    // AWS's documentation example credentials (not a key: the id is not in any real key format).
    static let exampleKeyID = "AKIDEXAMPLE"
    static let exampleSigningSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    @Test func sigV4MatchesAWSPublishedIAMExample() {
        // "Signature Version 4 signing process" example: GET iam ListUsers on 2015-08-30.
        let key = AWSSigV4.signingKey(secret: Self.exampleSigningSecret, date: "20150830", region: "us-east-1", service: "iam")
        #expect(AWSSigV4.hex(key) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        let signed = AWSSigV4.sign(
            method: "GET", host: "iam.amazonaws.com", path: "/", query: "Action=ListUsers&Version=2010-05-08",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], payload: [],
            keyID: Self.exampleKeyID, secret: Self.exampleSigningSecret, region: "us-east-1", service: "iam",
            amzDate: "20150830T123600Z")
        #expect(SHA256.hex(Array(signed.canonicalRequest.utf8)) == "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59")
        #expect(signed.stringToSign == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59")
        #expect(signed.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        #expect(signed.authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }

    /// Cases of AWS's SigV4 test suite (get-vanilla, get-vanilla-query-order-key-case, post-vanilla).
    @Test(arguments: [
        ("GET", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("GET", "Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        ("POST", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
    ])
    func sigV4MatchesAWSTestSuite(method: String, query: String, signature: String) {
        let signed = AWSSigV4.sign(method: method, host: "example.amazonaws.com", path: "/", query: query, headers: [],
                                   payload: [], keyID: Self.exampleKeyID, secret: Self.exampleSigningSecret,
                                   region: "us-east-1", service: "service", amzDate: "20150830T123600Z")
        #expect(signed.signature == signature)
        #expect(signed.signedHeaders == "host;x-amz-date")
    }

    @Test func hmacMatchesRFC4231() {
        // RFC 4231 test case 2.
        let mac = AWSSigV4.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(AWSSigV4.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// Whatever a found value holds, every built-in validator's request goes to its own host.
    @Test(arguments: ["a/../../x", "x@evil.example", "x?u=https://evil.example/", "x#frag", "%2F%2Fevil", "evil.example:443", ".."])
    func requestsStayOnTheRulesHost(hostile: String) throws {
        let config = try ConfigLoader.builtIn()
        let validators = config.rules.compactMap(\.validator)
        #expect(validators.count >= 30)
        for validator in validators {
            let values = ["secret": hostile, "team": hostile, "channel": hostile, "sid": hostile, "user": hostile,
                          "id": hostile, "token": hostile, "keyid": hostile]
            guard let request = try? ValidationRequest.build(validator, values: values) else { continue }
            #expect(request.origin == "https://\(validator.host)")
            #expect(request.url.hasPrefix("https://\(validator.host)/"))
            let afterHost = request.url.dropFirst("https://\(validator.host)".count)
            #expect(!afterHost.contains("//") && !afterHost.contains("#") && !afterHost.contains("/../"))
        }
    }

    @Test func headerValuesWithLineBreaksAreNotSent() throws {
        let config = try ConfigLoader.builtIn()
        let validator = try #require(config.rules.first { $0.id == "openai-project-key" }?.validator)
        #expect(throws: ValidationRequest.BuildError.self) {
            try ValidationRequest.build(validator, values: ["secret": "abc\r\nX-Injected: 1"])
        }
    }

    @Test(arguments: [
        ("url = \"http://api.example.com/v1\"", "https://"),
        ("url = \"https://{secret}.example.com/\"", "literal host"),
        ("url = \"https://api.example.com:8443/\"", "literal host"),
        ("url = \"https://user@api.example.com/\"", "literal host"),
        ("url = \"https://api.example.com/{nope}\"\nheaders = { Authorization = \"Bearer {secret}\" }", "unknown placeholder"),
        ("url = \"https://api.example.com/\"", "never carries the secret"),
        ("url = \"https://api.example.com/\"\nheaders = { A = \"{secret}\" }\nlive = [200]\ninvalid = [200]", "both live and invalid"),
    ])
    func unsafeValidatorsAreRefusedAtLoad(table: String, message: String) {
        let text = """
        [[rules]]
        id = "x"
        regex = "x[0-9]{8}"
        [rules.validate]
        \(table)
        """
        do {
            _ = try ConfigLoader.loadText(text, path: "t.toml")
            Issue.record("loaded: \(table)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "http://127.0.0.1:8080/"])
    func loopbackTestServerIsAccepted(base: String) throws {
        let settings = try ValidationSettings.fromEnvironment([ValidationSettings.testBaseURLVariable: base])
        #expect(settings.testBaseURL != nil)
    }

    @Test(arguments: ["http://10.0.0.1:80", "http://127.0.0.1.evil.example:80", "https://api.openai.com",
                      "http://127.0.0.1:80/path", "http://user@127.0.0.1:80", "ftp://127.0.0.1:21"])
    func anythingButLoopbackIsRefused(base: String) {
        #expect(throws: ValidationSettings.SetupError.self) {
            try ValidationSettings.fromEnvironment([ValidationSettings.testBaseURLVariable: base])
        }
    }

    @Test func timingOverridesNeedTheTestServer() throws {
        let settings = try ValidationSettings.fromEnvironment([ValidationSettings.testTimingVariable: "timeout=0.1,base=0"])
        #expect(settings.timeout == ValidationSettings().timeout)
        #expect(settings.backoffBase == ValidationSettings().backoffBase)
    }

    @Test func backoffGrowsWithJitterAndCap() {
        var settings = ValidationSettings()
        settings.backoffBase = 1
        settings.backoffCap = 6
        for attempt in 0..<5 {
            let full = min(6, pow2(attempt))
            for _ in 0..<20 {
                let d = LiveValidation.backoff(attempt: attempt, settings: settings)
                #expect(d >= full / 2 && d <= full)
            }
        }
    }

    func pow2(_ n: Int) -> Double { Double(1 << n) }

    @Test func retryAfterTakesSecondsOrADate() {
        #expect(HTTPTransport.parseRetryAfter("3") == 3)
        #expect(HTTPTransport.parseRetryAfter(" 0 ") == 0)
        #expect(HTTPTransport.parseRetryAfter("soon") == nil)
        let past = HTTPTransport.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")
        #expect(past == 0)
    }

    @Test func answersAreReadByTheValidatorsRules() throws {
        var validator = Validator(method: .POST, url: "https://slack.com/api/auth.test", host: "slack.com",
                                  headers: [("Authorization", "Bearer {secret}")], live: [200], invalid: [401], jsonField: "ok")
        func classify(_ status: Int, _ body: String, retryAfter: Double? = nil) -> LiveValidation.Outcome {
            LiveValidation.classify(.response(status: status, retryAfter: retryAfter, body: Array(body.utf8)), validator: validator)
        }
        #expect(classify(200, #"{"ok": true}"#) == .done(.live, "HTTP 200, ok: true"))
        #expect(classify(200, #"{"ok": false, "error": "invalid_auth"}"#) == .done(.invalid, "HTTP 200, ok: false"))
        #expect(classify(200, #"{"ok": 1}"#) == .done(.unknown, "malformed answer: HTTP 200 without a JSON 'ok'"))
        #expect(classify(200, "<html>") == .done(.unknown, "malformed answer: HTTP 200 without a JSON 'ok'"))
        #expect(classify(401, "") == .done(.invalid, "HTTP 401"))
        #expect(classify(302, "") == .done(.unknown, "HTTP 302: redirect not followed"))
        #expect(classify(429, "", retryAfter: 2) == .retry("HTTP 429", retryAfter: 2))
        #expect(classify(503, "") == .retry("HTTP 503", retryAfter: nil))
        #expect(classify(418, "") == .done(.unknown, "unexpected HTTP 418"))
        validator.jsonField = nil
        #expect(classify(200, "not json") == .done(.live, "HTTP 200"))
    }
}
