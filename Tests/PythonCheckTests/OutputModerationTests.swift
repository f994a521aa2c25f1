import PythonCheck
import Foundation
import Testing

/// `ai-output-unmoderated` in process: each source form, sink family and moderation form, helper
/// flows, and output that never leaves the process. `↓` marks the line the finding must be on;
/// a case without it must give no finding.
@Suite struct OutputModerationTests {
    private static let rule = "ai-output-unmoderated"

    struct Case {
        var name: String
        var code: String
        var config = PythonCheckConfig()
        var messageContains: [String] = []
    }

    static let openAIHeader = """
    from openai import OpenAI
    client = OpenAI()

    """

    // The source forms, sink families, moderation forms, helper flows and local uses are the
    // rule's own examples (OutputUnmoderatedRule), run by RuleExampleTests and, through the
    // binary, by AIBackoffCLITests. These are what examples cannot say: messages and config.

    static let messages: [Case] = [
        Case(name: "names the SDK, the call's line and the sink", code: """
        from flask import Flask, jsonify
        from openai import OpenAI
        app = Flask(__name__)
        client = OpenAI()

        @app.route("/a")
        def a():
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            ↓return jsonify({"text": text})
        """, messageContains: ["openai call `client.chat.completions.create` (line 8)", "Flask jsonify at line 10",
                               "client.moderations.create(", "results[0].flagged"]),
        Case(name: "says when only the input is moderated", code: openAIHeader + """
        from flask import Flask, jsonify, request
        app = Flask(__name__)

        @app.post("/chat")
        def chat():
            question = request.json["q"]
            check = client.moderations.create(input=question)
            if check.results[0].flagged:
                return jsonify(error="flagged"), 400
            r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
            ↓return jsonify(reply=r.choices[0].message.content)
        """, messageContains: ["the moderation call at line 9 checks the input, not the model's output"]),
    ]

    static let configured: [Case] = [
        Case(name: "a project's own is_safe() from config", code: openAIHeader + """
        import streamlit as st
        from safety import is_safe
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        if is_safe(text):
            st.markdown(text)
        """, config: {
            var c = PythonCheckConfig()
            c.extraModeration = [ModerationCheck("is_safe", "is_safe")]
            return c
        }()),
        Case(name: "a project's own @moderated decorator from config", code: openAIHeader + """
        from flask import Flask
        from safety import moderated
        app = Flask(__name__)

        @app.route("/joke")
        @moderated
        def joke():
            return client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content
        """, config: {
            var c = PythonCheckConfig()
            c.extraModeration = [ModerationCheck("moderated", "moderated", kind: .decorator)]
            return c
        }()),
    ]

    func run(_ cases: [Case]) {
        for c in cases {
            let (code, marker) = AIRuleExample(c.code).source
            let result = check(code, config: c.config)
            #expect(result.parseNote == nil, "\(c.name): did not parse")
            let hits = result.findings.filter { $0.ruleID == Self.rule }
            if let marker {
                let expected = position(ofOffset: marker, in: code).line
                #expect(hits.map(\.line) == [expected], "\(c.name): expected one finding on line \(expected); got:\n\(describe(result))")
                for text in c.messageContains {
                    #expect(hits.first?.message.contains(text) ?? false, "\(c.name): message lacks '\(text)': \(hits.first?.message ?? "-")")
                }
                #expect(hits.first?.severity == .note)
            } else {
                #expect(hits.isEmpty, "\(c.name): expected no finding; got:\n\(describe(result))")
            }
        }
    }

    @Test func messages() { run(Self.messages) }
    @Test func projectModerationFromConfigClearsTheOutput() { run(Self.configured) }

    static var ruleDescription: AIRuleDescription { PythonCheck.rules.first { $0.id == rule }! }

    @Test func theRuleHasExamplesOfEveryFamily() {
        let code = Self.ruleDescription.examples.map(\.code).joined(separator: "\n")
        for sink in ["jsonify", "StreamingResponse", "send_text", "chat_postMessage", "say(", "channel.send", "reply_text",
                     "create_tweet", "status_post", "submit(", "send_message", "messages.create(body", "SendGridAPIClient",
                     "WEBHOOK_URL", "st.markdown", "ChatInterface", "HttpResponse"] {
            #expect(code.contains(sink), "no triggering example uses \(sink)")
        }
        let negative = Self.ruleDescription.negativeExamples.map(\.code).joined(separator: "\n")
        for check in ["moderations.create", "Moderation.create", "classifiers.moderate", "analyze_text", "comments().analyze",
                      "llama-guard", "guard.validate", "rails.generate", "out.md", "LABELS[raw]", "usage.total_tokens"] {
            #expect(negative.contains(check), "no non-triggering example shows \(check)")
        }
    }

