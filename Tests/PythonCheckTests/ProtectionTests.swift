import PythonCheck
import Foundation
import Testing

/// Each way of adding backoff, and the ways that do not count.
@Suite struct ProtectionTests {
    /// An openai 0.x call, which has no retries of its own, inside `body` with `indent`.
    private let call = "openai.ChatCompletion.create(model='gpt-4', messages=[])"

    private func rules(_ code: String, config: PythonCheckConfig = PythonCheckConfig(), sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        let result = check(code, config: config)
        #expect(result.parseNote == nil, sourceLocation: sourceLocation)
        return result.findings.map(\.ruleID).sorted()
    }

    private func assertProtected(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(rules(code, sourceLocation: sourceLocation) == [], "\(describe(check(code)))", sourceLocation: sourceLocation)
    }

    private func assertUnprotected(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(rules(code, sourceLocation: sourceLocation).contains("ai-backoff-missing"), "\(describe(check(code)))", sourceLocation: sourceLocation)
    }

    @Test func growingDecorators() {
        let decorators = [
            ("import backoff", "@backoff.on_exception(backoff.expo, openai.error.RateLimitError, max_tries=5)"),
            ("import backoff", "@backoff.on_exception(backoff.fibo, (openai.error.RateLimitError, openai.error.APIError), max_time=60)"),
            ("from backoff import on_exception, expo", "@on_exception(expo, Exception, max_tries=3)"),
            ("import backoff", "@backoff.on_predicate(backoff.expo, lambda r: r is None, max_tries=3)"),
            ("from tenacity import retry, wait_exponential, stop_after_attempt", "@retry(wait=wait_exponential(multiplier=1, min=4, max=10), stop=stop_after_attempt(3))"),
            ("from tenacity import retry, wait_random_exponential, stop_after_attempt", "@retry(wait=wait_random_exponential(min=1, max=60), stop=stop_after_attempt(6))"),
            ("from tenacity import retry, wait_full_jitter, stop_after_delay", "@retry(wait=wait_full_jitter(), stop=stop_after_delay(30))"),
            ("from tenacity import retry, wait_exponential_jitter, stop_after_attempt", "@retry(wait=wait_exponential_jitter(initial=1), stop=stop_after_attempt(5))"),
            ("from tenacity import retry, wait_incrementing, stop_after_attempt", "@retry(wait=wait_incrementing(start=1, increment=2), stop=stop_after_attempt(5))"),
            ("import tenacity", "@tenacity.retry(wait=tenacity.wait_fixed(1) + tenacity.wait_random_exponential(max=10), stop=tenacity.stop_after_attempt(4), retry=tenacity.retry_if_exception_type(openai.error.RateLimitError))"),
            ("import stamina", "@stamina.retry(on=openai.error.RateLimitError, attempts=5)"),
            ("from retrying import retry", "@retry(wait_exponential_multiplier=1000, wait_exponential_max=10000, stop_max_attempt_number=5)"),
            ("from retry import retry", "@retry(openai.error.RateLimitError, tries=5, delay=1, backoff=2)"),
        ]
        for (imports, decorator) in decorators {
            assertProtected("import openai\n\(imports)\n\n\(decorator)\ndef ask():\n    return \(call)\n")
            assertProtected("import openai\n\(imports)\n\n\(decorator)\nasync def ask():\n    return await openai.ChatCompletion.acreate(model='m')\n")
        }
    }

    @Test func decoratedMethodsAndNestedFunctions() {
        assertProtected("""
        import openai, backoff
        class Service:
            @staticmethod
            @backoff.on_exception(backoff.expo, openai.error.RateLimitError, max_tries=5)
            def ask(prompt):
                return \(call)
        """)
        assertProtected("""
        import openai, backoff
        @backoff.on_exception(backoff.expo, openai.error.RateLimitError, max_tries=5)
        def outer():
            def inner():
                return \(call)
            return inner()
        """)
    }

