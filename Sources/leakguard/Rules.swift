import ArgumentParser
import LeakguardCore

extension LeakguardCommand {
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List or check rules.",
            subcommands: [List.self, Check.self, Examples.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print the rules in effect.")

            @Option(name: [.short, .long], help: "Rule/config file (default: the built-in rules).")
            var config: String?

            @Option(name: [.customShort("f"), .long], help: "text; json: one object a line with each rule's validator (method and host) or null; validators: a Markdown table of what --validate sends where.")
            var format: ListFormat = .text

            enum ListFormat: String, ExpressibleByArgument { case text, json, validators }

            func run() throws {
                let config = try loadConfig(self.config)
                if format == .validators {
                    FileHandleOutput.stdout(RuleListing.validatorTable(config.rules))
                    return
                }
                if format == .json {
                    for rule in config.rules { FileHandleOutput.stdout(RuleListing.json(rule).render(pretty: false) + "\n") }
                    return
                }
                for rule in config.rules {
                    let line = rule.id.padding(toWidth: 34) + rule.severity.rawValue.padding(toWidth: 9) + rule.description
                    FileHandleOutput.stdout(line + "\n")
                }
                let others = DotenvCheck.rules + AIBackoffCheck.rules
                for rule in others {
                    FileHandleOutput.stdout(rule.id.padding(toWidth: 34) + rule.severity.rawValue.padding(toWidth: 9) + rule.description + "\n")
                }
                FileHandleOutput.stdout("\(config.rules.count) secret rules, \(DotenvCheck.rules.count) .env rules, \(AIBackoffCheck.rules.count) AI-backoff rules\n")
            }
        }

        struct Examples: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print each rule's examples with their templates filled in, one JSON object a line.",
                discussion: "Each {{CLASS:N}} becomes N pseudo-random characters; the same --seed gives the same text. Useful to see what a rule catches and to plant fake secrets in tests and benchmarks.")

            @Option(name: [.short, .long], help: "Rule/config file (default: the built-in rules).")
            var config: String?

            @Option(name: .long, help: "Seed for the random parts.")
            var seed: String = "example"

            func run() throws {
                let config = try loadConfig(self.config)
                for rule in config.rules {
                    for (i, example) in rule.examples.enumerated() {
                        let text = ExampleTemplate.expand(example, seed: "\(seed)/\(rule.id)#\(i)")
                        let line = JSONValue.object([("rule", .string(rule.id)), ("index", .int(i)), ("text", .string(text))]
                                                    + (rule.path.map { [("path", JSONValue.string($0))] } ?? []))
                        FileHandleOutput.stdout(line.render(pretty: false) + "\n")
                    }
                }
            }
        }

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check that every rule compiles and its examples behave.",
                discussion: "Each example must produce a finding of its rule; each negative example must not.")

            @Argument(help: "Rule file to check (default: the built-in rules).")
            var file: String?

            func run() throws {
                let config = try loadConfig(file)
                let failures: [RuleExampleFailure]
                do { failures = try RuleExamples.check(config) } catch {
                    throw ToolError("config error: \(error)")
                }
                for f in failures { FileHandleOutput.stdout("FAIL \(f)\n") }
                let checked = config.rules.filter { file == nil || $0.origin == file }
                FileHandleOutput.stdout("\(checked.count) rules checked, \(failures.count) failure\(failures.count == 1 ? "" : "s")\n")
                if !failures.isEmpty { throw ExitCode(1) }
            }
        }
    }
}

func loadConfig(_ path: String?) throws -> Configuration {
    do {
        if let path { return try ConfigLoader.loadFile(path, depth: 0) }
        return try ConfigLoader.builtIn()
    } catch {
        throw ToolError("config error: \(error)")
    }
}

extension String {
    func padding(toWidth width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
