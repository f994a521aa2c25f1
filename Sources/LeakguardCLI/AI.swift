import ArgumentParser
import LeakguardCore

extension LeakguardCommand {
    struct AI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ai",
            abstract: "Describe the AI calls of a project.",
            subcommands: [Inventory.self])

        struct Inventory: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List every AI provider the code calls, as a checklist to review before shipping.",
                discussion: """
                For each call: where it is, the model names passed as literals, whether rate limits are \
                retried with backoff, whether a token cap is set, whether its output reaches a publishing \
                sink and is moderated first, and where its key comes from (a hard-coded key is shown \
                redacted). Each provider links its usage policy and rate-limit documentation. Reads \
                Python files and notebooks under PATH as `scan` does (.gitignore, --config). Exits 0, or \
                2 on a tool error.
                """)

            @Argument(help: "Directory or file to describe.")
            var path: String = "."

            @Option(name: [.short, .long], help: ArgumentHelp("Output format.", valueName: "text|json|markdown"))
            var format: AIInventoryFormat = .text

            @Option(name: [.short, .long], help: ArgumentHelp("Rule/config file (default: .leakguard.toml or .gitleaks.toml at the root).", valueName: "file"))
            var config: String?

            @Option(name: .long, help: ArgumentHelp("Write the inventory to a file (- is stdout).", valueName: "file"))
            var reportPath: String?

            @Flag(name: .long, help: "Do not skip files that .gitignore ignores.")
            var noGitignore = false

            @Flag(name: [.short, .long], help: "No warnings on stderr.")
            var quiet = false

            func run() throws {
                var options = ScanOptions()
                options.useGitIgnore = !noGitignore
                let inventory: AIInventory
                do {
                    (inventory, _) = try AIInventoryScan.run(paths: [path], configPath: config, options: options)
                } catch let error as ConfigError {
                    throw ToolError("config error: \(error)\nFix the file or pass another with --config.")
                } catch let error as ScanError {
                    throw ToolError(error.description)
                }
                if !quiet {
                    for warning in inventory.warnings { FileHandleOutput.stderr("leakguard: warning: \(escapeControls(warning))\n") }
                }
                let text = ReportOutput.render(inventory: inventory, format: format, redaction: .prefix)
                if let reportPath, reportPath != "-" {
                    guard writeText(text, to: reportPath) else { throw ToolError("cannot write the inventory to '\(reportPath)'") }
                } else {
                    FileHandleOutput.stdout(text)
                }
            }
        }
    }
}

extension AIInventoryFormat: ExpressibleByArgument {}
