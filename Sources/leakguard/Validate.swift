import ArgumentParser
import LeakguardCore
import Validation
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

    /// Validates the raw report's findings in place, before `emit` redacts them. Nothing is
    /// linked into the run, no thread or socket started, unless --validate was given.
    func apply(to report: inout ScanReport, configuration: Configuration) throws {
        guard validateSecrets else { return }
        let settings: ValidationSettings
        do {
            var environment: [String: String] = [:]
            for name in [ValidationSettings.testBaseURLVariable, ValidationSettings.testTimingVariable] {
                if let value = getenv(name) { environment[name] = String(cString: value) }
            }
            settings = try ValidationSettings.fromEnvironment(environment)
        } catch {
            throw ToolError(error.description)
        }
        let summary = LiveValidation.run(&report, rules: configuration.rules, settings: settings)
        FileHandleOutput.stderr("leakguard: \(summary.line)\n")
    }
}
