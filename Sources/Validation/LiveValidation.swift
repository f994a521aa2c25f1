import Dispatch
import Foundation
import LeakguardCore

/// The one generic executor behind `scan --validate`: for each finding whose rule has a
/// validator, asks the provider once per distinct secret and records `live`, `invalid` or
/// `unknown` on the finding. Runs on the raw report, before redaction; nothing it records or
/// prints holds the secret.
public enum LiveValidation {
    /// What a run did, for the summary line on stderr.
    public struct Summary: Sendable, Equatable {
        public var requests = 0
        public var counts: [ValidationResult.Status: Int] = [:]
        public var line: String {
            let checked = counts.values.reduce(0, +)
            guard checked > 0 else { return "validate: no finding has a validator" }
            let parts = ValidationResult.Status.allCases.map { "\(counts[$0, default: 0]) \($0.rawValue)" }
            return "validate: \(checked) finding\(checked == 1 ? "" : "s") checked with \(requests) request\(requests == 1 ? "" : "s"): " + parts.joined(separator: ", ")
        }
    }

    /// Validates `report`'s findings in place (blocking; the CLI is synchronous).
    public static func run(_ report: inout ScanReport, rules: [Rule], settings: ValidationSettings) -> Summary {
        let box = ResultBox()
        let input = report
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            let outcome = await validate(input, rules: rules, settings: settings)
            box.set(outcome)
            semaphore.signal()
        }
        semaphore.wait()
        let (validated, summary) = box.get()!
        report = validated
        return summary
    }

    /// One request's worth of work: the findings it answers for.
    struct Job: Sendable {
        var key: String
        var request: ValidationRequest?
        var failure: String?
        var validator: Validator
        var findings: [Int]
    }

    public static func validate(_ report: ScanReport, rules: [Rule], settings: ValidationSettings) async -> (ScanReport, Summary) {
        var byRule: [String: Rule] = [:]
        for rule in rules where rule.validator != nil { byRule[rule.id] = rule }
        var jobs: [Job] = []
        var jobIndex: [String: Int] = [:]
        for (i, finding) in report.findings.enumerated() {
            guard let rule = byRule[finding.ruleID], let validator = rule.validator, !finding.secret.isEmpty else { continue }
            let job = plan(finding, validator: validator, in: report.findings, settings: settings)
            // Each distinct secret (with the values that go with it) is asked about once a run.
            if let existing = jobIndex[job.key] {
                jobs[existing].findings.append(i)
            } else {
                jobIndex[job.key] = jobs.count
                var first = job
                first.findings = [i]
                jobs.append(first)
            }
        }
        var out = report
        var summary = Summary()
        guard !jobs.isEmpty else { return (out, summary) }

        let transport = HTTPTransport(settings: settings)
        let limiter = HostRateLimiter(interval: settings.perHostInterval)
        let results = await withTaskGroup(of: (Int, ValidationResult, Int).self) { group in
            var results = [(ValidationResult, Int)?](repeating: nil, count: jobs.count)
            var next = 0
            func start(_ index: Int) {
                let job = jobs[index]
                group.addTask {
                    guard let request = job.request else {
                        return (index, ValidationResult(status: .unknown, detail: job.failure ?? "not sent", host: job.validator.host), 0)
                    }
                    let (result, sent) = await perform(request, validator: job.validator, transport: transport,
                                                       limiter: limiter, settings: settings)
                    return (index, result, sent)
                }
            }
            while next < min(settings.concurrency, jobs.count) { start(next); next += 1 }
            for await (index, result, sent) in group {
                results[index] = (result, sent)
                if next < jobs.count { start(next); next += 1 }
            }
            return results
        }
        await transport.shutdown()
        for (job, outcome) in zip(jobs, results) {
            guard let (result, sent) = outcome else { continue }
            summary.requests += sent
            for i in job.findings {
                out.findings[i].validation = result
                summary.counts[result.status, default: 0] += 1
            }
        }
        return (out, summary)
    }

    /// Gathers the values a validator needs for a finding and builds its request.
    static func plan(_ finding: Finding, validator: Validator, in findings: [Finding], settings: ValidationSettings) -> Job {
        var values = ["secret": finding.secret]
        var failure: String?
        if let capture = validator.capture {
            if let captured = captures(capture, in: finding.lineText, around: finding.secret) {
                values.merge(captured) { old, _ in old }
            } else {
                failure = "not sent: the values it needs beside the secret are not on its line"
            }
        }
        if let pair = validator.pair {
            // The nearest finding of the paired rule in the same file (and commit) supplies it.
            let partner = findings
                .filter { $0.ruleID == pair.rule && $0.path == finding.path && $0.commit?.commit == finding.commit?.commit }
                .min { abs($0.line - finding.line) < abs($1.line - finding.line) }
            if let partner { values[pair.variable] = partner.secret } else if failure == nil {
                failure = "not sent: no \(pair.rule) finding in the same file to pair it with"
            }
        }
        let key = ([validator.method.rawValue, validator.url] + values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            .joined(separator: "\u{0}")
        var request: ValidationRequest?
        if failure == nil {
            do {
                request = try ValidationRequest.build(validator, values: values, origin: settings.testBaseURL)
            } catch {
                failure = "not sent: \(error.description)"
            }
        }
        return Job(key: key, request: request, failure: failure, validator: validator, findings: [])
    }

    /// Named groups of the first match of `pattern` in `line` that holds the secret (else the first).
    static func captures(_ pattern: String, in line: String, around secret: String) -> [String: String]? {
        guard let regex = try? Regex(pattern) else { return nil }
        let names = ConfigLoader.groupNames(in: pattern)
        let matches = line.matches(of: regex)
        let secretRange = line.firstRange(of: secret)
        let chosen = matches.first { m in secretRange.map { m.range.overlaps($0) } ?? false } ?? matches.first
        guard let match = chosen else { return nil }
        var values: [String: String] = [:]
        for name in names {
            guard let value = match.output[name]?.substring else { return nil }
            values[name] = String(value)
        }
        return values
    }

    /// Sends one request, retrying 429 and 5xx with growing, jittered delays that honour
    /// `Retry-After`. Returns the result and how many requests went out.
    static func perform(_ request: ValidationRequest, validator: Validator, transport: HTTPTransport,
                        limiter: HostRateLimiter, settings: ValidationSettings) async -> (ValidationResult, Int) {
        var sent = 0
        var attempt = 0
        while true {
            await limiter.wait(for: request.host)
            sent += 1
            let answer = await transport.send(request)
            let outcome = classify(answer, validator: validator)
            switch outcome {
            case .done(let status, let detail):
                return (ValidationResult(status: status, detail: detail, host: validator.host), sent)
            case .retry(let detail, let retryAfter):
                attempt += 1
                if attempt >= settings.maxAttempts {
                    return (ValidationResult(status: .unknown, detail: "\(detail) after \(attempt) attempts", host: validator.host), sent)
                }
                if let retryAfter, retryAfter > settings.retryAfterCap {
                    return (ValidationResult(status: .unknown, detail: "\(detail), Retry-After \(Int(retryAfter)) s is too long to wait",
                                             host: validator.host), sent)
                }
                let delay = max(retryAfter ?? 0, backoff(attempt: attempt - 1, settings: settings))
                try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            }
        }
    }

    /// Delay before retry `attempt` (0-based): uniform in [d/2, d] with d = min(cap, base·2^attempt).
    static func backoff(attempt: Int, settings: ValidationSettings) -> Double {
        let full = min(settings.backoffCap, settings.backoffBase * Double(1 << min(attempt, 30)))
        return Double.random(in: (full / 2)...max(full / 2, full))
    }

    enum Outcome: Equatable {
        case done(ValidationResult.Status, String)
        case retry(String, retryAfter: Double?)
    }

    /// Reads a provider's answer by the validator's rules.
    static func classify(_ answer: HTTPTransport.Answer, validator: Validator) -> Outcome {
        switch answer {
        case .failed(let reason):
            return .done(.unknown, reason)
        case .response(let status, let retryAfter, let body):
            if status == 429 || (500...599).contains(status) {
                return .retry("HTTP \(status)", retryAfter: retryAfter)
            }
            if (300...399).contains(status) {
                return .done(.unknown, "HTTP \(status): redirect not followed")
            }
            if validator.invalid.contains(status) { return .done(.invalid, "HTTP \(status)") }
            guard validator.live.contains(status) else { return .done(.unknown, "unexpected HTTP \(status)") }
            guard let field = validator.jsonField else { return .done(.live, "HTTP \(status)") }
            switch jsonBool(body, field: field) {
            case true?: return .done(.live, "HTTP \(status), \(field): true")
            case false?: return .done(.invalid, "HTTP \(status), \(field): false")
            case nil: return .done(.unknown, "malformed answer: HTTP \(status) without a JSON '\(field)'")
            }
        }
    }

    /// The boolean at `field` (dot path) of a JSON object, or nil.
    static func jsonBool(_ body: [UInt8], field: String) -> Bool? {
        guard var node = try? JSONDecoder().decode(JSONNode.self, from: Data(body)) else { return nil }
        for part in field.split(separator: ".") {
            guard case .object(let members) = node, let child = members[String(part)] else { return nil }
            node = child
        }
        if case .bool(let value) = node { return value }
        return nil
    }
}

