import PythonCheck
import Foundation
import Testing

/// Each SDK family of the reference: how its calls are found and how its own retries count.
@Suite struct SDKFamilyTests {
    private func missing(_ code: String, config: PythonCheckConfig = PythonCheckConfig()) -> [PythonFinding] {
        let result = check(code, config: config)
        #expect(result.parseNote == nil)
        return result.findings.filter { $0.ruleID == "ai-backoff-missing" }
    }

    private func assertMissing(_ code: String, sdk: String, containing text: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
        let found = missing(code)
        #expect(found.count == 1, "expected one missing finding; got \(describe(check(code)))", sourceLocation: sourceLocation)
        #expect(found.first?.sdk == sdk, sourceLocation: sourceLocation)
        if !text.isEmpty {
            #expect(found.first?.message.contains(text) ?? false, "message lacks '\(text)': \(found.first?.message ?? "")", sourceLocation: sourceLocation)
        }
    }

    private func assertClean(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let result = check(code)
        #expect(result.parseNote == nil, sourceLocation: sourceLocation)
        #expect(result.findings.isEmpty, "\(describe(result))", sourceLocation: sourceLocation)
    }

    @Test func openAIv1RetriesByDefaultUnlessTurnedOff() {
        assertClean("from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='m', messages=[])\n")
        assertClean("import openai\nclient = openai.AsyncOpenAI()\nasync def f():\n    await client.responses.create(model='m', input='x')\n")
        assertClean("from openai import AzureOpenAI\nc = AzureOpenAI()\nc.chat.completions.with_raw_response.create(model='m', messages=[])\n")
        assertMissing("from openai import OpenAI\nclient = OpenAI(max_retries=0)\nclient.embeddings.create(model='m', input='x')\n",
                      sdk: "openai", containing: "max_retries=0 disables")
        assertMissing("from openai import OpenAI\nclient = OpenAI()\nclient.with_options(max_retries=0).chat.completions.create(model='m', messages=[])\n",
                      sdk: "openai")
        assertMissing("import openai\nopenai.max_retries = 0\nopenai.chat.completions.create(model='m', messages=[])\n",
                      sdk: "openai", containing: "openai.max_retries = 0")
        assertMissing("from openai import OpenAI\nclient = OpenAI()\nclient = client.with_options(max_retries=0)\nclient.chat.completions.create(model='m', messages=[])\n",
                      sdk: "openai")
    }

    @Test func openAIv0DoesNotRetry() {
        assertMissing("import openai\nopenai.ChatCompletion.create(model='gpt-4', messages=[])\n", sdk: "openai", containing: "openai 0.x does not retry 429")
        assertMissing("import openai\nasync def f():\n    return await openai.ChatCompletion.acreate(model='gpt-4', messages=[])\n", sdk: "openai")
        assertMissing("from openai import Embedding\nEmbedding.create(input='x', model='m')\n", sdk: "openai")
    }

    @Test func aliases() {
        assertMissing("import openai as oa\noa.Completion.create(prompt='x')\n", sdk: "openai")
        assertMissing("from openai import OpenAI as Client\nc = Client(max_retries=0)\nc.chat.completions.create()\n", sdk: "openai")
        assertMissing("import google.generativeai as genai\nmodel = genai.GenerativeModel('gemini-pro')\nmodel.generate_content('hi')\n",
                      sdk: "google-generativeai")
        assertMissing("from google import genai\nclient = genai.Client()\nclient.models.generate_content(model='m', contents='x')\n",
                      sdk: "google-genai")
        assertMissing("import google.genai as gg\nclient = gg.Client()\nclient.aio.models.generate_content(model='m', contents='x')\n",
                      sdk: "google-genai")
        assertClean("from .client import llm\nfrom . import helpers\nfrom ..openai import ChatCompletion\nllm.complete('x')\nChatCompletion.create()\n")
    }

    @Test func anthropicGroqTogether() {
        assertClean("import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='m', max_tokens=1, messages=[])\n")
        assertMissing("import anthropic\nclient = anthropic.AsyncAnthropic(max_retries=0)\nasync def f():\n    async with client.messages.stream(model='m', max_tokens=1, messages=[]) as s:\n        pass\n", sdk: "anthropic")
        assertClean("from groq import Groq\nclient = Groq()\nclient.chat.completions.create(model='m', messages=[])\n")
        assertMissing("from groq import Groq\nclient = Groq(max_retries=0)\nclient.chat.completions.create(model='m', messages=[])\n", sdk: "groq")
        assertClean("from together import Together\nclient = Together()\nclient.chat.completions.create(model='m', messages=[])\n")
        assertMissing("from together import Together\nclient = Together(max_retries=0)\nclient.completions.create(model='m', prompt='x')\n", sdk: "together")
    }

