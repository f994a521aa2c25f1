import Foundation
@_exported import TestKit
import Testing

@testable import GitIgnore

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
