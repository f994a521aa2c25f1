import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Exit codes are part of leakguard's interface: 0 clean, 1 findings, 2 any tool error. Argument
/// parser's own codes (64 for a usage error) are folded into 2 so CI can tell errors apart.
@main
enum Entrypoint {
    static func main() {
        if let message = LeakguardCommand.mistypedSubcommand(Array(CommandLine.arguments.dropFirst())) {
            FileHandleOutput.stderr("leakguard: " + message + "\n")
            exit(2)
        }
        do {
            var command = try LeakguardCommand.parseAsRoot()
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
}

enum FileHandleOutput {
    static func stderr(_ s: String) { _ = writeAll(2, s) }
    static func stdout(_ s: String) { _ = writeAll(1, s) }
}

/// Writes all of `text` to `fd`, retrying short writes; false on an error.
func writeAll(_ fd: Int32, _ text: String) -> Bool {
    var bytes = Array(text.utf8)
    var offset = 0
    return bytes.withUnsafeMutableBytes { buf in
        while offset < buf.count {
            let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while s.last == "\n" { s.removeLast() }
        return String(s)
    }
}
