import ArgumentParser
import LeakguardCore

struct LeakguardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leakguard",
        abstract: "Find leaked secrets, committed .env files and AI API calls without backoff.",
        discussion: """
        Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 a tool error (bad flag, bad \
        config, unreadable path, git failure).
        """,
        version: leakguardVersion,
        subcommands: [Scan.self, Rules.self, Baseline.self, Hook.self, Report.self],
        defaultSubcommand: Scan.self
    )
}

/// A failure of the tool itself, reported on stderr with exit code 2.
struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
