import ArgumentParser
import LeakguardCore
#if canImport(Glibc)
import Glibc
#endif

/// `--validate` and `--fail-on-live`: ask providers whether the secrets found still work.
struct ValidationOptions: ParsableArguments {
    @Flag(name: .customLong("validate"), help: "Ask each provider whether the secrets found still work (sends them to the provider's own HTTPS API only; see README).")
    var validateSecrets = false

    @Flag(name: .long, help: "With --validate: exit 1 only for a live secret, whatever --fail-on says.")
    var failOnLive = false

    func validate() throws {
        if failOnLive && !validateSecrets { throw ValidationError("--fail-on-live needs --validate") }
    }

    /// Validates the raw report's findings in place, before `emit` redacts them. Only the
    /// leakguard-validate executable has a validator; `leakguard` hands `--validate` runs over
    /// to it before scanning (LeakguardMain), so nothing here runs without one.
    func apply(to report: inout ScanReport, configuration: Configuration) throws {
        guard validateSecrets else { return }
        guard let validator = LeakguardMain.validator else {
            throw ToolError("--validate needs \(LeakguardMain.validatingExecutable)")
        }
        let summary = try validator.validate(&report, rules: configuration.rules)
        FileHandleOutput.stderr("leakguard: \(summary)\n")
    }
}
