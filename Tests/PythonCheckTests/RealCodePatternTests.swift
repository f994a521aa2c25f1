import PythonCheck
import Foundation
import Testing

/// Patterns met in public AI repositories (issue 15), each from a minimal file.
@Suite struct RealCodePatternTests {
    private func rules(_ code: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        let result = check(code)
        #expect(result.parseNote == nil, "\(describe(result))", sourceLocation: sourceLocation)
        return result.findings.map(\.ruleID)
    }

    private func message(_ code: String) -> String {
        check(code).findings.first?.message ?? ""
    }

    // MARK: litellm routes

    @Test func liteLLMOpenAIAndAzureModelsRetryThroughTheOpenAISDK() {
        #expect(rules("import litellm\nlitellm.completion(model='gpt-4o', messages=[])\n") == [])
        #expect(rules("import litellm\nlitellm.embedding(model='text-embedding-3-small', input=['x'])\n") == [])
        #expect(rules("from litellm import completion\ncompletion(model='azure/my-deployment', messages=[])\n") == [])
        #expect(rules("import litellm\nparams = {'model': 'openai/gpt-4o-mini', 'messages': []}\nlitellm.completion(**params)\n") == [])
    }

    @Test func liteLLMOtherRoutesMakeOneRequest() {
        let code = "import litellm\nlitellm.completion(model='anthropic/claude-3-5-sonnet', messages=[])\n"
        #expect(rules(code) == ["ai-backoff-missing"])
        #expect(message(code).contains("`anthropic/claude-3-5-sonnet`"), "\(message(code))")
        #expect(rules("import litellm\nlitellm.completion(model='gemini/gemini-2.0-flash', messages=[])\n") == ["ai-backoff-missing"])
    }

    @Test func liteLLMModelChosenAtRunTime() {
        let code = "import litellm\ndef ask(model, q):\n    return litellm.completion(model=model, messages=[q])\n"
        #expect(rules(code) == ["ai-backoff-missing"])
        #expect(message(code).contains("at run time"), "\(message(code))")
    }