    @Test func decoratorKeptInAVariableOrAppliedByCall() {
        assertProtected("""
        import openai
        from tenacity import retry, stop_after_attempt, wait_random_exponential
        llm_retry = retry(wait=wait_random_exponential(min=1, max=60), stop=stop_after_attempt(6))

        @llm_retry
        def ask():
            return \(call)
        """)
        assertProtected("""
        import openai
        from tenacity import retry, stop_after_attempt, wait_random_exponential

        def ask():
            return \(call)

        ask = retry(wait=wait_random_exponential(min=1, max=60), stop=stop_after_attempt(6))(ask)
        """)
        assertProtected("""
        import openai, backoff

        def ask():
            return \(call)

        safe_ask = backoff.on_exception(backoff.expo, openai.error.RateLimitError, max_tries=4)(ask)
        safe_ask()
        """)
    }

    @Test func retryBlocks() {
        assertProtected("""
        import openai
        from tenacity import AsyncRetrying, stop_after_attempt, wait_random_exponential
        async def ask():
            async for attempt in AsyncRetrying(wait=wait_random_exponential(max=30), stop=stop_after_attempt(5)):
                with attempt:
                    return await openai.ChatCompletion.acreate(model='m')
        """)
        assertProtected("""
        import openai, stamina
        def ask():
            for attempt in stamina.retry_context(on=openai.error.RateLimitError, attempts=5):
                with attempt:
                    return \(call)
        """)
        assertProtected("""
        import openai
        from tenacity import Retrying, stop_after_attempt, wait_exponential
        retryer = Retrying(wait=wait_exponential(), stop=stop_after_attempt(3))
        def ask():
            for attempt in retryer:
                with attempt:
                    return \(call)
        """)
    }

    @Test func handWrittenLoops() {
        let loops = [
            "time.sleep(2 ** attempt)",
            "time.sleep(min(60, 1.5 * 2 ** attempt))",
            "time.sleep(random.uniform(0, 2 ** attempt))",
            "time.sleep(1 << attempt)",
            "wait = base * 2 ** attempt + random.random()\n            time.sleep(wait)",
        ]
        for sleep in loops {
            assertProtected("""
            import openai, random, time
            base = 1
            def ask():
                for attempt in range(5):
                    try:
                        return \(call)
                    except openai.error.RateLimitError:
                        \(sleep)
                raise RuntimeError("gave up")
            """)
        }
        assertProtected("""
        import asyncio, openai
        async def ask():
            delay = 1.0
            attempt = 0
            while attempt < 6:
                try:
                    return await openai.ChatCompletion.acreate(model='m')
                except (openai.error.RateLimitError, openai.error.APIError):
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 60)
                    attempt += 1
        """)
        assertProtected("""
        import requests, time
        def ask(payload):
            for attempt in range(5):
                response = requests.post("https://api.openai.com/v1/chat/completions", json=payload)
                if response.status_code == 429:
                    time.sleep(2 ** attempt)
                    continue
                return response
        """)
        // A handler that falls through to a sleep after the try.
        assertProtected("""
        import openai, time
        from time import sleep
        def ask():
            for attempt in range(5):
                try:
                    return \(call)
                except Exception as error:
                    print(error)
                sleep(2 ** attempt)
        """)
    }

    @Test func rateLimitersAreNotBackoff() {
        assertUnprotected("""
        import openai
        from ratelimit import limits, sleep_and_retry
        @sleep_and_retry
        @limits(calls=10, period=60)
        def ask():
            return \(call)
        """)
        assertUnprotected("""
        import asyncio, openai
        from aiolimiter import AsyncLimiter
        limiter = AsyncLimiter(10, 60)
        semaphore = asyncio.Semaphore(4)
        async def ask():
            async with limiter, semaphore:
                return await openai.ChatCompletion.acreate(model='m')
        """)
    }

    @Test func retryWithTheWrongExceptionDoesNotCount() {
        let code = """
        import openai, backoff
        @backoff.on_exception(backoff.expo, ValueError, max_tries=5)
        def ask():
            return \(call)
        """
        #expect(rules(code) == ["ai-backoff-missing"])
        #expect(check(code).findings[0].message.contains("catches ValueError"))
        let tenacityCode = """
        import openai
        from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential
        @retry(wait=wait_exponential(), stop=stop_after_attempt(3), retry=retry_if_exception_type(KeyError))
        def ask():
            return \(call)
        """
        #expect(rules(tenacityCode) == ["ai-backoff-missing"])
    }

