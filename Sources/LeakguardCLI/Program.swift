import ArgumentParser
import LeakguardBase
import LeakguardCore
#if canImport(Glibc)
import Glibc
#endif

/// Asks providers whether the secrets in a report still work (`scan --validate`). The only
/// implementation lives in the `leakguard-validate` executable, which links the HTTP client; the
/// `leakguard` executable has none, so a scan there never links or starts network code.
public protocol SecretValidator {
    /// Validates the raw report's findings in place (before redaction) and returns the one-line
    /// summary printed on stderr.
    func validate(_ report: inout ScanReport, rules: [Rule]) throws -> String
}

/// The command-line program behind both executables. Exit codes are part of leakguard's
/// interface: 0 clean, 1 findings, 2 any tool error. Argument parser's own codes (64 for a usage
/// error) are folded into 2 so CI can tell errors apart.
public enum LeakguardMain {
    /// Set once by the executable's entry point, before any command runs.
    nonisolated(unsafe) static var validator: (any SecretValidator)?

    /// A developer aid for benchmarks (`LEAKGUARD_PEAK_MEMORY=1`): prints this process's own
    /// peak resident memory on stderr at exit. `/usr/bin/time` reports the largest of the process
    /// and the children it waited for, and in a history scan those are git's `cat-file`
    /// processes, whose delta-base cache is larger than all of leakguard.
    static func reportPeakMemoryAtExit() {
        #if os(Linux)
        atexit {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            writeStandardError("peak-memory: \(usage.ru_maxrss) KiB (leakguard alone)\n")
        }
        #endif
    }

    /// The name of the executable that has a validator, installed beside `leakguard`.
    static let validatingExecutable = "leakguard-validate"

    public static func run(validator: (any SecretValidator)?) -> Never {
        self.validator = validator
        if getenv("LEAKGUARD_PEAK_MEMORY") != nil { reportPeakMemoryAtExit() }
        if let message = LeakguardCommand.mistypedSubcommand(Array(CommandLine.arguments.dropFirst())) {
            FileHandleOutput.stderr("leakguard: " + message + "\n")
            exit(2)
        }
        do {
            var command = try LeakguardCommand.parseAsRoot()
            if validator == nil, let scan = command as? LeakguardCommand.Scan, scan.validation.validateSecrets {
                try handOverToValidatingExecutable()
            }
            try command.run()
            exit(0)
        } catch {
            let code = LeakguardCommand.exitCode(for: error)
            if code == .success {
                LeakguardCommand.exit(withError: error)
            }
            if let exitCode = error as? ExitCode {
                exit(exitCode.rawValue)
            }
            let message = LeakguardCommand.fullMessage(for: error)
            FileHandleOutput.stderr("leakguard: " + message.trimmingTrailingNewlines() + "\n")
            exit(2)
        }
    }

    /// `--validate` in the `leakguard` executable: runs the same command line in
    /// `leakguard-validate` from the same directory (nothing has been read yet, standard input
    /// included). Throws when that executable is not installed.
    static func handOverToValidatingExecutable() throws -> Never {
        guard let me = currentExecutable() else {
            throw ToolError("--validate: cannot find leakguard's own path to locate \(validatingExecutable)")
        }
        let directory = me.hasSuffix("/leakguard") ? String(me.dropLast("leakguard".count)) : ""
        let sibling = directory + validatingExecutable
        guard !directory.isEmpty, access(sibling, X_OK) == 0 else {
            throw ToolError("--validate needs \(validatingExecutable) installed beside \(me) "
                + "(`make install` installs both; LEAKGUARD_WITHOUT_VALIDATE=1 builds leave it out)")
        }
        var arguments = CommandLine.arguments
        arguments[0] = sibling
        let cArguments = arguments.map { strdup($0) } + [nil]
        execv(sibling, cArguments)
        throw ToolError("--validate: cannot run \(sibling): \(String(cString: strerror(errno)))")
    }
}

enum FileHandleOutput {
    static func stderr(_ s: String) { _ = writeAll(2, s) }
    static func stdout(_ s: String) { _ = writeAll(1, s) }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while s.last == "\n" { s.removeLast() }
        return String(s)
    }
}
