import Foundation
import Testing
@testable import LeakguardCore

/// The reference's hard cases, every protection form and every SDK family, through the real
/// binary: each snippet becomes a file, one scan reads them all, and each file must produce
/// exactly the expected AI rules.
@Suite struct AIBackoffCasesTests {
    struct Case { var name: String; var code: String; var expected: [String] }

    static let v0 = "import openai\n"
    /// Generated, so this file holds no key-shaped literal.
    static let fakeKey = ExampleTemplate.expand("{{alnum:32}}", seed: "ai-cases")
    static let v0Call = "openai.ChatCompletion.create(model='gpt-4', messages=[])"

    static let cases: [Case] = [
        // Reference case 1: a helper is protected only when all its callers are.
        Case(name: "helper_protected", code: """
        import anthropic
        from tenacity import retry, stop_after_attempt, wait_random_exponential
        client = anthropic.Anthropic(max_retries=0)
        def send(messages):
            return client.messages.create(model="claude", max_tokens=10, messages=messages)
        @retry(wait=wait_random_exponential(min=1, max=60), stop=stop_after_attempt(6))
        def chat(messages):
            return send(messages)
        """, expected: []),
        Case(name: "helper_unprotected_caller", code: """
        import anthropic
        from tenacity import retry, stop_after_attempt, wait_random_exponential
        client = anthropic.Anthropic(max_retries=0)
        def send(messages):
            return client.messages.create(model="claude", max_tokens=10, messages=messages)
        @retry(wait=wait_random_exponential(min=1, max=60), stop=stop_after_attempt(6))
        def chat(messages):
            return send(messages)
        def quick(messages):
            return send(messages)
        """, expected: ["ai-backoff-missing"]),
        // Case 2: decorated methods, async and nested functions, decorators applied by call.
        Case(name: "decorator_shapes", code: """
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
        """, expected: []),
        // Case 3: module-level script code.
        Case(name: "module_level", code: v0 + "for prompt in ['a', 'b']:\n    print(openai.Completion.create(prompt=prompt))\n",
             expected: ["ai-backoff-missing"]),
        // Case 4: max_retries=0 spellings.
        Case(name: "max_retries_client", code: "from openai import OpenAI\nclient = OpenAI(max_retries=0)\nclient.chat.completions.create(model='m', messages=[])\n",
             expected: ["ai-backoff-missing"]),
        Case(name: "max_retries_with_options", code: "from openai import OpenAI\nclient = OpenAI()\nclient.with_options(max_retries=0).chat.completions.create(model='m', messages=[])\n",
             expected: ["ai-backoff-missing"]),
        Case(name: "max_retries_module", code: "import openai\nopenai.max_retries = 0\nopenai.chat.completions.create(model='m', messages=[])\n",
             expected: ["ai-backoff-missing"]),
        Case(name: "max_retries_langchain", code: "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(max_retries=0)\nllm.invoke('x')\n",
             expected: ["ai-backoff-missing"]),
        // Case 5: milder problems.
        Case(name: "constant_sleep", code: """
        import openai, time
        def ask():
            for attempt in range(3):
                try:
                    return openai.Completion.create(prompt='x')
                except openai.error.RateLimitError:
                    time.sleep(10)
        """, expected: ["ai-backoff-constant"]),
        Case(name: "unbounded_backoff", code: """
        import openai, backoff
        @backoff.on_exception(backoff.expo, openai.error.RateLimitError)
        def ask():
            return openai.Completion.create(prompt='x')
        """, expected: ["ai-backoff-unbounded"]),
        Case(name: "swallowed", code: """
        from openai import OpenAI, RateLimitError
        client = OpenAI()
        def run(prompts):
            for prompt in prompts:
                try:
                    client.chat.completions.create(model='m', messages=[])
                except RateLimitError:
                    pass
        """, expected: ["ai-rate-limit-swallowed"]),
        // Case 6: the wrong exception class for google-genai.
        Case(name: "wrong_exception", code: """
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
        """, expected: ["ai-backoff-missing"]),
        Case(name: "right_exception", code: """
        import time
        from google import genai
        from google.genai import errors
        client = genai.Client()
        def ask(prompt):
            for attempt in range(5):
                try:
                    return client.models.generate_content(model="m", contents=prompt)
                except errors.ClientError:
                    time.sleep(2 ** attempt)
        """, expected: []),
        // Case 7: text in strings and comments is not a call.
        Case(name: "strings_and_comments", code: "import openai\n# openai.ChatCompletion.create(model='x')\nDOC = \"openai.ChatCompletion.create(model='x')\"\nprint(f\"{'openai.Completion.create()'}\")\n",
             expected: []),
        // Case 8: a file that does not parse does not stop the scan (checked below).
        // Protection forms.
        Case(name: "tenacity_exponential", code: v0 + "from tenacity import retry, wait_exponential, stop_after_attempt\n@retry(wait=wait_exponential(min=1, max=30), stop=stop_after_attempt(5))\ndef ask():\n    return \(v0Call)\n",
             expected: []),
        Case(name: "tenacity_variable", code: v0 + "import tenacity\nllm_retry = tenacity.retry(wait=tenacity.wait_random_exponential(max=60), stop=tenacity.stop_after_attempt(6))\n@llm_retry\ndef ask():\n    return \(v0Call)\n",
             expected: []),
        Case(name: "tenacity_retrying_block", code: v0 + "from tenacity import Retrying, wait_exponential, stop_after_attempt\ndef ask():\n    for attempt in Retrying(wait=wait_exponential(), stop=stop_after_attempt(4)):\n        with attempt:\n            return \(v0Call)\n",
             expected: []),
        Case(name: "tenacity_async_retrying", code: v0 + "from tenacity import AsyncRetrying, wait_exponential, stop_after_attempt\nasync def ask():\n    async for attempt in AsyncRetrying(wait=wait_exponential(), stop=stop_after_attempt(4)):\n        with attempt:\n            return await openai.ChatCompletion.acreate(model='m')\n",
             expected: []),
        Case(name: "stamina_decorator", code: v0 + "import stamina\n@stamina.retry(on=openai.error.RateLimitError, attempts=5)\ndef ask():\n    return \(v0Call)\n",
             expected: []),
        Case(name: "stamina_context", code: v0 + "import stamina\ndef ask():\n    for attempt in stamina.retry_context(on=Exception, attempts=5):\n        with attempt:\n            return \(v0Call)\n",
             expected: []),
        Case(name: "hand_loop_exponential", code: v0 + "import time\ndef ask():\n    for attempt in range(5):\n        try:\n            return \(v0Call)\n        except openai.error.RateLimitError:\n            time.sleep(2 ** attempt)\n",
             expected: []),
        Case(name: "fixed_wait", code: v0 + "from tenacity import retry, wait_fixed, stop_after_attempt\n@retry(wait=wait_fixed(2), stop=stop_after_attempt(3))\ndef ask():\n    return \(v0Call)\n",
             expected: ["ai-backoff-constant"]),
        Case(name: "rate_limiter_is_not_backoff", code: v0 + "from ratelimit import limits, sleep_and_retry\n@sleep_and_retry\n@limits(calls=10, period=60)\ndef ask():\n    return \(v0Call)\n",
             expected: ["ai-backoff-missing"]),
        Case(name: "genai_retry_options", code: "from google import genai\nfrom google.genai import types\nclient = genai.Client(http_options=types.HttpOptions(retry_options=types.HttpRetryOptions(attempts=5)))\nclient.models.generate_content(model='m', contents='x')\n",
             expected: []),
        Case(name: "mistral_retry_config", code: "from mistralai import Mistral\nfrom mistralai.utils import BackoffStrategy, RetryConfig\nclient = Mistral(api_key=KEY, retry_config=RetryConfig('backoff', BackoffStrategy(1, 50, 1.1, 100), False))\nclient.chat.complete(model='m', messages=[])\n",
             expected: []),
        Case(name: "urllib3_retry_post", code: "import requests\nfrom requests.adapters import HTTPAdapter\nfrom urllib3.util import Retry\ns = requests.Session()\ns.mount('https://', HTTPAdapter(max_retries=Retry(total=5, backoff_factor=1, status_forcelist=[429], allowed_methods=None)))\ns.post('https://api.openai.com/v1/chat/completions', json={})\n",
             expected: []),
        // SDK families.
        Case(name: "openai_v1_default", code: "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='m', messages=[])\n", expected: []),
        Case(name: "openai_v0", code: v0 + v0Call + "\n", expected: ["ai-backoff-missing"]),
        Case(name: "anthropic_default", code: "import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='m', max_tokens=1, messages=[])\n", expected: []),
        Case(name: "groq_off", code: "from groq import Groq\nclient = Groq(max_retries=0)\nclient.chat.completions.create(model='m', messages=[])\n", expected: ["ai-backoff-missing"]),
        Case(name: "together_default", code: "from together import Together\nclient = Together()\nclient.chat.completions.create(model='m', messages=[])\n", expected: []),
        Case(name: "mistral_v1_no_retry", code: "from mistralai import Mistral\nclient = Mistral(api_key=KEY)\nclient.chat.complete(model='m', messages=[])\n", expected: ["ai-backoff-missing"]),
        Case(name: "cohere_default", code: "import cohere\nco = cohere.ClientV2()\nco.chat(model='m', messages=[])\n", expected: []),
        Case(name: "genai_no_retry", code: "from google import genai\nclient = genai.Client()\nclient.models.generate_content(model='m', contents='x')\n", expected: ["ai-backoff-missing"]),
        Case(name: "generativeai_no_retry", code: "import google.generativeai as genai\nmodel = genai.GenerativeModel('gemini-pro')\nmodel.generate_content('hi')\n", expected: ["ai-backoff-missing"]),
        Case(name: "huggingface_no_retry", code: "from huggingface_hub import InferenceClient\nclient = InferenceClient()\nclient.chat_completion(messages=[])\n", expected: ["ai-backoff-missing"]),
        Case(name: "replicate_no_retry", code: "import replicate\nreplicate.run('owner/model', input={})\n", expected: ["ai-backoff-missing"]),
        Case(name: "bedrock_default", code: "import boto3\nclient = boto3.client('bedrock-runtime')\nclient.converse(modelId='m', messages=[])\n", expected: []),
        Case(name: "litellm_no_retry", code: "import litellm\nlitellm.completion(model='anthropic/claude-3-5-sonnet', messages=[])\n", expected: ["ai-backoff-missing"]),
        Case(name: "litellm_openai_route", code: "import litellm\nlitellm.completion(model='gpt-4o', messages=[])\n", expected: []),
        Case(name: "self_attribute_client", code: "from google import genai\nclass Bot:\n    def __init__(self):\n        self.client = genai.Client()\n    def ask(self, q):\n        return self.client.models.generate_content(model='m', contents=q)\n",
             expected: ["ai-backoff-missing"]),
        Case(name: "raw_requests", code: "import requests\nrequests.post('https://api.anthropic.com/v1/messages', json={})\n", expected: ["ai-backoff-missing"]),
        Case(name: "raw_httpx", code: "import httpx\nhttpx.post('https://api.groq.com/openai/v1/chat/completions', json={})\n", expected: ["ai-backoff-missing"]),
        Case(name: "ollama_local", code: "import ollama\nollama.chat(model='llama3', messages=[])\n", expected: []),
        Case(name: "localhost_base_url", code: "from openai import OpenAI\nclient = OpenAI(base_url='http://localhost:11434/v1', max_retries=0)\nclient.chat.completions.create(model='m', messages=[])\n", expected: []),
        Case(name: "hardcoded_key", code: "from openai import OpenAI\nclient = OpenAI(api_key='sk-' + 'x')\nclient2 = OpenAI(api_key='\(fakeKey)')\n", expected: ["ai-key-hardcoded"]),
    ]

    @Test func everyCaseThroughTheBinary() throws {
        let dir = TestSupport.makeTempDirectory("aicases")
        defer { TestSupport.removeTree(dir) }
        for c in Self.cases { TestSupport.write(c.code, to: dir + "/\(c.name).py") }
        // Case 8: a file that does not parse must not stop the scan.
        TestSupport.write("import openai\ndef broken(:\n    openai.ChatCompletion.create(\n\"\"\"unterminated\n", to: dir + "/zz_broken.py")
        TestSupport.write(String(repeating: "(", count: 5000) + "\nimport openai\n", to: dir + "/zz_deep.py")
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        #expect(out.status == 1, "\(out.stderr)")
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        for c in Self.cases {
            let got = findings.filter { $0["file"] as? String == "\(c.name).py" && $0["category"] as? String == "ai" }
                .compactMap { $0["rule"] as? String }.sorted()
            #expect(got == c.expected.sorted(), "\(c.name): expected \(c.expected), got \(got)")
        }
        let summary = try #require(try TestSupport.parseJSON(out.stdout)["summary"] as? [String: Any])
        #expect(summary["files"] as? Int == Self.cases.count + 2, "every file was read, the broken ones too")
    }
}
