import PythonCheck
import Foundation
import Testing

/// The reference's "Cases a checker has to get right", one test each.
@Suite struct ReferenceCaseTests {
    private func ruleIDs(_ code: String) -> [String] {
        let result = check(code)
        #expect(result.parseNote == nil)
        return result.findings.map(\.ruleID).sorted()
    }

    /// 1. A helper reached only from protected functions is protected; one reached from any
    ///    unprotected caller is not.
    @Test func case1HelperCallers() {
        let helper = """
        import anthropic
        from tenacity import retry, stop_after_attempt, wait_random_exponential
        client = anthropic.Anthropic(max_retries=0)
        def send(messages):
            return client.messages.create(model="claude", max_tokens=10, messages=messages)
        @retry(wait=wait_random_exponential(min=1, max=60), stop=stop_after_attempt(6))
        def chat(messages):
            return send(messages)
        """
        #expect(ruleIDs(helper) == [])
        let unprotected = helper + "\ndef quick(messages):\n    return send(messages)\n"
        let findings = check(unprotected).findings
        #expect(findings.map(\.ruleID) == ["ai-backoff-missing"])
        #expect(findings.first?.line == 5)
    }

    /// 2. Decorated methods, async functions, nested functions, decorators applied by call.
    @Test func case2DecoratorShapes() {
        #expect(ruleIDs("""
        import backoff
        from openai import AsyncOpenAI
        client = AsyncOpenAI(max_retries=0)
        class Agent:
            @backoff.on_exception(backoff.expo, Exception, max_tries=4)
            async def step(self):
                async def inner():
                    return await client.chat.completions.create(model="m", messages=[])
                return await inner()
        def plain():
            return client.chat.completions.create(model="m", messages=[])
        plain = backoff.on_exception(backoff.expo, Exception, max_tries=4)(plain)
        """) == [])
    }

    /// 3. Module-level script or notebook code: nothing to decorate, so the fix says so.
    @Test func case3ModuleLevelCode() {
        let findings = check("import openai\nfor prompt in ['a', 'b']:\n    print(openai.Completion.create(prompt=prompt))\n").findings
        #expect(findings.map(\.ruleID) == ["ai-backoff-missing"])
        #expect(findings[0].message.contains("Module-level code has nothing to decorate"))
    }

    /// 4. `max_retries=0` in any of its spellings turns the SDK default off.
    @Test func case4MaxRetriesZero() {
        let spellings = [
            "client = OpenAI(max_retries=0)\nclient.chat.completions.create()",
            "client = OpenAI().with_options(max_retries=0)\nclient.chat.completions.create()",
            "client = OpenAI()\nclient.with_options(max_retries=0).chat.completions.create()",
            "openai.max_retries = 0\nopenai.chat.completions.create()",
            "NO_RETRIES = 0\nclient = OpenAI(max_retries=NO_RETRIES)\nclient.chat.completions.create()",
            "llm = ChatOpenAI(max_retries=0)\nllm.invoke('x')",
        ]
        for spelling in spellings {
            let code = "import openai\nfrom openai import OpenAI\nfrom langchain_openai import ChatOpenAI\n\(spelling)\n"
            #expect(ruleIDs(code) == ["ai-backoff-missing"], "\(spelling)")
        }
    }

    /// 5. Constant waits, unbounded retries and `except …: pass/continue` in a loop are their
    ///    own, milder problems.
    @Test func case5MilderProblems() {
        #expect(ruleIDs("""
        import openai, time
        def ask():
            for attempt in range(3):
                try:
                    return openai.Completion.create(prompt='x')
                except openai.error.RateLimitError:
                    time.sleep(10)
        """) == ["ai-backoff-constant"])
        #expect(ruleIDs("""
        import openai, backoff
        @backoff.on_exception(backoff.expo, openai.error.RateLimitError)
        def ask():
            return openai.Completion.create(prompt='x')
        """) == ["ai-backoff-unbounded"])
        #expect(ruleIDs("""
        from openai import OpenAI, RateLimitError
        client = OpenAI()
        def run(prompts):
            for prompt in prompts:
                try:
                    client.chat.completions.create(model='m', messages=[])
                except RateLimitError:
                    pass
        """) == ["ai-rate-limit-swallowed"])
    }

    /// 6. Catching the wrong exception class: google-genai raises `errors.ClientError`.
    @Test func case6WrongExceptionClass() {
        let wrong = """
        import time
        from google import genai
        from google.api_core import exceptions
        client = genai.Client()
        def ask(prompt):
            for attempt in range(5):
                try:
                    return client.models.generate_content(model="m", contents=prompt)
                except exceptions.ResourceExhausted:
                    time.sleep(2 ** attempt)
        """
        let findings = check(wrong).findings
        #expect(findings.map(\.ruleID) == ["ai-backoff-missing"])
        #expect(findings[0].message.contains("ResourceExhausted"))
        let right = wrong.replacingOccurrences(of: "from google.api_core import exceptions", with: "from google.genai import errors")
            .replacingOccurrences(of: "exceptions.ResourceExhausted", with: "errors.ClientError")
        #expect(ruleIDs(right) == [])
    }

    /// 7. Text in strings and comments is not a call.
    @Test func case7StringsAndComments() {
        #expect(ruleIDs("""
        import openai
        # openai.ChatCompletion.create(model="gpt-4")
        HELP = '''Use openai.ChatCompletion.create(...) to ask.'''
        template = f"{HELP} openai.Completion.create("
        """) == [])
    }

    /// 8. A file that does not parse must not stop the scan.
    @Test func case8BrokenFileGivesANote() {
        let broken = check("import openai\ndef f(:\n    openai.Completion.create(\n")
        #expect(broken.parseNote != nil)
        #expect(broken.findings.isEmpty)
        // The next file is checked as usual.
        #expect(ruleIDs("import openai\nopenai.Completion.create(prompt='x')\n") == ["ai-backoff-missing"])
    }
}
