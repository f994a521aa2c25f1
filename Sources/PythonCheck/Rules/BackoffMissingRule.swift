/// `ai-backoff-missing`: an AI call that nothing retries with a growing wait.
enum BackoffMissingRule {
    static let description = AIRuleDescription(
        id: "ai-backoff-missing",
        severity: .error,
        summary: "A call to an AI API has no backoff on rate limits (429): no backoff decorator, retry block or "
            + "hand-written retry loop with a growing wait around it, and the SDK does not retry by itself "
            + "(or was told not to).",
        examples: [
            AIRuleExample("""
            import openai

            def ask(prompt):
                return ↓openai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": prompt}])
            """),
            AIRuleExample("""
            from openai import OpenAI
            client = OpenAI(max_retries=0)

            def ask(prompt):
                return ↓client.chat.completions.create(model="gpt-4o", messages=[])
            """),
            AIRuleExample("""
            from google import genai
            client = genai.Client()
            response = ↓client.models.generate_content(model="gemini-2.0-flash", contents="hi")
            """),
            AIRuleExample("""
            import anthropic

            class Assistant:
                def __init__(self):
                    self.client = anthropic.Anthropic()

                def reply(self, text):
                    fast = self.client.with_options(max_retries=0)
                    return ↓fast.messages.create(model="claude-sonnet-4", max_tokens=100, messages=[])
            """),
            AIRuleExample("""
            import requests
            OPENAI_URL = "https://api.openai.com/v1/chat/completions"

            def ask(payload):
                return ↓requests.post(OPENAI_URL, json=payload, timeout=30)
            """),
            AIRuleExample("""
            import time
            from google import genai
            from google.api_core.exceptions import ResourceExhausted
            client = genai.Client()

            def ask(prompt):
                for attempt in range(5):
                    try:
                        return ↓client.models.generate_content(model="gemini-2.0-flash", contents=prompt)
                    except ResourceExhausted:
                        time.sleep(2 ** attempt)
            """),
            AIRuleExample("""
            import openai
            from tenacity import retry, wait_random_exponential, stop_after_attempt

            def complete(prompt):
                return ↓openai.Completion.create(model="davinci", prompt=prompt)

            @retry(wait=wait_random_exponential(min=1, max=60), stop=stop_after_attempt(6))
            def safe(prompt):
                return complete(prompt)

            def unsafe(prompt):
                return complete(prompt)
            """),
            AIRuleExample("""
            from mistralai import Mistral
            client = Mistral(api_key=os.environ["MISTRAL_API_KEY"])

            async def ask(messages):
                return await ↓client.chat.complete_async(model="mistral-large-latest", messages=messages)
            """),
        ],
        negativeExamples: [
            AIRuleExample("""
            from openai import OpenAI
            client = OpenAI()

            def ask(prompt):
                return client.chat.completions.create(model="gpt-4o", messages=[])
            """),
            AIRuleExample("""
            import openai
            from tenacity import retry, stop_after_attempt, wait_random_exponential

            @retry(wait=wait_random_exponential(min=1, max=60), stop=stop_after_attempt(6))
            def ask(prompt):
                return openai.ChatCompletion.create(model="gpt-4", messages=[])
            """),
            AIRuleExample("""
            import ollama
            reply = ollama.chat(model="llama3", messages=[])
            """),
            AIRuleExample("""
            from openai import OpenAI
            client = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama", max_retries=0)
            reply = client.chat.completions.create(model="llama3", messages=[])
            """),
            AIRuleExample("""
            import openai
            # openai.ChatCompletion.create(model="gpt-4") is the old API
            DOC = "call openai.ChatCompletion.create( with a model"
            """),
            AIRuleExample("""
            from google import genai
            from google.genai import types
            client = genai.Client(http_options=types.HttpOptions(retry_options=types.HttpRetryOptions(attempts=5)))
            response = client.models.generate_content(model="gemini-2.0-flash", contents="hi")
            """),
            AIRuleExample("""
            import openai
            from tenacity import Retrying, stop_after_attempt, wait_exponential

            def ask(prompt):
                for attempt in Retrying(wait=wait_exponential(min=1, max=30), stop=stop_after_attempt(5)):
                    with attempt:
                        return openai.ChatCompletion.create(model="gpt-4", messages=[])
            """),
            AIRuleExample("""
            import time
            import openai

            def ask(prompt):
                for attempt in range(6):
                    try:
                        return openai.ChatCompletion.create(model="gpt-4", messages=[])
                    except openai.error.RateLimitError:
                        time.sleep(min(60, 2 ** attempt))
                raise RuntimeError("gave up")
            """),
        ])

    static func message(site: AICallSite, callee: String, reason: String, atModuleLevel: Bool) -> String {
        let fix: String
        if site.spec?.name == "langchain" {
            fix = "Keep the model's max_retries above 0 or wrap it with `.with_retry(stop_after_attempt=6)`"
        } else {
            let decorators = "`@backoff.on_exception(backoff.expo, \(site.fixException), max_tries=6)` or "
                + "`@retry(wait=wait_random_exponential(min=1, max=60), stop=stop_after_attempt(6))` (tenacity)"
            fix = atModuleLevel
                ? "Module-level code has nothing to decorate: move the call into a function decorated with \(decorators)"
                : "Decorate the enclosing function with \(decorators)"
        }
        return "\(site.label) call `\(callee)` has no backoff on rate limits: \(reason). \(fix)."
    }
}
