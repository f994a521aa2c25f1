import Foundation
import Testing
@testable import LeakguardCore

/// Patterns met in public AI repositories (issue 15), each from a minimal project scanned by the
/// real binary: the files of every case go to their own directory, and one scan covers them all.
@Suite struct AIBackoffRealCodeTests {
    struct Case {
        var name: String
        /// Relative path → content.
        var files: [String: String]
        /// The file findings are expected in, and the rules expected there in order of lines.
        var checked: String
        var expected: [String]
        /// Text every finding's message must contain.
        var message: String = ""
        /// Text the scan's warnings must contain.
        var warning: String = ""
    }

    static func notebook(_ cells: [[String]]) -> String {
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
        let body = cells.map { lines in
            "  {\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"source\": [\n"
                + lines.map { "    " + quoted($0) }.joined(separator: ",\n") + "\n  ]}"
        }.joined(separator: ",\n")
        return "{\n \"cells\": [\n\(body)\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n"
    }

    static let replicateRun = "import replicate\noutput = replicate.run('owner/model:abc', input={'prompt': 'x'})\n"

    static let cases: [Case] = [
        // 1. litellm: the model decides the backend.
        Case(name: "litellm_openai_route", files: ["app.py": "import litellm\nreply = litellm.completion(model='gpt-4o', messages=[])\n"],
             checked: "app.py", expected: []),
        Case(name: "litellm_anthropic_route", files: ["app.py": "import litellm\nreply = litellm.completion(model='anthropic/claude-3-5-sonnet', messages=[])\n"],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "anthropic/claude-3-5-sonnet"),
        Case(name: "litellm_run_time_model", files: ["app.py": "import litellm\ndef ask(model):\n    return litellm.completion(model=model, messages=[])\n"],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "at run time"),
        Case(name: "litellm_model_from_profile", files: ["app.py": "import litellm, yaml\ntry:\n    model = yaml.safe_load(open('p.yaml'))['model']\nexcept Exception:\n    model = 'gpt-4o-mini'\nlitellm.completion(model=model, messages=[])\n"],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "at run time"),
        Case(name: "test_server", files: ["test_client.py": "import anthropic\nclient = anthropic.Anthropic(base_url='http://testserver', max_retries=0)\nclient.messages.create(model='m', max_tokens=1, messages=[])\n"],
             checked: "test_client.py", expected: []),
        Case(name: "litellm_num_retries", files: ["app.py": "import litellm\nlitellm.num_retries = 3\nlitellm.completion(model='bedrock/m', messages=[])\n"],
             checked: "app.py", expected: ["ai-backoff-constant"]),
        Case(name: "litellm_router", files: ["app.py": "from litellm import Router\nrouter = Router(model_list=[])\nrouter.completion(model='claude', messages=[])\n"],
             checked: "app.py", expected: []),
        // 2. Versions pinned by the project's dependency files decide.
        Case(name: "replicate_old_pinned", files: ["requirements.txt": "replicate==0.8.4\n", "app.py": Self.replicateRun],
             checked: "app.py", expected: []),
        Case(name: "replicate_unpinned", files: ["app.py": Self.replicateRun],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "no pin found: assuming the current behaviour"),
        Case(name: "replicate_new_locked", files: ["poetry.lock": "[[package]]\nname = \"replicate\"\nversion = \"1.0.4\"\n", "app.py": Self.replicateRun],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "replicate 1.0.4 (replicate_new_locked/poetry.lock)"),
        Case(name: "replicate_setup_cfg", files: ["setup.cfg": "[options]\ninstall_requires =\n    replicate==0.9.0\n", "app.py": Self.replicateRun],
             checked: "app.py", expected: []),
        Case(name: "replicate_monorepo", files: ["requirements.txt": "replicate==1.0.4\n",
                                                 "images/pyproject.toml": "[project]\ndependencies = [\"replicate>=0.8,<0.14\"]\n",
                                                 "images/src/gen.py": Self.replicateRun],
             checked: "images/src/gen.py", expected: []),
        Case(name: "together_old_pipfile",
             files: ["Pipfile.lock": "{\"default\": {\n \"together\": {\n  \"version\": \"==0.2.11\"\n }\n}}\n",
                     "app.py": "import together\ntogether.Complete.create(prompt='x', model='m')\n"],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "together 0.2.11 (together_old_pipfile/Pipfile.lock)"),
        Case(name: "openai_old_uv_lock",
             files: ["uv.lock": "[[package]]\nname = \"openai\"\nversion = \"0.28.1\"\n",
                     "app.py": "import openai\nopenai.ChatCompletion.create(model='gpt-4', messages=[])\n"],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "openai 0.28.1 (openai_old_uv_lock/uv.lock)"),
        // 3. Methods passed as functions to threads and executors.
        Case(name: "to_thread", files: ["app.py": "import asyncio\nfrom google import genai\nclient = genai.Client()\nasync def ask(q):\n    return await asyncio.to_thread(client.models.generate_content, model='gemini-2.0-flash', contents=q)\n"],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "client.models.generate_content"),
        Case(name: "run_in_executor_partial", files: ["app.py": "import asyncio, functools\nimport openai\nasync def ask(q):\n    loop = asyncio.get_event_loop()\n    return await loop.run_in_executor(None, functools.partial(openai.ChatCompletion.create, model='gpt-4', messages=[q]))\n"],
             checked: "app.py", expected: ["ai-backoff-missing"]),
        Case(name: "executor_submit_map", files: ["app.py": "from concurrent.futures import ThreadPoolExecutor\nfrom mistralai import Mistral\nclient = Mistral(api_key='k')\nwith ThreadPoolExecutor() as pool:\n    f = pool.submit(client.chat.complete, model='m', messages=[])\n    vs = list(pool.map(client.embeddings.create, ['a']))\n"],
             checked: "app.py", expected: ["ai-backoff-missing", "ai-backoff-missing"]),
        // 7. Providers beyond the first table; one table gives SDK calls and API hosts.
        Case(name: "voyage", files: ["app.py": "import voyageai\nvo = voyageai.Client()\nresult = vo.embed(['a'], model='voyage-3')\n"],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "voyageai"),
        Case(name: "voyage_retries", files: ["app.py": "import voyageai\nvo = voyageai.Client(max_retries=4)\nresult = vo.embed(['a'], model='voyage-3')\n"],
             checked: "app.py", expected: []),
        Case(name: "stability_sdk", files: ["app.py": "from stability_sdk import client\napi = client.StabilityInference(key='k')\nanswers = api.generate(prompt='x')\n"],
             checked: "app.py", expected: ["ai-backoff-missing"]),
        Case(name: "stability_rest", files: ["app.py": "import requests\nr = requests.post('https://api.stability.ai/v2beta/stable-image/generate/core', data={'prompt': 'x'})\n"],
             checked: "app.py", expected: ["ai-backoff-missing"], message: "stability"),
        // 4. Every inference method of an SDK is in the table.
        Case(name: "palm_embeddings", files: ["emb.py": "import google.generativeai as palm\nvectors = palm.generate_embeddings(model='models/embedding-gecko-001', text='hi')\n"],
             checked: "emb.py", expected: ["ai-backoff-missing"]),
        Case(name: "mistral_ocr_and_moderation", files: ["doc.py": "from mistralai import Mistral\nclient = Mistral(api_key=KEY)\nocr = client.ocr.process(model='mistral-ocr-latest', document={})\nmod = client.classifiers.moderate(model='m', inputs=['x'])\n"],
             checked: "doc.py", expected: ["ai-backoff-missing", "ai-backoff-missing"]),
        Case(name: "annotated_client_parameter", files: ["gen.py": "from mistralai import Mistral\ndef generate(client: Mistral, prompt):\n    return client.chat.complete(model='m', messages=[prompt])\n"],
             checked: "gen.py", expected: ["ai-backoff-missing"]),
        // 5. Raw HTTP to an endpoint held in a variable.
        Case(name: "endpoint_variable", files: ["gen.py": "import requests\nclass Gen:\n    def __init__(self, cfg):\n        self.end_point = cfg['end_point']\n    def run(self, p, key):\n        return requests.post(self.end_point, headers={'Authorization': f'Bearer {key}'}, json={'inputs': p})\n"],
             checked: "gen.py", expected: ["ai-backoff-missing"], message: "AI endpoint `end_point`"),
        Case(name: "endpoint_inference_path", files: ["chat.py": "import os, requests\nBASE_URL = os.environ['BASE_URL']\ndef ask(body):\n    return requests.post(f'{BASE_URL}/v1/chat/completions', json=body)\n"],
             checked: "chat.py", expected: ["ai-backoff-missing"]),
        Case(name: "endpoint_not_inference", files: ["crm.py": "import requests\ndef push(base_url, rows):\n    return requests.post(f'{base_url}/batch/update', json={'inputs': rows})\n"],
             checked: "crm.py", expected: []),
        // 8. An SDK module used without an import (a framework injects it).
        Case(name: "bare_module_name", files: ["task.py": "def run(prompt):\n    return litellm.completion(model='claude-3-haiku', messages=[prompt])\n"],
             checked: "task.py", expected: ["ai-backoff-missing"], message: "`litellm` is not imported or defined in this file"),
        Case(name: "notebook_pip_pin",
             files: ["uv.lock": "[[package]]\nname = \"replicate\"\nversion = \"1.0.4\"\n",
                     "nb.ipynb": notebook([["%pip install -q replicate==0.8.4 \\\n", "    \"openai<1\"\n"],
                                           ["import replicate, openai\n", "out = replicate.run('o/m', input={})\n", "r = openai.Completion.create(prompt='x')\n"]])],
             checked: "nb.ipynb", expected: ["ai-backoff-missing"], message: "openai <1 (the notebook's pip install)"),
        // 6. Notebooks: IPython syntax in blocks; a bad cell is reported and the rest checked.
        Case(name: "notebook_ipython_syntax",
             files: ["nb.ipynb": notebook([
                ["!pip install -qU \\\n", "    openai==0.28.1 \\\n", "    tiktoken\n"],
                ["import os, openai\n", "if not os.path.exists('data'):\n", "    !git clone https://example.com/data\n", "openai.Completion?\n"],
                ["reply = openai.Completion.create(prompt='x')\n"],
             ])], checked: "nb.ipynb", expected: ["ai-backoff-missing"]),
        Case(name: "notebook_bad_cell",
             files: ["nb.ipynb": notebook([
                ["import openai\n"],
                ["def broken(:\n", "    pass\n"],
                ["reply = openai.Completion.create(prompt='x')\n"],
             ])], checked: "nb.ipynb", expected: ["ai-backoff-missing"], warning: "cell 2 not checked"),
    ]

