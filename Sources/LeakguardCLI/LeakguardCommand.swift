import ArgumentParser
import LeakguardCore
#if canImport(Glibc)
import Glibc
#endif

struct LeakguardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leakguard",
        abstract: "Find leaked secrets, committed .env files and AI API calls without backoff.",
        discussion: """
        Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 a tool error (bad flag, bad \
        config, unreadable path, git failure).
        """,
        version: leakguardVersion,
        subcommands: [Scan.self, Rules.self, Baseline.self, Hook.self, Report.self, AI.self],
        defaultSubcommand: Scan.self
    )
}

extension LeakguardCommand {
    /// `leakguard scna` would scan a path named `scna` (scan is the default subcommand) and fail
    /// on a missing file; when no such path exists and the word is a near miss, say so instead.
    static func mistypedSubcommand(_ arguments: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-") else { return nil }
        if let command = configuration.subcommands.first(where: { $0._commandName == word }) {
            return mistypedSubcommand(of: command, Array(arguments.dropFirst()), path: "leakguard \(word)")
        }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !word.contains("/"), access(word, F_OK) != 0, let suggestion = closest(word, in: names) else { return nil }
        return "unknown command '\(word)'; did you mean '\(suggestion)'? (to scan a path of that name: leakguard scan \(word))"
    }

    /// `leakguard rules lst`: a near miss among a command's own subcommands (it has no default).
    static func mistypedSubcommand(of command: ParsableCommand.Type, _ arguments: [String], path: String) -> String? {
        let subcommands = command.configuration.subcommands
        guard !subcommands.isEmpty, command.configuration.defaultSubcommand == nil,
              let word = arguments.first, !word.hasPrefix("-") else { return nil }
        if let next = subcommands.first(where: { $0._commandName == word }) {
            return mistypedSubcommand(of: next, Array(arguments.dropFirst()), path: path + " " + word)
        }
        let names = subcommands.map { $0._commandName }
        let hint = closest(word, in: names).map { "did you mean '\(path) \($0)'?" } ?? "expected one of: \(names.joined(separator: ", "))"
        return "unknown command '\(path) \(word)'; \(hint)"
    }
}

/// A failure of the tool itself, reported on stderr with exit code 2.
struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
