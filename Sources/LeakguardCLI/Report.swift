import ArgumentParser
import LeakguardCore

extension LeakguardCommand {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Work with saved reports.",
            subcommands: [Merge.self])

        struct Merge: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Combine JSON reports of many repositories or shards into one report.",
                discussion: """
                Each input is a report written by `leakguard scan --format json`. Findings name \
                their repository; counts add up. Exits 1 when a finding is at or above --fail-on, \
                2 when an input cannot be read.
                """)

            @Argument(help: "JSON reports to merge.")
            var reports: [String]

            @OptionGroup var output: OutputOptions

            @Option(name: .long, help: "Lowest severity that makes the merged report fail (error, warning or note).")
            var failOn: Severity = .warning

            func validate() throws {
                if reports.isEmpty { throw ValidationError("name at least one JSON report to merge") }
            }

            func run() throws {
                var parts: [(file: String, report: ScanReport)] = []
                for file in reports {
                    do {
                        parts.append((file, try ReportMerge.read(file: file)))
                    } catch {
                        throw ToolError(error.description)
                    }
                }
                var merged = ReportMerge.merge(parts)
                merged.scan.failOn = failOn
                for warning in merged.warnings { FileHandleOutput.stderr("leakguard: warning: \(escapeControls(warning))\n") }
                let rules = try ConfigLoader.builtIn()
                try output.emit(merged, rules: ScanSession.ruleMetadata(rules), configuration: rules, secretsAlreadyRedacted: true)
                if merged.findings.contains(where: { $0.severity >= failOn }) { throw ExitCode(1) }
            }
        }
    }
}
