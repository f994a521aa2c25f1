/// `ai-rate-limit-swallowed`: a loop that catches the rate-limit error and goes straight on.
enum RateLimitSwallowedRule {
    static let description = AIRuleDescription(
        id: "ai-rate-limit-swallowed",
        severity: .warning,
        summary: "Inside a loop, an `except` that catches the rate-limit error (or `Exception`, or everything) "
            + "around an AI call continues or passes without sleeping, so the next request follows a 429 at once.",
        examples: [
            AIRuleExample("""
            import openai
            client = openai.OpenAI()

            def summarise(texts):
                out = []
                for text in texts:
                    try:
                        out.append(client.chat.completions.create(model="gpt-4o", messages=[]))
                    ↓except openai.RateLimitError:
                        continue
                return out
            """),
            AIRuleExample("""
            import anthropic
            client = anthropic.Anthropic()

            def run(prompts):
                for prompt in prompts:
                    try:
                        client.messages.create(model="claude-sonnet-4", max_tokens=10, messages=[])
                    ↓except Exception:
                        pass
            """),
            AIRuleExample("""
            import openai

            while True:
                try:
                    reply = openai.ChatCompletion.create(model="gpt-4", messages=[])
                    break
                ↓except:
                    print("failed, trying again")
            """),
        ],
        negativeExamples: [
            AIRuleExample("""
            import time
            import openai

            def ask(prompt):
                for attempt in range(5):
                    try:
                        return openai.ChatCompletion.create(model="gpt-4", messages=[])
                    except openai.error.RateLimitError:
                        time.sleep(2 ** attempt)
            """),
            AIRuleExample("""
            import openai
            client = openai.OpenAI()

            def run(prompts):
                for prompt in prompts:
                    try:
                        client.chat.completions.create(model="gpt-4o", messages=[])
                    except openai.RateLimitError:
                        raise
            """),
            AIRuleExample("""
            import openai
            client = openai.OpenAI()

            def ask(prompt):
                try:
                    return client.chat.completions.create(model="gpt-4o", messages=[])
                except openai.RateLimitError:
                    return None
            """),
            AIRuleExample("""
            import openai
            client = openai.OpenAI()

            def run(prompts):
                for prompt in prompts:
                    try:
                        client.chat.completions.create(model="gpt-4o", messages=[])
                    except ValueError:
                        continue
            """),
        ])

    static func message(site: AICallSite, caught: String) -> String {
        let clause = caught.isEmpty ? "A bare `except:`" : "`except \(caught)`"
        return "\(clause) around the \(site.label) call in a loop goes on without waiting: after a 429 the next request "
            + "follows at once. Sleep with a growing delay in the handler, or re-raise to a backoff decorator."
    }
}