    @Test func mistral() {
        assertMissing("from mistralai import Mistral\nclient = Mistral(api_key=key)\nclient.chat.complete(model='m', messages=[])\n",
                      sdk: "mistralai", containing: "RetryConfig")
        assertClean("""
        from mistralai import Mistral
        from mistralai.utils import BackoffStrategy, RetryConfig
        client = Mistral(retry_config=RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False))
        client.chat.complete(model='m', messages=[])
        """)
        assertClean("""
        from mistralai import Mistral
        from mistralai.utils import BackoffStrategy, RetryConfig
        client = Mistral()
        client.chat.complete(model='m', messages=[], retries=RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False))
        """)
        assertClean("from mistralai.client import MistralClient\nclient = MistralClient()\nclient.chat(model='m', messages=[])\n")
        assertMissing("from mistralai.client import MistralClient\nclient = MistralClient(max_retries=0)\nclient.chat(model='m', messages=[])\n",
                      sdk: "mistralai")
    }

    @Test func cohere() {
        assertClean("import cohere\nco = cohere.ClientV2()\nco.chat(model='m', messages=[])\n")
        assertMissing("import cohere\nco = cohere.Client(max_retries=0)\nco.embed(texts=[])\n", sdk: "cohere")
        assertMissing("import cohere\nco = cohere.Client()\nco.chat(message='x', request_options={\"max_retries\": 0})\n", sdk: "cohere")
    }

    @Test func googleGenAI() {
        assertClean("""
        from google import genai
        from google.genai import types
        client = genai.Client()
        config = types.GenerateContentConfig(http_options=types.HttpOptions(retry_options=types.HttpRetryOptions(attempts=4)))
        client.models.generate_content(model='m', contents='x', config=config)
        """)
        assertClean("""
        from google import genai
        client = genai.Client(http_options={"retry_options": {"attempts": 5}})
        chat = client.chats.create(model='m')
        chat.send_message('hi')
        """)
        assertMissing("from google import genai\nclient = genai.Client()\nchat = client.chats.create(model='m')\nchat.send_message('hi')\n",
                      sdk: "google-genai")
        assertMissing("""
        from google import genai
        from google.genai import types
        client = genai.Client(http_options=types.HttpOptions(retry_options=types.HttpRetryOptions(attempts=1)))
        client.models.generate_content(model='m', contents='x')
        """, sdk: "google-genai", containing: "attempts=1")
    }

    @Test func googleGenerativeAI() {
        assertMissing("import google.generativeai as genai\nchat = genai.GenerativeModel('m').start_chat()\nchat.send_message('x')\n",
                      sdk: "google-generativeai")
        assertClean("""
        import google.generativeai as genai
        from google.api_core import retry
        model = genai.GenerativeModel('m')
        model.generate_content('x', request_options={"retry": retry.Retry(initial=1, multiplier=2)})
        """)
    }

    @Test func huggingFaceReplicateBedrock() {
        assertMissing("from huggingface_hub import InferenceClient\nclient = InferenceClient()\nclient.chat_completion(messages=[])\n",
                      sdk: "huggingface_hub")
        assertMissing("from huggingface_hub import InferenceClient\nclient = InferenceClient()\nclient.chat.completions.create(messages=[])\n",
                      sdk: "huggingface_hub")
        assertMissing("import replicate\nreplicate.run('owner/model', input={})\n", sdk: "replicate")
        assertMissing("import replicate\nclient = replicate.Client()\nclient.predictions.create(version='v', input={})\n", sdk: "replicate")
        assertClean("import boto3\nbedrock = boto3.client('bedrock-runtime')\nbedrock.converse(modelId='m', messages=[])\n")
        assertClean("import boto3\ns3 = boto3.client('s3')\ns3.converse(modelId='m', messages=[])\n")
        assertMissing("""
        import boto3
        from botocore.config import Config
        bedrock = boto3.client(service_name='bedrock-runtime', config=Config(retries={"max_attempts": 0}))
        bedrock.invoke_model(modelId='m', body='{}')
        """, sdk: "bedrock")
        assertClean("""
        import boto3
        from botocore.config import Config
        session = boto3.Session()
        bedrock = session.client('bedrock-runtime', config=Config(retries={"max_attempts": 10, "mode": "adaptive"}))
        bedrock.invoke_model(modelId='m', body='{}')
        """)
    }

    @Test func liteLLMLangChainLlamaIndex() {
        assertMissing("import litellm\nlitellm.completion(model='anthropic/claude-3-5-sonnet', messages=[])\n", sdk: "litellm", containing: "one request")
        assertMissing("from litellm import acompletion\nasync def f():\n    await acompletion(model='m', messages=[])\n", sdk: "litellm")
        assertClean("from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o')\nllm.invoke('hi')\n")
        assertMissing("from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o', max_retries=0)\nllm.invoke('hi')\n", sdk: "langchain")
        assertMissing("""
        from langchain_anthropic import ChatAnthropic
        from langchain_core.prompts import ChatPromptTemplate
        llm = ChatAnthropic(model='claude', max_retries=0)
        chain = ChatPromptTemplate.from_template('{q}') | llm
        chain.invoke({'q': 'x'})
        """, sdk: "langchain")
        assertClean("""
        from langchain_openai import ChatOpenAI
        llm = ChatOpenAI(max_retries=0).with_retry(stop_after_attempt=4)
        llm.invoke('x')
        """)
        assertClean("from llama_index.llms.openai import OpenAI\nllm = OpenAI(model='gpt-4o')\nllm.complete('x')\n")
        assertMissing("from llama_index.llms.openai import OpenAI\nllm = OpenAI(model='gpt-4o', max_retries=0)\nllm.chat([])\n", sdk: "llama-index")
    }

