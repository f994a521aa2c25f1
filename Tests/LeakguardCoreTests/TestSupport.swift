import Foundation
@testable import LeakguardCore
@_exported import TestKit

/// Helpers shared by the test files: temporary directories, running the real binary, running git.
enum TestSupport {
    /// The package root (where Package.swift is).
    static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// The built `leakguard` executable, next to the test bundle.
    static let binary: String = {
        guard let path = Program.builtExecutable("leakguard", packageRoot: packageRoot) else {
            fatalError("leakguard binary not found; run `swift build` first")
        }
        return path
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program and collects its output (TestKit's runner; NO_COLOR set).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], cwd: String? = nil,
                    environment: [String: String] = [:], stdin: String? = nil) throws -> Output {
        var env = ["NO_COLOR": "1"]
        for (k, v) in environment { env[k] = v }
        let out = try Program.run(executable, arguments, cwd: cwd, environment: env, stdin: stdin.map { Data($0.utf8) })
        return Output(status: out.status, stdout: out.stdoutText, stderr: out.stderrText)
    }

    /// Runs the real leakguard binary.
    @discardableResult
    static func leakguard(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> Output {
        try run(binary, arguments, cwd: cwd, environment: environment)
    }

    /// Runs git with a fixed identity and no user/system config, so tests behave the same anywhere.
    @discardableResult
    static func git(_ arguments: [String], cwd: String, environment: [String: String] = [:]) throws -> Output {
        var env = GitFixture.identity
        for (k, v) in environment { env[k] = v }
        let output = try run("/usr/bin/git", arguments, cwd: cwd, environment: env)
        if output.status != 0 {
            throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(output.stderr)")
        }
        return output
    }

    /// A fresh empty directory, removed by the caller with `removeTree`.
    static func makeTempDirectory(_ label: String = "lg") -> String { Scratch.directory(label) }

    static func removeTree(_ path: String) { Scratch.remove(path) }

    /// Writes a file, creating directories.
    static func write(_ text: String, to path: String) { Scratch.write(Array(text.utf8), to: path) }

    static func write(bytes: [UInt8], to path: String) { Scratch.write(bytes, to: path) }

    /// A fake key in a rule's format: the rule's first example, expanded with a fresh seed.
    static func fakeSecretLine(rule id: String, seed: String = "test") throws -> String {
        let config = try ConfigLoader.builtIn()
        guard let rule = config.rules.first(where: { $0.id == id }), let example = rule.examples.first else {
            throw TestFailure("no built-in rule \(id) with examples")
        }
        return ExampleTemplate.expand(example, seed: seed)
    }

    static func parseJSON(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(text.prefix(200))")
        }
        return object
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
