import PythonCheck

/// Output formats of `leakguard ai inventory`.
public enum AIInventoryFormat: String, CaseIterable, Sendable {
    case text, json, markdown
}

extension ReportOutput {
    /// Renders an inventory. Like every report, it passes the redaction choke point: a key
    /// literal is shown redacted, the rendered text is scrubbed of every full literal, and
    /// key-shaped tokens in code quoted as a key source are masked.
    public static func write(inventory: AIInventory, format: AIInventoryFormat, redaction: Redaction, to write: (String) -> Void) {
        let (prepared, outputGuard) = prepare(inventory, redaction: redaction)
        let text: String
        switch format {
        case .text: text = AIInventoryReport.text(prepared)
        case .json: text = AIInventoryReport.json(prepared).render()
        case .markdown: text = AIInventoryReport.markdown(prepared)
        }
        write(outputGuard.scrub(escapeControlsKeepingLines(text)))
    }

    public static func render(inventory: AIInventory, format: AIInventoryFormat, redaction: Redaction) -> String {
        var out = ""
        write(inventory: inventory, format: format, redaction: redaction) { out += $0 }
        return out
    }

    /// The inventory as outputs may show it, and the guard for the rendered text.
    static func prepare(_ inventory: AIInventory, redaction: Redaction) -> (AIInventory, OutputGuard) {
        guard redaction != .none else { return (inventory, OutputGuard(pieces: [])) }
        var pieces: [[UInt8]] = []
        var out = inventory
        let redactor = Redactor(redaction: redaction)
        for i in out.entries.indices {
            for k in out.entries[i].call.keySources.indices {
                let source = out.entries[i].call.keySources[k]
                switch source.kind {
                case .literal:
                    pieces += Redactor.pieces(of: source.detail)
                    out.entries[i].call.keySources[k].detail = redaction.apply(source.detail)
                case .config:
                    out.entries[i].call.keySources[k].detail = redactor.maskKeyShaped(source.detail)
                default:
                    break
                }
            }
        }
        return (out, OutputGuard(pieces: pieces, redaction: redaction))
    }

    private static func escapeControlsKeepingLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escapeControls(String($0)) }.joined(separator: "\n")
    }
}

/// The three renderings of an inventory; they see it already redacted.
enum AIInventoryReport {
    static func keyText(_ source: AIKeySource) -> String {
        switch source.kind {
        case .environment: "env \(source.detail)"
        case .literal: "hard-coded literal \(source.detail)"
        case .config: "config: \(source.detail)"
        case .sdkDefault: "SDK default (\(source.detail))"
        }
    }

    static func backoffText(_ status: AIBackoffStatus) -> String {
        switch status {
        case .protected: "yes"
        case .constant: "constant wait"
        case .missing: "no"
        }
    }

    static func outputText(_ uses: [AIOutputUse]) -> String {
        guard !uses.isEmpty else { return "no publishing sink" }
        return uses.map { "\($0.sink) (line \($0.line), \($0.moderated ? "moderated" : "NOT moderated"))" }.joined(separator: "; ")
    }

    static func summary(_ inventory: AIInventory) -> String {
        let providers = inventory.providers.count
        let calls = inventory.entries.count
        return "\(providers) provider\(providers == 1 ? "" : "s"), \(calls) call\(calls == 1 ? "" : "s") in "
            + "\(inventory.filesWithCalls) file\(inventory.filesWithCalls == 1 ? "" : "s") (\(inventory.files) Python file\(inventory.files == 1 ? "" : "s") read)"
    }

    static func text(_ inventory: AIInventory) -> String {
        var out = "AI inventory: \(summary(inventory))\n"
        for provider in inventory.providers {
            out += "\n\(provider.name): \(provider.entries.count) call\(provider.entries.count == 1 ? "" : "s")\n"
            out += "  usage policy: \(provider.docs?.usagePolicy ?? "unknown")\n"
            out += "  rate limits:  \(provider.docs?.rateLimits ?? "unknown")\n"
            for entry in provider.entries {
                let call = entry.call
                out += "  \(entry.path):\(call.line)  \(call.callee)\(call.isModeration ? "  (moderation check)" : "")\n"
                out += "    models: \(call.models.isEmpty ? "-" : call.models.joined(separator: ", "))"
                out += "  backoff: \(backoffText(call.backoff))  token cap: \(call.tokenCap ?? "none")\n"
                out += "    output: \(outputText(call.outputs))\n"
                out += "    key: \(call.keySources.map(keyText).joined(separator: "; "))\n"
            }
        }
        return out
    }

