/// A rule example that did not behave.
public struct RuleExampleFailure: CustomStringConvertible, Sendable {
    public var ruleID: String
    public var origin: String
    public var example: String
    public var expectedMatch: Bool
    public var description: String {
        "\(origin): rule '\(ruleID)': \(expectedMatch ? "example did not match" : "negative example matched"): \(example)"
    }
}

/// Runs every rule's examples through a detector holding just that rule (and the global
/// allowlists), the way `leakguard rules check` and the test suite do.
public enum RuleExamples {
    public static func check(_ configuration: Configuration, onlyOrigin: String? = nil) throws(ConfigError) -> [RuleExampleFailure] {
        var failures: [RuleExampleFailure] = []
        let scratch = DetectorScratch()
        for rule in configuration.rules where onlyOrigin == nil || rule.origin == onlyOrigin {
            var single = Configuration()
            var r = rule
            r.path = nil
            single.rules = [r]
            single.allowlists = configuration.allowlists.filter { $0.paths.isEmpty }
            let detector = try Detector(configuration: single)
            // Rules without examples (every rule of a gitleaks config) are skipped; `untested`
            // lists them so `rules check` can say so.
            for (i, example) in rule.examples.enumerated() {
                let text = ExampleTemplate.expand(example, seed: "\(rule.id)#\(i)")
                if findings(detector, text, scratch).isEmpty {
                    failures.append(RuleExampleFailure(ruleID: rule.id, origin: rule.origin, example: text, expectedMatch: true))
                }
            }
            for (i, example) in rule.negativeExamples.enumerated() {
                let text = ExampleTemplate.expand(example, seed: "\(rule.id)#n\(i)")
                if !findings(detector, text, scratch).isEmpty {
                    failures.append(RuleExampleFailure(ruleID: rule.id, origin: rule.origin, example: text, expectedMatch: false))
                }
            }
        }
        return failures
    }

    /// Rules that carry no examples, which `check` cannot test.
    public static func untested(_ configuration: Configuration, onlyOrigin: String? = nil) -> [Rule] {
        configuration.rules.filter { (onlyOrigin == nil || $0.origin == onlyOrigin) && $0.examples.isEmpty && $0.negativeExamples.isEmpty }
    }

    static func findings(_ detector: Detector, _ text: String, _ scratch: DetectorScratch) -> [Finding] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { detector.scan(Fragment(bytes: $0, path: "example.txt"), scratch: scratch).findings }
    }
}

/// `{{CLASS:N}}` in rule examples stands for N pseudo-random characters of CLASS, so no
/// real-looking key is ever committed; the same seed always gives the same text.
public enum ExampleTemplate {
    static let classes: [String: [UInt8]] = {
        let lower = Array("abcdefghijklmnopqrstuvwxyz".utf8), upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        let digits = Array("0123456789".utf8)
        return [
            "alnum": upper + lower + digits, "lower": lower, "upper": upper,
            "alnumlower": lower + digits, "alnumupper": upper + digits,
            "hex": digits + Array("abcdef".utf8), "hexupper": digits + Array("ABCDEF".utf8), "digits": digits,
            "base64": upper + lower + digits + Array("+/".utf8), "base64url": upper + lower + digits + Array("-_".utf8),
        ]
    }()

    public static func expand(_ template: String, seed: String) -> String {
        var state: UInt64 = 0xcbf29ce484222325
        for b in seed.utf8 { state = (state ^ UInt64(b)) &* 0x100000001b3 }
        var out: [UInt8] = []
        let t = Array(template.utf8)
        var i = 0
        while i < t.count {
            if t[i] == UInt8(ascii: "{"), i + 1 < t.count, t[i + 1] == UInt8(ascii: "{"),
               let close = findClose(t, from: i + 2) {
                let body = String(decoding: t[(i + 2)..<close], as: UTF8.self)
                let parts = body.split(separator: ":")
                // A count outside 0...4096 is left as written: no key is that long, and a user's
                // rule file must not make `rules check` trap or allocate gigabytes.
                if parts.count == 2, let alphabet = classes[String(parts[0])], let n = Int(parts[1]), (0...4096).contains(n) {
                    for _ in 0..<n {
                        state = state &+ 0x9E3779B97F4A7C15
                        var z = state
                        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
                        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
                        z ^= z >> 31
                        out.append(alphabet[Int(z % UInt64(alphabet.count))])
                    }
                    i = close + 2
                    continue
                }
            }
            out.append(t[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func findClose(_ t: [UInt8], from: Int) -> Int? {
        var j = from
        while j + 1 < t.count && j < from + 24 {
            if t[j] == UInt8(ascii: "}") && t[j + 1] == UInt8(ascii: "}") { return j }
            j += 1
        }
        return nil
    }
}
