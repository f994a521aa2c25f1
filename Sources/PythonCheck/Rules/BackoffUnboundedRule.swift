/// `ai-backoff-unbounded`: a retry around an AI call that never gives up.
enum BackoffUnboundedRule {
    static let description = AIRuleDescription(
        id: "ai-backoff-unbounded",
        severity: .note,
        summary: "A retry around an AI call has no stop: backoff without `max_tries`/`max_time`, tenacity without "
            + "`stop=`, a `while True` retry loop that never raises or breaks out.",
        examples: [
            AIRuleExample("""
            import backoff
            import openai

            ↓@backoff.on_exception(backoff.expo, openai.error.RateLimitError)
            def ask(prompt):
                return openai.ChatCompletion.create(model="gpt-4", messages=[])
            """),
            AIRuleExample("""
            import anthropic
            from tenacity import retry, wait_random_exponential
            client = anthropic.Anthropic(max_retries=0)

            ↓@retry(wait=wait_random_exponential(min=1, max=60))
            def ask(prompt):
                return client.messages.create(model="claude-sonnet-4", max_tokens=100, messages=[])
            """),
            AIRuleExample("""
            import time
            import openai

            def ask(prompt):
                attempt = 0
                ↓while True:
                    try:
                        return openai.ChatCompletion.create(model="gpt-4", messages=[])
                    except openai.error.RateLimitError:
                        time.sleep(2 ** attempt)
                        attempt += 1
            """),
        ],
        negativeExamples: [
            AIRuleExample("""
            import backoff
            import openai

            @backoff.on_exception(backoff.expo, openai.error.RateLimitError, max_tries=8)
            def ask(prompt):
                return openai.ChatCompletion.create(model="gpt-4", messages=[])
            """),
            AIRuleExample("""
            import time
            import openai

            def ask(prompt):
                attempt = 0
                while True:
                    try:
                        return openai.ChatCompletion.create(model="gpt-4", messages=[])
                    except openai.error.RateLimitError:
                        if attempt >= 5:
                            raise
                        time.sleep(2 ** attempt)
                        attempt += 1
            """),
            AIRuleExample("""
            import stamina
            import openai

            @stamina.retry(on=openai.error.RateLimitError, attempts=5)
            def ask(prompt):
                return openai.ChatCompletion.create(model="gpt-4", messages=[])
            """),
        ])

    static func message(site: AICallSite, detail: String) -> String {
        let why = detail.isEmpty ? "it has no stop condition" : detail
        return "This retry around the \(site.label) call never gives up (\(why)): a lasting 429 or an exhausted quota "
            + "keeps it busy forever. Add a limit, e.g. `stop=stop_after_attempt(6)` or `max_tries=6`."
    }
}