    @Test func helpersAreProtectedOnlyThroughAllTheirCallers() {
        let protectedHelper = """
        import openai, backoff
        def complete(prompt):
            return openai.Completion.create(prompt=prompt)
        def middle(prompt):
            return complete(prompt)
        @backoff.on_exception(backoff.expo, openai.error.RateLimitError, max_tries=5)
        def first(prompt):
            return middle(prompt)
        @backoff.on_exception(backoff.expo, openai.error.RateLimitError, max_tries=5)
        def second(prompt):
            return [middle(p) for p in prompt]
        """
        assertProtected(protectedHelper)
        #expect(rules(protectedHelper + "\nmiddle('x')\n") == ["ai-backoff-missing"])
        // A helper that is passed around (not called) has callers the checker cannot see.
        #expect(rules(protectedHelper + "\nfrom concurrent.futures import ThreadPoolExecutor\nThreadPoolExecutor().map(complete, ['x'])\n") == ["ai-backoff-missing"])
        // A helper nobody calls is an entry point.
        assertUnprotected("import openai\ndef complete(prompt):\n    return openai.Completion.create(prompt=prompt)\n")
    }

    @Test func methodHelpersThroughSelf() {
        assertProtected("""
        import openai, backoff
        class Client:
            def _send(self, prompt):
                return openai.Completion.create(prompt=prompt)
            @backoff.on_exception(backoff.expo, openai.error.RateLimitError, max_tries=5)
            def ask(self, prompt):
                return self._send(prompt)
        """)
        assertUnprotected("""
        import openai, backoff
        class Client:
            def _send(self, prompt):
                return openai.Completion.create(prompt=prompt)
            @backoff.on_exception(backoff.expo, openai.error.RateLimitError, max_tries=5)
            def ask(self, prompt):
                return self._send(prompt)
            def ask_fast(self, prompt):
                return self._send(prompt)
        """)
    }

    @Test func recursiveHelpersTerminate() {
        assertUnprotected("""
        import openai
        def ping(n):
            if n:
                return pong(n - 1)
            return openai.Completion.create(prompt='x')
        def pong(n):
            return ping(n)
        """)
        assertUnprotected("""
        import openai
        def again(n):
            openai.Completion.create(prompt='x')
            return again(n - 1)
        """)
    }

    @Test func projectDecoratorsFromConfig() {
        let code = """
        import openai
        from mycorp.resilience import with_backoff
        import mycorp.retry as r
        @with_backoff
        def ask():
            return \(call)
        @r.llm_backoff(max_tries=3)
        def ask2():
            return \(call)
        """
        #expect(rules(code) == ["ai-backoff-missing", "ai-backoff-missing"])
        var config = PythonCheckConfig()
        config.extraDecorators = ["with_backoff", "mycorp.retry.llm_backoff"]
        #expect(rules(code, config: config) == [])
    }

    @Test func sDKRetriesAndStrictMode() {
        let code = "from openai import OpenAI\nclient = OpenAI()\ndef ask():\n    return client.chat.completions.create()\n"
        #expect(rules(code) == [])
        var strict = PythonCheckConfig()
        strict.strict = true
        let found = check(code, config: strict).findings
        #expect(found.map(\.ruleID) == ["ai-backoff-missing"])
        #expect(found[0].message.contains("strict"))
        // An explicit backoff satisfies strict mode, and so does an explicit retry configuration.
        #expect(rules("import backoff, openai\n" + code.replacingOccurrences(of: "def ask", with: "@backoff.on_exception(backoff.expo, openai.RateLimitError, max_tries=3)\ndef ask"), config: strict) == [])
        #expect(rules("from google import genai\nfrom google.genai import types\nc = genai.Client(http_options=types.HttpOptions(retry_options=types.HttpRetryOptions()))\nc.models.generate_content(model='m', contents='x')\n", config: strict) == [])
    }
}
