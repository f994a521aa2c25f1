import ArgumentParser
import LeakguardCore

extension LeakguardCommand {
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List or check rules.",
            subcommands: [List.self, Check.self, Examples.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the rules in effect: the config found at the path (as scan finds it) or given with --config.")

            @Option(name: [.short, .long], help: "Rule/config file (default: .leakguard.toml or .gitleaks.toml in PATH, else the built-in rules).")
            var config: String?

            @Option(name: .long, help: "Only rules with this tag (e.g. ai, cloud, payments, generic).")
            var tag: String?

            @Option(name: [.short, .long], help: "text; json (an array of rules, each with its --validate validator: method and host, or null); validators (a Markdown table of what --validate sends where).")
            var format: ListFormat = .text

            @Argument(help: "Where the scan would start (its config applies).")
            var path: String = "."

            enum ListFormat: String, ExpressibleByArgument { case text, json, validators }

            func run() throws {
                let config: Configuration
                do { config = try ConfigLoader.load(explicitPath: self.config, root: path) } catch {
                    throw ToolError("config error: \(error)")
                }
                for warning in config.warnings { FileHandleOutput.stderr("leakguard: warning: \(warning)\n") }
                var rules = config.rules.map { rule in
                    (meta: RuleMetadata(id: rule.id, category: .secret, severity: rule.severity, description: rule.description, tags: rule.tags),
                     rule: Optional(rule))
                }
                rules += (DotenvCheck.rules + AIBackoffCheck.rules).map { (meta: $0, rule: nil) }
                if let tag { rules = rules.filter { $0.meta.tags.contains(tag) || $0.meta.category.rawValue == tag } }
                switch format {
                case .text:
                    for (meta, _) in rules {
                        FileHandleOutput.stdout(meta.id.padding(toWidth: 34) + meta.severity.rawValue.padding(toWidth: 9) + meta.description + "\n")
                    }
                    if tag == nil {
                        FileHandleOutput.stdout("\(config.rules.count) secret rules, \(DotenvCheck.rules.count) .env rules, \(AIBackoffCheck.rules.count) AI rules\n")
                    } else {
                        FileHandleOutput.stdout("\(rules.count) rules tagged \(tag!)\n")
                    }
                case .json:
                    let array: [JSONValue] = rules.map { meta, rule in
                        var members: [(String, JSONValue)] = [
                            ("id", .string(meta.id)), ("category", .string(meta.category.rawValue)),
                            ("severity", .string(meta.severity.rawValue)), ("tags", .array(meta.tags.map { .string($0) })),
                            ("description", .string(meta.description)),
                            ("gitleaksIds", .array((rule?.gitleaksIDs ?? []).map { .string($0) })),
                        ]
                        if let rule {
                            members.append(("keywords", .array(rule.keywords.map { .string($0) })))
                            members.append(("rotate", rule.rotate.map { .string($0) } ?? .null))
                            members.append(("origin", .string(rule.origin)))
                        }
                        members.append(("validator", rule?.validator.map(RuleListing.validatorJSON) ?? .null))
                        return .object(members)
                    }
                    FileHandleOutput.stdout(JSONValue.array(array).render() + "\n")
                case .validators:
                    FileHandleOutput.stdout(RuleListing.validatorTable(rules.compactMap(\.rule)))
                }
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
                let untested = RuleExamples.untested(config, onlyOrigin: file)
                for rule in untested { FileHandleOutput.stdout("SKIP \(rule.origin): rule '\(rule.id)' has no examples to check\n") }
                let checked = config.rules.filter { (file == nil || $0.origin == file) && !($0.examples.isEmpty && $0.negativeExamples.isEmpty) }
                var summary = "\(checked.count) rules checked, \(failures.count) failure\(failures.count == 1 ? "" : "s")"
                if !untested.isEmpty { summary += ", \(untested.count) skipped (no examples)" }
                FileHandleOutput.stdout(summary + "\n")
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