    @Test func liteLLMRetrySettingsCount() {
        // max_retries=0 turns the openai SDK's retries off on the OpenAI route.
        #expect(rules("import litellm\nlitellm.completion(model='gpt-4o', messages=[], max_retries=0)\n") == ["ai-backoff-missing"])
        // num_retries retries without waiting, unless the strategy is exponential.
        #expect(rules("import litellm\nlitellm.completion(model='claude-3-haiku', messages=[], num_retries=3)\n") == ["ai-backoff-constant"])
        #expect(rules("import litellm\nlitellm.num_retries = 3\nlitellm.completion(model='bedrock/m', messages=[])\n") == ["ai-backoff-constant"])
        #expect(rules("""
        import litellm
        litellm.completion(model='vertex_ai/gemini', messages=[], num_retries=3, retry_strategy='exponential_backoff_retry')
        """) == [])
        // A Router retries (twice by default) with growing sleeps; num_retries=0 turns that off.
        #expect(rules("from litellm import Router\nrouter = Router(model_list=[])\nrouter.completion(model='claude', messages=[])\n") == [])
        #expect(rules("import litellm\nrouter = litellm.Router(model_list=[], num_retries=0)\nrouter.completion(model='g', messages=[])\n") == ["ai-backoff-missing"])
    }
}

extension RealCodePatternTests {
    // MARK: Methods passed as functions

    @Test func methodsPassedToThreadsAndExecutors() {
        let genai = "from google import genai\nclient = genai.Client()\n"
        #expect(check(genai + """
        import asyncio
        async def ask(q):
            return await asyncio.to_thread(client.models.generate_content, model='gemini-2.0-flash', contents=q)
        """).findings.map(\.ruleID) == ["ai-backoff-missing"])
        #expect(check(genai + """
        import asyncio, functools
        async def ask(q):
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, functools.partial(client.models.embed_content, model='m', contents=q))
        """).findings.map(\.ruleID) == ["ai-backoff-missing"])
        #expect(check(genai + """
        from concurrent.futures import ThreadPoolExecutor
        from functools import partial
        embed = partial(client.models.embed_content, model='m')
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(client.models.generate_content, model='m', contents=t) for t in ['a', 'b']]
            vectors = list(pool.map(embed, ['a', 'b']))
        """).findings.map(\.ruleID) == ["ai-backoff-missing", "ai-backoff-missing"])
        // A method that retries by itself stays quiet; so does a runner given local code.
        #expect(check("""
        import asyncio
        from openai import OpenAI
        client = OpenAI()
        async def ask(q):
            return await asyncio.to_thread(client.chat.completions.create, model='gpt-4o', messages=[q])
        async def tidy(rows):
            return await asyncio.to_thread(sorted, rows)
        """).findings.map(\.ruleID) == [])
    }
}

extension RealCodePatternTests {
    // MARK: Providers outside the first table

    @Test func voyageStabilityElevenLabs() {
        let voyage = "import voyageai\nvo = voyageai.Client()\nvo.embed(['a'], model='voyage-3')\n"
        #expect(rules(voyage) == ["ai-backoff-missing"])
        #expect(rules("import voyageai\nvo = voyageai.Client(max_retries=3)\nvo.rerank('q', ['a'], model='rerank-2')\n") == [])
        #expect(rules("""
        from stability_sdk import client
        stability_api = client.StabilityInference(key='k', engine='stable-diffusion-xl-1024-v1-0')
        answers = stability_api.generate(prompt='a lighthouse')
        """) == ["ai-backoff-missing"])
        #expect(rules("""
        import requests
        r = requests.post('https://api.stability.ai/v2beta/stable-image/generate/core', files={'none': ''}, data={'prompt': 'x'})
        """) == ["ai-backoff-missing"])
        #expect(rules("from elevenlabs.client import ElevenLabs\nclient = ElevenLabs()\naudio = client.text_to_speech.convert(voice_id='v', text='hi')\n") == [])
    }
}

extension RealCodePatternTests {
    // MARK: Raw HTTP to endpoints held in variables

    @Test func endpointInAVariableWithAnInferenceBodyOrPath() {
        #expect(rules("""
        import requests
        class Generator:
            def __init__(self, config):
                self.end_point = config["end_point"]
                self.key = config["key"]
            def generate(self, p):
                return requests.post(self.end_point, headers={"Authorization": f"Bearer {self.key}"}, json={"inputs": p})
        """) == ["ai-backoff-missing"])
        #expect(rules("""
        import os, httpx
        API_URL = os.environ["LLM_API_URL"]
        def ask(messages):
            return httpx.post(f"{API_URL}/v1/chat/completions", json=payload(messages))
        def payload(messages):
            return {"model": "m", "messages": messages}
        """) == ["ai-backoff-missing"])
        let message = message("import requests\nENDPOINT = load()\nrequests.post(ENDPOINT, json={'prompt': 'x'})\n")
        #expect(message.contains("AI endpoint `ENDPOINT`"), "\(message)")
    }

    @Test func endpointsThatAreNotInference() {
        // A CRM's batch path; a body without inference keys; a local server.
        #expect(rules("""
        import requests
        class CRM:
            def update(self, rows):
                url = f"{self.base_url}/objects/batch/update"
                return requests.post(url, json={"inputs": rows})
        """) == [])
        #expect(rules("import requests\ndef hook(endpoint, event):\n    requests.post(endpoint, json={'event': event})\n") == [])
        // A proxy's administration path that happens to end in /generate.
        #expect(rules("import httpx, os\nAPI_URL = os.environ['LITELLM_API_URL']\nhttpx.post(f'{API_URL}/key/generate', json={'user_id': 'u', 'metadata': {}})\n") == [])
        #expect(rules("import requests\nLOCAL_ENDPOINT = 'http://localhost:8080'\nrequests.post(LOCAL_ENDPOINT, json={'prompt': 'x'})\n") == [])
    }
}

extension RealCodePatternTests {
    // MARK: SDK modules used without an import

    @Test func aBareSDKModuleNameIsTakenToBeTheModule() {
        let code = "def run(prompt):\n    return litellm.completion(model='claude-3-haiku', messages=[prompt])\n"
        #expect(rules(code) == ["ai-backoff-missing"])
        #expect(message(code).contains("`litellm` is not imported or defined in this file"), "\(message(code))")
        // Defined names and parameters are not modules.
        #expect(rules("def run(litellm, prompt):\n    return litellm.completion(model='claude', messages=[prompt])\n") == [])
        #expect(rules("class litellm:\n    @staticmethod\n    def completion(**kw): pass\nlitellm.completion(model='claude', messages=[])\n") == [])
        // Prose is not a use.
        #expect(rules("NOTE = 'we call litellm. completion happens elsewhere'\n") == [])
    }
}

extension RealCodePatternTests {
    // MARK: Complete method tables

    @Test func everyInferenceMethodKindIsInTheTable() {
        // SDK → calls of each kind it offers: chat/completion, embeddings, images, audio,
        // moderation, batch, files, rerank.
        let expected: [(label: String, calls: [String])] = [
            ("openai", ["chat.completions.create", "completions.create", "embeddings.create", "images.generate", "images.edit",
                        "audio.transcriptions.create", "audio.speech.create", "moderations.create", "batches.create", "files.create"]),
            ("openai 0.x", ["ChatCompletion.create", "Completion.create", "Embedding.create", "Image.create", "Audio.transcribe",
                            "Moderation.create", "File.create"]),
            ("anthropic", ["messages.create", "messages.batches.create", "beta.files.upload", "messages.count_tokens"]),
            ("groq", ["chat.completions.create", "embeddings.create", "audio.transcriptions.create", "batches.create", "files.create"]),
            ("together", ["chat.completions.create", "embeddings.create", "images.generate", "rerank.create", "audio.speech.create",
                          "files.upload", "batches.create_batch"]),
            ("mistralai", ["chat.complete", "embeddings.create", "classifiers.moderate", "ocr.process", "batch.jobs.create", "files.upload",
                           "audio.transcriptions.complete"]),
            ("cohere", ["chat", "embed", "rerank", "classify", "v2.chat", "embed_jobs.create"]),
            ("google-genai", ["models.generate_content", "models.embed_content", "models.generate_images", "files.upload", "batches.create"]),
            ("google-generativeai", ["generate_content", "embed_content", "generate_text", "generate_embeddings", "chat", "upload_file"]),
            ("huggingface_hub", ["chat_completion", "text_generation", "feature_extraction", "text_to_image", "automatic_speech_recognition",
                                 "text_to_speech", "text_classification"]),
            ("replicate", ["run", "predictions.create", "trainings.create"]),
            ("voyageai", ["embed", "rerank", "multimodal_embed"]),
        ]
        for (label, calls) in expected {
            guard let spec = AISDKSpec.builtIn.first(where: { $0.label == label }) else { Issue.record("no spec \(label)"); continue }
            for call in calls { #expect(spec.calls.contains(call), "\(label) lacks \(call)") }
        }
    }

    @Test func paLMEmbeddingsAreCalls() {
        #expect(rules("""
        import google.generativeai as palm
        palm.configure(api_key=KEY)
        text = palm.generate_text(prompt='hi')
        vectors = palm.generate_embeddings(model='models/embedding-gecko-001', text='hi')
        """) == ["ai-backoff-missing", "ai-backoff-missing"])
    }
}

extension RealCodePatternTests {
    @Test func liteLLMModelSetInSeveralPlaces() {
        #expect(rules("""
        import litellm, yaml
        try:
            model = yaml.safe_load(open('p.yaml'))['model']
        except Exception:
            model = 'gpt-4o-mini'
        litellm.completion(model=model, messages=[])
        """) == ["ai-backoff-missing"])
        #expect(rules("""
        import litellm
        if FAST:
            model = 'gpt-4o-mini'
        else:
            model = 'gpt-4o'
        litellm.completion(model=model, messages=[])
        """) == [])
    }

    @Test func testServersAndSingleLabelHostsAreLocal() {
        #expect(rules("""
        import anthropic
        from langchain_anthropic import ChatAnthropic
        model = ChatAnthropic(model='m', anthropic_api_url='http://testserver', max_retries=0)
        model.invoke('hi')
        client = anthropic.Anthropic(base_url='http://testserver', max_retries=0)
        client.messages.create(model='m', max_tokens=1, messages=[])
        """) == [])
        #expect(rules("from openai import OpenAI\nclient = OpenAI(base_url='http://vllm:8000/v1', max_retries=0)\nclient.chat.completions.create(model='m', messages=[])\n") == [])
    }
}

extension RealCodePatternTests {
    @Test func aClientParameterKnownByItsAnnotation() {
        #expect(rules("""
        from typing import Optional
        from mistralai import Mistral
        def generate(client: Mistral, prompt: str):
            return client.chat.complete(model='m', messages=[prompt])
        class Agent:
            def __init__(self, mistral_client: Optional[Mistral] = None):
                self.client = mistral_client
            def run(self, q):
                return self.client.embeddings.create(model='m', inputs=[q])
        """) == ["ai-backoff-missing", "ai-backoff-missing"])
        #expect(rules("import openai\ndef ask(client: openai.OpenAI | None, q):\n    return client.chat.completions.create(model='m', messages=[q])\n") == [])
    }
}
