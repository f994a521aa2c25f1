/// `ai-backoff-constant`: the only retry around an AI call waits a constant time (or not at all).
/// A wait that grows linearly (`base * (attempt + 1)`) counts as constant too: under a sustained
/// rate limit it keeps clients synchronised and hammering at almost the same rate.
enum BackoffConstantRule {
    static let description = AIRuleDescription(
        id: "ai-backoff-constant",
        severity: .warning,
        summary: "The only retry around an AI call waits a constant (or only linearly growing) time, or does not "
            + "wait at all: `wait_fixed`, `backoff.constant`, a literal `sleep(5)`, `base * (i + 1)`, a bare "
            + "tenacity `@retry`, litellm's `num_retries`.",
        examples: [
            AIRuleExample("""
            import openai
            from tenacity import retry, stop_after_attempt, wait_fixed

            ↓@retry(wait=wait_fixed(5), stop=stop_after_attempt(3))
            def ask(prompt):
                return openai.ChatCompletion.create(model="gpt-4", messages=[])
            """),
            AIRuleExample("""
            import backoff
            import openai

            ↓@backoff.on_exception(backoff.constant, openai.error.RateLimitError, max_tries=5)
            def ask(prompt):
                return openai.ChatCompletion.create(model="gpt-4", messages=[])
            """),
            AIRuleExample("""
            import time
            import requests

            def ask(payload):
                for attempt in range(5):
                    try:
                        return requests.post("https://api.anthropic.com/v1/messages", json=payload)
                    except requests.HTTPError:
                        ↓time.sleep(5)
            """),
            AIRuleExample("""
            import time
            from google import genai
            from google.genai import errors
            client = genai.Client()

            def ask(prompt):
                for attempt in range(5):
                    try:
                        return client.models.generate_content(model="gemini-2.0-flash", contents=prompt)
                    except errors.ClientError:
                        ↓time.sleep(2 * (attempt + 1))
            """),
            AIRuleExample("""
            import openai
            from tenacity import retry

            ↓@retry
            def ask(prompt):
                return openai.ChatCompletion.create(model="gpt-4", messages=[])
            """),
            AIRuleExample("""
            import litellm
            reply = ↓litellm.completion(model="anthropic/claude-sonnet-4", messages=[], num_retries=3)
            """),
        ],
        negativeExamples: [
            AIRuleExample("""
            import openai
            from tenacity import retry, stop_after_attempt, wait_exponential

            @retry(wait=wait_exponential(multiplier=1, max=30), stop=stop_after_attempt(5))
            def ask(prompt):
                return openai.ChatCompletion.create(model="gpt-4", messages=[])
            """),
            AIRuleExample("""
            from openai import OpenAI
            from tenacity import retry, stop_after_attempt, wait_fixed
            client = OpenAI()

            @retry(wait=wait_fixed(2), stop=stop_after_attempt(3))
            def ask(prompt):
                return client.chat.completions.create(model="gpt-4o", messages=[])
            """),
            AIRuleExample("""
            import time
            import openai

            def ask(prompt):
                delay = 1
                for attempt in range(5):
                    try:
                        return openai.ChatCompletion.create(model="gpt-4", messages=[])
                    except openai.error.RateLimitError:
                        time.sleep(delay)
                        delay *= 2
            """),
            AIRuleExample("""
            import litellm
            reply = litellm.completion(model="anthropic/claude-sonnet-4", messages=[], num_retries=3, retry_strategy="exponential_backoff_retry")
            """),
        ])

    static func message(site: AICallSite, detail: String) -> String {
        let why = detail.isEmpty ? "its wait does not grow" : detail
        return "The only retry around this \(site.label) call waits a constant time (\(why)); after a 429 every "
            + "client retries in step. Use a growing wait, e.g. `wait=wait_random_exponential(min=1, max=60)` or `backoff.expo`."
    }
}
