import LeakguardCLI
import LeakguardCore
import Validation
#if canImport(Glibc)
import Glibc
#endif

/// The validator behind `scan --validate`: the provider checks of the Validation module, with the
/// test-only overrides read from the environment (see ValidationSettings).
struct LiveValidator: SecretValidator {
    func validate(_ report: inout ScanReport, rules: [Rule]) throws -> String {
        var environment: [String: String] = [:]
        for name in [ValidationSettings.testBaseURLVariable, ValidationSettings.testTimingVariable] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        let settings: ValidationSettings
        do {
            settings = try ValidationSettings.fromEnvironment(environment)
        } catch {
            throw ValidationSetupFailure(description: error.description)
        }
        return LiveValidation.run(&report, rules: rules, settings: settings).line
    }
}

/// A setup error reported like every other tool error (exit 2, the message on stderr).
struct ValidationSetupFailure: Error, CustomStringConvertible {
    let description: String
}

// leakguard with live validation: the same commands as `leakguard`, plus an HTTP client.
LeakguardMain.run(validator: LiveValidator())
