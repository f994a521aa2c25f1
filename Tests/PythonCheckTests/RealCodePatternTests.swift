import PythonCheck
import XCTest

/// Patterns met in public AI repositories (issue 15), each from a minimal file.
final class RealCodePatternTests: XCTestCase {
    private func rules(_ code: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let result = check(code)
        XCTAssertNil(result.parseNote, describe(result), file: file, line: line)
        return result.findings.map(\.ruleID)
    }

    private func message(_ code: String) -> String {
        check(code).findings.first?.message ?? ""
    }

    // MARK: litellm routes

    func testLiteLLMOpenAIAndAzureModelsRetryThroughTheOpenAISDK() {
        XCTAssertEqual(rules("import litellm\nlitellm.completion(model='gpt-4o', messages=[])\n"), [])
        XCTAssertEqual(rules("import litellm\nlitellm.embedding(model='text-embedding-3-small', input=['x'])\n"), [])
        XCTAssertEqual(rules("from litellm import completion\ncompletion(model='azure/my-deployment', messages=[])\n"), [])
        XCTAssertEqual(rules("import litellm\nparams = {'model': 'openai/gpt-4o-mini', 'messages': []}\nlitellm.completion(**params)\n"), [])
    }

    func testLiteLLMOtherRoutesMakeOneRequest() {
        let code = "import litellm\nlitellm.completion(model='anthropic/claude-3-5-sonnet', messages=[])\n"
        XCTAssertEqual(rules(code), ["ai-backoff-missing"])
        XCTAssertTrue(message(code).contains("`anthropic/claude-3-5-sonnet`"), message(code))
        XCTAssertEqual(rules("import litellm\nlitellm.completion(model='gemini/gemini-2.0-flash', messages=[])\n"), ["ai-backoff-missing"])
    }

    func testLiteLLMModelChosenAtRunTime() {
        let code = "import litellm\ndef ask(model, q):\n    return litellm.completion(model=model, messages=[q])\n"
        XCTAssertEqual(rules(code), ["ai-backoff-missing"])
        XCTAssertTrue(message(code).contains("at run time"), message(code))
    }

    func testLiteLLMRetrySettingsCount() {
        // max_retries=0 turns the openai SDK's retries off on the OpenAI route.
        XCTAssertEqual(rules("import litellm\nlitellm.completion(model='gpt-4o', messages=[], max_retries=0)\n"), ["ai-backoff-missing"])
        // num_retries retries without waiting, unless the strategy is exponential.
        XCTAssertEqual(rules("import litellm\nlitellm.completion(model='claude-3-haiku', messages=[], num_retries=3)\n"), ["ai-backoff-constant"])
        XCTAssertEqual(rules("import litellm\nlitellm.num_retries = 3\nlitellm.completion(model='bedrock/m', messages=[])\n"), ["ai-backoff-constant"])
        XCTAssertEqual(rules("""
        import litellm
        litellm.completion(model='vertex_ai/gemini', messages=[], num_retries=3, retry_strategy='exponential_backoff_retry')
        """), [])
        // A Router retries (twice by default) with growing sleeps; num_retries=0 turns that off.
        XCTAssertEqual(rules("from litellm import Router\nrouter = Router(model_list=[])\nrouter.completion(model='claude', messages=[])\n"), [])
        XCTAssertEqual(rules("import litellm\nrouter = litellm.Router(model_list=[], num_retries=0)\nrouter.completion(model='g', messages=[])\n"),
                       ["ai-backoff-missing"])
    }
}
