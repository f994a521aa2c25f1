import PythonCheck
import XCTest

/// The public configuration: rules off, severities, extra SDKs, hosts and decorators.
final class ConfigTests: XCTestCase {
    private let unprotected = "import openai\nopenai.Completion.create(prompt='x')\n"

    func testDisabledRule() {
        var config = PythonCheckConfig()
        config.disabledRules = ["ai-backoff-missing"]
        XCTAssertTrue(check(unprotected, config: config).findings.isEmpty)
    }

    func testSeverityOverride() {
        var config = PythonCheckConfig()
        config.severityOverrides = ["ai-backoff-missing": .note]
        XCTAssertEqual(check(unprotected, config: config).findings.map(\.severity), [.note])
        XCTAssertEqual(check(unprotected).findings.map(\.severity), [.error])
    }

    func testExtraSDKFromStrings() {
        let code = """
        from mycorp.llm import Client
        import mycorp.llm
        c = Client()
        def ask():
            return c.generate("x")
        mycorp.llm.generate("y")
        """
        XCTAssertTrue(check(code).findings.isEmpty)
        var config = PythonCheckConfig()
        config.extraSDKs = [AISDKSpec(module: "mycorp.llm", constructors: ["Client"], calls: ["generate"], retriesByDefault: false)]
        let findings = check(code, config: config).findings
        XCTAssertEqual(findings.map(\.ruleID), ["ai-backoff-missing", "ai-backoff-missing"])
        XCTAssertEqual(findings.map(\.sdk), ["mycorp", "mycorp"])
        XCTAssertEqual(findings.map(\.line), [5, 6])
        config.extraSDKs[0].retriesByDefault = true
        XCTAssertTrue(check(code, config: config).findings.isEmpty)
    }

    func testExtraCallPatternOfAKnownModule() {
        let code = "import openai\nclient = openai.OpenAI(max_retries=0)\nclient.evals.runs.create(eval_id='e')\n"
        XCTAssertTrue(check(code).findings.isEmpty)
        var config = PythonCheckConfig()
        config.extraSDKs = [AISDKSpec(module: "openai", constructors: ["OpenAI"], calls: ["evals.runs.create"], retriesByDefault: true)]
        XCTAssertEqual(check(code, config: config).findings.map(\.ruleID), ["ai-backoff-missing"])
    }

    func testExtraAPIHost() {
        let code = "import requests\nrequests.post('https://llm.internal.example/v1/chat', json={})\n"
        XCTAssertTrue(check(code).findings.isEmpty)
        var config = PythonCheckConfig()
        config.extraAPIHosts = ["llm.internal.example"]
        XCTAssertEqual(check(code, config: config).findings.map(\.ruleID), ["ai-backoff-missing"])
    }

    func testFilesWithoutAIWordsAreNotParsed() {
        // Broken, but names no AI SDK: nothing to say about it.
        XCTAssertNil(check("def f(:\n").parseNote)
        XCTAssertNotNil(check("import openai\ndef f(:\n").parseNote)
    }
}
