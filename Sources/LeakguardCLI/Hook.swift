import ArgumentParser
import LeakguardCore
#if canImport(Glibc)
import Glibc
#endif

extension HookKind: ExpressibleByArgument {}

extension LeakguardCommand {
    struct Hook: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install or remove leakguard's git hooks.",
            discussion: """
            The pre-commit hook runs `leakguard scan --staged`; the pre-push hook scans the commits \
            being pushed. A hook that is already there is kept and runs first. Bypass once with \
            `git commit --no-verify` or LEAKGUARD_SKIP=1.
            """,
            subcommands: [Install.self, Uninstall.self, Print.self])

        struct Install: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write a hook into the repository's hooks directory (core.hooksPath respected).")

            @Option(name: .long, help: "Which hook: pre-commit (scan staged changes) or pre-push (scan the commits being pushed).")
            var type: HookKind = .preCommit

            @Flag(name: .long, help: "Go ahead even when the slot for chaining an existing hook is taken (that file is replaced).")
            var force = false

            @Argument(help: "A directory in the repository.")
            var repository: String = "."

            func run() throws {
                do {
                    let message = try HookInstaller.install(type, repository: repository, binary: currentExecutable(), force: force)
                    FileHandleOutput.stdout(message + "\n")
                } catch {
                    throw ToolError(error.description)
                }
            }
        }

        struct Uninstall: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove leakguard's hook and restore the hook it replaced.")

            @Option(name: .long, help: "Which hook: pre-commit or pre-push.")
            var type: HookKind = .preCommit

            @Argument(help: "A directory in the repository.")
            var repository: String = "."

            func run() throws {
                do {
                    FileHandleOutput.stdout(try HookInstaller.uninstall(type, repository: repository) + "\n")
                } catch {
                    throw ToolError(error.description)
                }
            }
        }

        struct Print: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print a hook script (it finds leakguard on PATH) to install by hand.")

            @Option(name: .long, help: "Which hook: pre-commit or pre-push.")
            var type: HookKind = .preCommit

            func run() throws {
                FileHandleOutput.stdout(HookInstaller.script(type, binary: nil))
            }
        }
    }
}

/// This executable's absolute path, so an installed hook finds the binary that installed it.
func currentExecutable() -> String? {
    if let p = realpath("/proc/self/exe", nil) {
        defer { free(p) }
        return String(cString: p)
    }
    let first = CommandLine.arguments.first ?? ""
    guard first.contains("/"), let p = realpath(first, nil) else { return nil }
    defer { free(p) }
    return String(cString: p)
}