/// Just enough of a JSON tree to read one field; a number is never taken for a boolean.
enum JSONNode: Decodable {
    case bool(Bool), number(Double), string(String), null, array([JSONNode]), object([String: JSONNode])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null
        } else if let b = try? container.decode(Bool.self) { self = .bool(b)
        } else if let d = try? container.decode(Double.self) { self = .number(d)
        } else if let s = try? container.decode(String.self) { self = .string(s)
        } else if let a = try? container.decode([JSONNode].self) { self = .array(a)
        } else { self = .object(try container.decode([String: JSONNode].self)) }
    }
}

/// Spaces requests to one host at least `interval` apart.
actor HostRateLimiter {
    let interval: Double
    var nextSlot: [String: UInt64] = [:]
    init(interval: Double) { self.interval = interval }

    func wait(for host: String) async {
        let now = DispatchTime.now().uptimeNanoseconds
        let slot = max(now, nextSlot[host] ?? 0)
        nextSlot[host] = slot + UInt64(interval * 1_000_000_000)
        if slot > now { try? await Task.sleep(nanoseconds: slot - now) }
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (ScanReport, LiveValidation.Summary)?
    func set(_ v: (ScanReport, LiveValidation.Summary)) { lock.lock(); value = v; lock.unlock() }
    func get() -> (ScanReport, LiveValidation.Summary)? { lock.lock(); defer { lock.unlock() }; return value }
}
