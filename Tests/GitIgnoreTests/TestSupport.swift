import Foundation
@_exported import TestKit
import Testing

@testable import GitIgnore

/// A directory under the system temp dir, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = "gitignore-test") {
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

    func url(_ relative: String) -> String { relative.isEmpty ? path : path + "/" + relative }

    func makeDirectory(_ relative: String) {
        try! FileManager.default.createDirectory(atPath: url(relative), withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ contents: String) {
        write(relative, bytes: Array(contents.utf8))
    }

    func write(_ relative: String, bytes: [UInt8]) {
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

    func symlink(_ relative: String, to target: String) {
        try! FileManager.default.createSymbolicLink(atPath: url(relative), withDestinationPath: target)
    }
}

/// The environment both git and the code under test see: no system or user configuration
/// leaks in, and `HOME` points at a throwaway directory.
struct IsolatedEnvironment {
    let home: TemporaryDirectory
    var variables: [String: String]

    init() {
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

struct ProcessOutput {
    var status: Int32
    var stdout: Data
    var stderr: String
}

@discardableResult
func runGit(_ arguments: [String], in directory: String, environment: [String: String], input: Data? = nil) throws -> ProcessOutput {
    let out = try Program.run("/usr/bin/env", ["git"] + arguments, cwd: directory, environment: environment, inherit: false, stdin: input)
    return ProcessOutput(status: out.status, stdout: out.stdout, stderr: out.stderrText)
}

@discardableResult
func gitMust(_ arguments: [String], in directory: String, environment: [String: String]) throws -> ProcessOutput {
    let output = try runGit(arguments, in: directory, environment: environment)
    if output.status != 0 {
        Issue.record("git \(arguments.joined(separator: " ")) failed (\(output.status)): \(output.stderr)")
    }
    return output
}

/// Splits NUL-terminated output.
func nulFields(_ data: Data) -> [String] {
    var fields = data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    if fields.last == "" { fields.removeLast() }
    return fields
}

extension String {
    /// Shows invisible characters in failure messages.
    var visible: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case " ": out += "·"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