    static func json(_ inventory: AIInventory) -> JSONValue {
        .object([
            ("files", .int(inventory.files)),
            ("calls", .int(inventory.entries.count)),
            ("providers", .array(inventory.providers.map { provider in
                .object([
                    ("name", .string(provider.name)),
                    ("usagePolicy", provider.docs.map { .string($0.usagePolicy) } ?? .null),
                    ("rateLimits", provider.docs.map { .string($0.rateLimits) } ?? .null),
                    ("calls", .array(provider.entries.map { entry in
                        let call = entry.call
                        return .object([
                            ("file", .string(entry.path)),
                            ("line", .int(call.line)),
                            ("column", .int(call.column)),
                            ("callee", .string(call.callee)),
                            ("sdk", .string(call.label)),
                            ("models", .array(call.models.map { .string($0) })),
                            ("backoff", .string(call.backoff.rawValue)),
                            ("tokenCap", call.tokenCap.map { .string($0) } ?? .null),
                            ("moderationCheck", .bool(call.isModeration)),
                            ("outputs", .array(call.outputs.map { use in
                                .object([("sink", .string(use.sink)), ("family", .string(use.family)), ("line", .int(use.line)),
                                         ("moderated", .bool(use.moderated))])
                            })),
                            ("keySources", .array(call.keySources.map { .object([("kind", .string($0.kind.rawValue)), ("detail", .string($0.detail))]) })),
                        ])
                    })),
                ])
            })),
        ])
    }

    /// A cell of a Markdown table: pipes escaped, one line.
    static func cell(_ text: String) -> String {
        text.replacing("|", with: "\\|").replacing("\n", with: " ")
    }

    static func markdown(_ inventory: AIInventory) -> String {
        var out = "# AI inventory\n\n\(summary(inventory)). Review each provider's checklist before shipping.\n"
        if inventory.providers.isEmpty { return out + "\nNo AI calls found.\n" }
        out += "\n| Provider | Calls | Usage policy | Rate limits |\n|---|---|---|---|\n"
        for provider in inventory.providers {
            out += "| \(cell(provider.name)) | \(provider.entries.count) | "
                + (provider.docs.map { "[usage policy](\($0.usagePolicy)) | [rate limits](\($0.rateLimits))" } ?? "unknown | unknown") + " |\n"
        }
        for provider in inventory.providers {
            let calls = provider.entries.map(\.call)
            let generating = provider.entries.filter { !$0.call.isModeration }
            func sites(_ entries: [AIInventory.Entry]) -> String {
                entries.map { "`\($0.path):\($0.call.line)`" }.joined(separator: ", ")
            }
            let noBackoff = provider.entries.filter { $0.call.backoff != .protected }
            let unmoderated = provider.entries.filter { $0.call.outputs.contains { !$0.moderated } }
            let uncapped = generating.filter { $0.call.tokenCap == nil }
            let literal = provider.entries.filter { $0.call.keySources.contains { $0.kind == .literal } }
            func item(_ done: Bool, _ text: String, _ failing: [AIInventory.Entry], _ why: String) -> String {
                "- [\(done ? "x" : " ")] \(text)" + (failing.isEmpty ? "" : " (\(why): \(sites(failing)))") + "\n"
            }
            out += "\n## \(provider.name)\n\n"
            if let docs = provider.docs {
                out += "- [ ] Read the [usage policy](\(docs.usagePolicy)) and confirm this use of the model is allowed\n"
                out += "- [ ] Check the [rate limits](\(docs.rateLimits)) of your tier against the expected traffic\n"
            } else {
                out += "- [ ] Find and read this provider's usage policy and rate limits\n"
            }
            out += item(noBackoff.isEmpty, "Every call retries rate limits (429) with backoff", noBackoff, "not protected")
            out += item(unmoderated.isEmpty, "Output that is published is moderated first", unmoderated, "unmoderated")
            out += item(uncapped.isEmpty, "Every call caps the tokens it generates", uncapped, "no cap")
            out += item(literal.isEmpty, "No key is written into the source", literal, "hard-coded")
            _ = calls
            out += "\n| Call site | Callee | Models | Backoff | Token cap | Output | Key source |\n|---|---|---|---|---|---|---|\n"
            for entry in provider.entries {
                let call = entry.call
                out += "| `\(cell(entry.path)):\(call.line)` | `\(cell(call.callee))`\(call.isModeration ? " (moderation check)" : "") | "
                    + "\(cell(call.models.isEmpty ? "-" : call.models.joined(separator: ", "))) | \(backoffText(call.backoff)) | "
                    + "\(cell(call.tokenCap ?? "none")) | \(cell(outputText(call.outputs))) | "
                    + "\(cell(call.keySources.map(keyText).joined(separator: "; "))) |\n"
            }
        }
        return out
    }
}