    @Test func realCodePatternsThroughTheBinary() throws {
        let dir = TestSupport.makeTempDirectory("ai-real")
        defer { TestSupport.removeTree(dir) }
        for c in Self.cases {
            for (path, content) in c.files { TestSupport.write(content, to: "\(dir)/\(c.name)/\(path)") }
        }
        let out = try TestSupport.leakguard(["scan", "--format", "json", "--no-redact", dir])
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        for c in Self.cases {
            let file = "\(c.name)/\(c.checked)"
            let hits = findings.filter { ($0["file"] as? String) == file && (($0["rule"] as? String) ?? "").hasPrefix("ai-") }
                .sorted { ($0["line"] as? Int ?? 0) < ($1["line"] as? Int ?? 0) }
            #expect(hits.map { $0["rule"] as? String ?? "" } == c.expected,
                    "\(c.name): \(hits.map { "\($0["line"]!): \($0["rule"]!) \($0["message"]!)" })")
            if !c.message.isEmpty {
                for hit in hits { #expect((hit["message"] as? String ?? "").contains(c.message), "\(c.name): \(hit["message"]!)") }
            }
            if !c.warning.isEmpty {
                #expect(out.stderr.contains(file) && out.stderr.contains(c.warning), "\(c.name): \(out.stderr)")
            }
        }
    }
}
