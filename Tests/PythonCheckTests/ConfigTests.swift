import PythonCheck
import Foundation
import Testing

/// The public configuration: rules off, severities, extra SDKs, hosts and decorators.
@Suite struct ConfigTests {
    private let unprotected = "import openai\nopenai.Completion.create(prompt='x')\n"

    @Test func disabledRule() {
        var config = PythonCheckConfig()
        config.disabledRules = ["ai-backoff-missing"]
        #expect(check(unprotected, config: config).findings.isEmpty)
    }

    @Test func severityOverride() {
        var config = PythonCheckConfig()
        config.severityOverrides = ["ai-backoff-missing": .note]
        #expect(check(unprotected, config: config).findings.map(\.severity) == [.note])
        #expect(check(unprotected).findings.map(\.severity) == [.error])
    }

    @Test func extraSDKFromStrings() {
        let code = """
        from mycorp.llm import Client
        import mycorp.llm
        c = Client()
        def ask():
            return c.generate("x")
        mycorp.llm.generate("y")
        """
        #expect(check(code).findings.isEmpty)
        var config = PythonCheckConfig()
        config.extraSDKs = [AISDKSpec(module: "mycorp.llm", constructors: ["Client"], calls: ["generate"], retriesByDefault: false)]
        let findings = check(code, config: config).findings
        #expect(findings.map(\.ruleID) == ["ai-backoff-missing", "ai-backoff-missing"])
        #expect(findings.map(\.sdk) == ["mycorp", "mycorp"])
        #expect(findings.map(\.line) == [5, 6])
        config.extraSDKs[0].retriesByDefault = true
        #expect(check(code, config: config).findings.isEmpty)
    }

    @Test func extraCallPatternOfAKnownModule() {
        let code = "import openai\nclient = openai.OpenAI(max_retries=0)\nclient.evals.runs.create(eval_id='e')\n"
        #expect(check(code).findings.isEmpty)
        var config = PythonCheckConfig()
        config.extraSDKs = [AISDKSpec(module: "openai", constructors: ["OpenAI"], calls: ["evals.runs.create"], retriesByDefault: true)]
        #expect(check(code, config: config).findings.map(\.ruleID) == ["ai-backoff-missing"])
    }

    @Test func extraAPIHost() {
        let code = "import requests\nrequests.post('https://llm.internal.example/v1/chat', json={})\n"
        #expect(check(code).findings.isEmpty)
        var config = PythonCheckConfig()
        config.extraAPIHosts = ["llm.internal.example"]
        #expect(check(code, config: config).findings.map(\.ruleID) == ["ai-backoff-missing"])
    }

    @Test func filesWithoutAIWordsAreNotParsed() {
        // Broken, but names no AI SDK: nothing to say about it.
        #expect(check("def f(:\n").parseNote == nil)
        #expect(check("import openai\ndef f(:\n").parseNote != nil)
    }
}