    @Test func localInferenceIsNeverFlagged() {
        assertClean("import ollama\nollama.chat(model='llama3', messages=[])\nollama.generate(model='x', prompt='y')\n")
        assertClean("from ollama import Client\nc = Client(host='http://localhost:11434')\nc.chat(model='m', messages=[])\n")
        assertClean("from openai import OpenAI\nc = OpenAI(base_url='http://127.0.0.1:8000/v1', max_retries=0)\nc.chat.completions.create(model='m', messages=[])\n")
        assertClean("import os\nfrom openai import OpenAI\nc = OpenAI(base_url=os.getenv('LLM_URL', 'http://0.0.0.0:8080/v1'), max_retries=0)\nc.chat.completions.create()\n")
        assertClean("import requests\nrequests.post('http://localhost:11434/api/chat', json={})\n")
    }

    @Test func rawHTTP() {
        assertMissing("import requests\nrequests.post('https://api.anthropic.com/v1/messages', json={})\n", sdk: "anthropic", containing: "raw HTTP")
        assertMissing("import requests\nBASE = 'https://api.openai.com/v1'\ndef f():\n    return requests.post(f'{BASE}/chat/completions', json={})\n",
                      sdk: "openai")
        assertMissing("import httpx\nwith httpx.Client() as client:\n    client.post('https://api.groq.com/openai/v1/chat/completions', json={})\n",
                      sdk: "groq")
        assertMissing("import httpx\nhttpx.post(url='https://api.mistral.ai/v1/chat/completions', json={})\n", sdk: "mistralai")
        assertMissing("""
        import httpx
        async def f():
            async with httpx.AsyncClient(base_url="https://api.together.xyz") as client:
                return await client.post("/v1/chat/completions", json={})
        """, sdk: "together")
        assertMissing("""
        import aiohttp
        URL = "https://generativelanguage.googleapis.com/v1beta/models/gemini:generateContent"
        async def f():
            async with aiohttp.ClientSession() as session:
                async with session.post(URL, json={}) as response:
                    return await response.json()
        """, sdk: "google-genai")
        assertMissing("import requests\nrequests.request('POST', 'https://openrouter.ai/api/v1/chat/completions')\n", sdk: "openrouter")
        assertClean("import requests\nrequests.get('https://api.openai.com/v1/models')\nrequests.post('https://example.com/api')\n")
    }

    @Test func requestsSessionWithMountedRetry() {
        assertClean("""
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry
        session = requests.Session()
        retry = Retry(total=5, backoff_factor=1, status_forcelist=[429, 500, 503], allowed_methods=["GET", "POST"])
        session.mount("https://", HTTPAdapter(max_retries=retry))
        def ask(payload):
            return session.post("https://api.openai.com/v1/chat/completions", json=payload)
        """)
        assertMissing("""
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry
        session = requests.Session()
        session.mount("https://", HTTPAdapter(max_retries=Retry(total=5, backoff_factor=1, status_forcelist=[429])))
        session.post("https://api.openai.com/v1/chat/completions", json={})
        """, sdk: "openai", containing: "allowed_methods")
        assertMissing("""
        import requests
        from requests.adapters import HTTPAdapter
        class Api:
            def __init__(self):
                self.session = requests.Session()
                self.session.mount("https://", HTTPAdapter(max_retries=3))
            def ask(self):
                return self.session.post("https://api.cohere.com/v2/chat", json={})
        """, sdk: "cohere", containing: "connection failures only")
    }

    @Test func clientsInGlobalsLocalsAndSelfAttributes() {
        assertMissing("""
        from openai import OpenAI
        def make():
            return OpenAI(max_retries=0)
        def ask():
            client = make()
            return client.chat.completions.create()
        """, sdk: "openai")
        assertMissing("""
        import anthropic
        class Bot:
            def connect(self):
                self.client = anthropic.Anthropic(max_retries=0)
            def ask(self):
                return self.client.messages.create(model='m', max_tokens=1, messages=[])
        """, sdk: "anthropic")
        assertMissing("""
        import anthropic
        class Bot:
            client = anthropic.Anthropic(max_retries=0)
            def ask(self):
                return self.client.messages.create(model='m', max_tokens=1, messages=[])
        """, sdk: "anthropic")
        assertMissing("""
        from openai import OpenAI
        client = None
        def setup():
            global client
            client = OpenAI(max_retries=0)
        def ask():
            return client.chat.completions.create()
        """, sdk: "openai")
    }
}
