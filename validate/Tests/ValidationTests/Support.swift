import Foundation
import LeakguardCore
import TestKit

/// The helpers these suites use, on TestKit: the binary under test is leakguard-validate (the same
/// commands as leakguard, with the validator; `leakguard scan --validate` runs it).
enum TestSupport {
    /// The repository root (README.md, rules/), above this package.
    static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// The built `leakguard-validate`, next to the test bundle.
    static let binary: String = {
        guard let path = Program.builtExecutable("leakguard-validate") else {
            fatalError("leakguard-validate not found; run `swift build --package-path validate` first")
        }
        return path
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    static func leakguard(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> Output {
        var env = ["NO_COLOR": "1"]
        for (k, v) in environment { env[k] = v }
        let out = try Program.run(binary, arguments, cwd: cwd, environment: env)
        return Output(status: out.status, stdout: out.stdoutText, stderr: out.stderrText)
    }

    static func makeTempDirectory(_ label: String = "lg") -> String { Scratch.directory(label) }
    static func removeTree(_ path: String) { Scratch.remove(path) }
    static func write(_ text: String, to path: String) { Scratch.write(Array(text.utf8), to: path) }

    /// A fake key in a rule's format: the rule's first example, expanded with a fresh seed.
    static func fakeSecretLine(rule id: String, seed: String = "test") throws -> String {
        let config = try ConfigLoader.builtIn()
        guard let rule = config.rules.first(where: { $0.id == id }), let example = rule.examples.first else {
            throw SupportFailure(description: "no built-in rule \(id) with examples")
        }
        return ExampleTemplate.expand(example, seed: seed)
    }

    static func parseJSON(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw SupportFailure(description: "not a JSON object: \(text.prefix(200))")
        }
        return object
    }
}

struct SupportFailure: Error, CustomStringConvertible {
    var description: String
}
