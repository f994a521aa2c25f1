import Foundation
@testable import LeakguardCore

/// Helpers shared by the test files: temporary directories, running the real binary, running git.
enum TestSupport {
    /// The package root (where Package.swift is).
    static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// The built `leakguard` executable, next to the test bundle.
    static let binary: String = {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("leakguard").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for config in ["debug", "release"] {
            let candidate = packageRoot.appendingPathComponent(".build/\(config)/leakguard").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        fatalError("leakguard binary not found; run `swift build` first")
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program and collects its output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], cwd: String? = nil,
                    environment: [String: String] = [:], stdin: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the real leakguard binary.
    @discardableResult
    static func leakguard(_ arguments: [String], cwd: String? = nil, environment: [String: String] = [:]) throws -> Output {
        try run(binary, arguments, cwd: cwd, environment: environment)
    }

    /// Runs git with a fixed identity and no user/system config, so tests behave the same anywhere.
    @discardableResult
    static func git(_ arguments: [String], cwd: String, environment: [String: String] = [:]) throws -> Output {
        var env = [
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
            "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@example.com",
        ]
        for (k, v) in environment { env[k] = v }
        let output = try run("/usr/bin/git", arguments, cwd: cwd, environment: env)
        if output.status != 0 {
            throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(output.stderr)")
        }
        return output
    }

    /// A fresh empty directory, removed by the caller with `removeTree`.
    static func makeTempDirectory(_ label: String = "lg") -> String {
        let path = NSTemporaryDirectory() + "leakguard-test-\(label)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return (path as NSString).resolvingSymlinksInPath
    }

    static func removeTree(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a file, creating directories.
    static func write(_ text: String, to path: String) {
        let url = URL(fileURLWithPath: path)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(text.utf8).write(to: url)
    }

    static func write(bytes: [UInt8], to path: String) {
        let url = URL(fileURLWithPath: path)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: url)
    }

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