    @Test func theSameCodeWithoutModerationIsFlagged() {
        // Every moderated case, with its moderation call renamed away, is a finding: the cases
        // above pass because of the check, not because the flow was missed.
        let moderated = Self.ruleDescription.negativeExamples.map { Case(name: "example at line \($0.line)", code: $0.code) } + Self.configured
        var twins = 0
        for c in moderated {
            var code = c.code
            for check in ["moderations.create", "Moderation.create", "classifiers.moderate", "analyze_text", ".analyze(",
                          "llama-guard-4-12b", "guard.validate", "rails.generate", "is_safe(", "@moderated"] {
                code = code.replacingOccurrences(of: check, with: check == "llama-guard-4-12b" ? "llama-4-scout" : check == "@moderated" ? "@functools.cache" : check == ".analyze(" ? ".annotate(" : check.replacingOccurrences(of: "e", with: "E"))
            }
            guard code != c.code else { continue }
            twins += 1
            let hits = check(code, config: c.config).findings.filter { $0.ruleID == Self.rule }
            #expect(!(hits.isEmpty), "\(c.name) without its check gave no finding:\n\(code)")
        }
        #expect(twins >= 12)
    }

    @Test func severityAndDisabling() {
        let code = Self.openAIHeader + "import streamlit as st\nst.write(client.chat.completions.create(model=\"gpt-4o\", messages=[]).choices[0].message.content)\n"
        var config = PythonCheckConfig()
        config.severityOverrides[Self.rule] = .error
        #expect(findings(code, Self.rule, config: config).map(\.severity) == [.error])
        config.disabledRules = [Self.rule]
        #expect(findings(code, Self.rule, config: config).isEmpty)
    }

    @Test func userSinkFromConfig() {
        let code = Self.openAIHeader + "from notify import publish\npublish(client.chat.completions.create(model=\"gpt-4o\", messages=[]).choices[0].message.content)\n"
        #expect(findings(code, Self.rule).isEmpty)
        var config = PythonCheckConfig()
        config.extraSinks = [OutputSink("publish", "our publish()", .custom)]
        let hits = findings(code, Self.rule, config: config)
        #expect(hits.map(\.line) == [4])
        #expect(hits.first?.message.contains("our publish()") ?? false)
    }

    @Test func notebookCells() {
        let cells = [
            "from openai import OpenAI\nimport streamlit as st\nclient = OpenAI()",
            "r = client.chat.completions.create(model=\"gpt-4o\", messages=[])",
            "st.write(r.choices[0].message.content)",
        ]
        let json = "{\"cells\": [" + cells.map { cell in
            "{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"source\": [\"" + cell.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\"]}"
        }.joined(separator: ", ") + "], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}"
        let result = checkNotebook(json)
        #expect(result.findings.filter { $0.ruleID == Self.rule }.count == 1, "\(describe(result))")
    }
}

/// The data tables behind the rule and the inventory.
@Suite struct OutputSafetyTableTests {
    @Test func everyProviderOfTheBackoffTableHasPolicyAndRateLimitLinks() {
        for name in Set(AISDKSpec.builtIn.map(\.name)) {
            let docs = ProviderDocs.byProvider[name]
            #expect(docs != nil, "\(name) has no usage-policy / rate-limit links in ProviderDocs.byProvider")
            #expect(docs?.usagePolicy.hasPrefix("https://") ?? false, "\(name)")
            #expect(docs?.rateLimits.hasPrefix("https://") ?? false, "\(name)")
        }
    }

    @Test func sinkAndModerationPatternsAreWellFormed() {
        for sink in OutputSink.builtIn {
            #expect(!(sink.pattern.isEmpty))
            #expect(!(sink.label.isEmpty))
            if sink.kind != .webhookURL { #expect(sink.pattern.contains(":"), "\(sink.pattern) names no module") }
        }
        for family in OutputSink.Family.allCases where family != .custom {
            #expect(OutputSink.builtIn.contains { $0.family == family }, "no built-in \(family) sink")
        }
        #expect(Set(OutputSink.builtIn.map(\.pattern)).count == OutputSink.builtIn.count, "a sink pattern is listed twice")
        #expect(Set(ModerationCheck.builtIn.map(\.pattern)).count == ModerationCheck.builtIn.count)
    }
}
