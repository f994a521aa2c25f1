import Foundation
#if canImport(Glibc)
import Glibc
#endif

// What every test target needs the same way: running a program, temporary trees, git with a
// fixed identity, fake keys. One implementation here; the suites add only what is theirs.

/// What a program printed and how it ended.
public struct ProgramOutput: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: Data
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

public enum Program {
    /// Runs `executable` and collects its output. `environment` is the whole environment when
    /// `inherit` is false, else added to this process's. Standard input is fed from another
    /// thread and both pipes are read concurrently, so neither side can block the other.
    public static func run(_ executable: String, _ arguments: [String], cwd: String? = nil, environment: [String: String] = [:],
                           inherit: Bool = true, stdin: Data? = nil) throws -> ProgramOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var env = inherit ? ProcessInfo.processInfo.environment : [:]
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        let writer = input.fileHandleForWriting
        let payload = stdin ?? Data()
        DispatchQueue.global().async {
            if !payload.isEmpty { writer.write(payload) }
            try? writer.close()
        }
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = readToEnd(err.fileHandleForReading.fileDescriptor); group.leave() }
        let outData = readToEnd(out.fileHandleForReading.fileDescriptor)
        group.wait()
        process.waitUntilExit()
        return ProgramOutput(status: process.terminationStatus, stdout: outData, stderr: errData)
    }

    /// Reads to end of file, retrying on EINTR (FileHandle.readDataToEndOfFile traps on it).
    public static func readToEnd(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                data.append(contentsOf: buffer[0..<n])
            } else if n == 0 || errno != EINTR {
                return data
            }
        }
    }
}

extension Program {
    /// The path of the built executable `name`: next to the running test bundle (up to four
    /// directories up), else in `packageRoot`'s `.build/debug` or `.build/release`; nil when none
    /// is built.
    public static func builtExecutable(_ name: String, packageRoot: URL? = nil) -> String? {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for config in ["debug", "release"] {
            guard let candidate = packageRoot?.appendingPathComponent(".build/\(config)/\(name)").path else { break }
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// git with no system or user configuration and a fixed identity, so tests behave the same on
/// every machine.
public enum GitFixture {
    public static let identity: [String: String] = [
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "author@example.com",
        "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "author@example.com",
    ]
}

/// Fresh directories and files for a test.
public enum Scratch {
    /// A fresh empty directory (symlinks resolved), removed by the caller with `remove`.
    public static func directory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "leakguard-test-\(label)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return (path as NSString).resolvingSymlinksInPath
    }

    public static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a file, creating its directories.
    public static func write(_ bytes: [UInt8], to path: String) {
        let url = URL(fileURLWithPath: path)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: url)
    }
}

/// Fake credentials made fresh for each run (never committed): random bodies in real formats.
public struct RandomKeys {
    var rng = SystemRandomNumberGenerator()
    public static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), digits = Array("0123456789"), lower = Array("abcdefghijklmnopqrstuvwxyz")
    public static let alnum = upper + lower + digits
    public static let base64 = alnum + Array("+/")

    public init() {}

    public mutating func string(_ alphabet: [Character], _ n: Int) -> String {
        String((0..<n).map { _ in alphabet.randomElement(using: &rng)! })
    }
    public mutating func awsKeyID() -> String { "AKIA" + string(Self.upper + Array("234567"), 16) }
    public mutating func awsSecret() -> String { string(Self.base64, 40) }
    public mutating func githubToken() -> String { "ghp_" + string(Self.alnum, 36) }
    public mutating func openAIKey() -> String { "sk-proj-" + string(Self.alnum, 40) + "T3BlbkFJ" + string(Self.alnum, 40) }
    public mutating func anthropicKey() -> String { "sk-ant-api03-" + string(Self.alnum, 93) + "AA" }
    /// A PEM block: the header, base64 body lines of 64, the footer; and the body lines.
    public mutating func pem(_ label: String, bytes: Int, headers: [String] = []) -> (text: String, body: [String]) {
        let body = string(Self.base64, bytes)
        var lines: [String] = []
        var i = body.startIndex
        while i < body.endIndex {
            let j = body.index(i, offsetBy: 64, limitedBy: body.endIndex) ?? body.endIndex
            lines.append(String(body[i..<j]))
            i = j
        }
        let text = (["-----BEGIN \(label)-----"] + headers + (headers.isEmpty ? [] : [""]) + lines + ["-----END \(label)-----"]).joined(separator: "\n")
        return (text, lines)
    }
}

/// SplitMix64: small, seedable, the same on every platform (for generated test inputs that must
/// repeat).
public struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A directory under the system temp dir, removed when the value is released.
public final class TemporaryDirectory {
    public let path: String

    public init(_ label: String = "gitignore-test") {
        var template = Array((NSTemporaryDirectory() + "/\(label).XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        // Resolve /tmp symlinks so paths compare equal to the realpath'd work tree root.
        let raw = String(cString: created!)
        path = URL(fileURLWithPath: raw).resolvingSymlinksInPath().path
    }

    deinit {
        // Directories made unreadable by a test would stop the removal.
        _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        try? FileManager.default.removeItem(atPath: path)
    }

    public func url(_ relative: String) -> String { relative.isEmpty ? path : path + "/" + relative }

    public func makeDirectory(_ relative: String) {
        try! FileManager.default.createDirectory(atPath: url(relative), withIntermediateDirectories: true)
    }

    public func write(_ relative: String, _ contents: String) {
        write(relative, bytes: Array(contents.utf8))
    }

    public func write(_ relative: String, bytes: [UInt8]) {
        let full = url(relative)
        let parent = String(full[..<full.lastIndex(of: "/")!])
        if !FileManager.default.fileExists(atPath: parent) {
            try! FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        // Plain open/write: FileManager.createFile writes atomically through a temporary file,
        // which is several times slower and these tests write thousands of files.
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot write \(full)")
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        precondition(written == bytes.count, "short write to \(full)")
        close(fd)
    }

    public func symlink(_ relative: String, to target: String) {
        try! FileManager.default.createSymbolicLink(atPath: url(relative), withDestinationPath: target)
    }
}

/// The environment both git and the code under test see: no system or user configuration
/// leaks in, and `HOME` points at a throwaway directory.
public struct IsolatedEnvironment {
    public let home: TemporaryDirectory
    public var variables: [String: String]

    public init() {
        home = TemporaryDirectory("gitignore-home")
        variables = [
            "HOME": home.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
            "LC_ALL": "C",
        ]
    }
}

