import ArgumentParser
import LeakguardCore

extension LeakguardCommand {
    struct Baseline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record current findings so that only new ones are reported.",
            subcommands: [Create.self])

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write the current findings' fingerprints (never the secrets) to a baseline file.")

            @OptionGroup var input: ScanInputOptions

            @Option(name: [.short, .long], help: "Where to write the baseline.")
            var output: String = ".leakguard-baseline.json"

            func run() throws {
                let (report, _) = try runScan(input.request())
                guard writeText(LeakguardCore.Baseline.document(for: report.findings), to: output) else {
                    throw ToolError("cannot write baseline to '\(output)'")
                }
                FileHandleOutput.stdout("wrote \(report.findings.count) fingerprint\(report.findings.count == 1 ? "" : "s") to \(output)\n")
            }
        }
    }
}
