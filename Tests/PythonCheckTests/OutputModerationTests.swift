import PythonCheck
import XCTest

/// `ai-output-unmoderated` in process: each source form, sink family and moderation form, helper
/// flows, and output that never leaves the process. `↓` marks the line the finding must be on;
/// a case without it must give no finding.
final class OutputModerationTests: XCTestCase {
    private static let rule = "ai-output-unmoderated"

    struct Case {
        var name: String
        var code: String
        var config = PythonCheckConfig()
        var messageContains: [String] = []
    }

    static let openAIHeader = """
    from openai import OpenAI
    client = OpenAI()

    """

    // MARK: Sources

    static let sources: [Case] = [
        Case(name: "choices[0].message.content via assignment", code: """
        from flask import Flask, jsonify
        from openai import OpenAI
        app = Flask(__name__)
        client = OpenAI()

        @app.route("/a")
        def a():
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            ↓return jsonify({"text": text})
        """, messageContains: ["openai", "Flask jsonify", "line 8"]),
        Case(name: "anthropic content[0].text in an f-string", code: """
        import anthropic
        from slack_sdk import WebClient
        claude = anthropic.Anthropic()
        slack = WebClient()

        def run(channel):
            msg = claude.messages.create(model="claude-sonnet-4", max_tokens=100, messages=[])
            ↓slack.chat_postMessage(channel=channel, text=f"*Bot:* {msg.content[0].text}")
        """, messageContains: ["Slack chat_postMessage"]),
        Case(name: "google-genai .text joined with +", code: """
        import smtplib
        from email.message import EmailMessage
        from google import genai
        client = genai.Client()

        def mail(to):
            reply = client.models.generate_content(model="gemini-2.0-flash", contents="write a haiku")
            msg = EmailMessage()
            msg.set_content("Hello,\\n\\n" + reply.text)
            with smtplib.SMTP("localhost") as server:
                ↓server.send_message(msg)
        """, messageContains: ["smtplib send_message"]),
        Case(name: "streamed chunks joined", code: """
        import requests
        from openai import OpenAI
        client = OpenAI()
        WEBHOOK_URL = os.environ["TEAMS_WEBHOOK_URL"]

        def announce():
            parts = []
            for chunk in client.chat.completions.create(model="gpt-4o", messages=[], stream=True):
                parts.append(chunk.choices[0].delta.content or "")
            ↓requests.post(WEBHOOK_URL, json={"text": "".join(parts)})
        """, messageContains: ["webhook POST"]),
        Case(name: "langchain invoke result formatted", code: """
        import discord
        from langchain_openai import ChatOpenAI
        llm = ChatOpenAI(model="gpt-4o-mini")

        async def on_message(message):
            answer = llm.invoke(message.content)
            ↓await message.channel.send("Answer: {}".format(answer.content))
        """, messageContains: ["Discord send"]),
        Case(name: "litellm completion through % formatting", code: """
        import litellm
        from telegram import Update

        async def reply(update, context):
            out = litellm.completion(model="claude-3-haiku-20240307", messages=[])
            ↓await update.message.reply_text("%s" % out.choices[0].message.content)
        """, messageContains: ["litellm", "Telegram reply_text"]),
        Case(name: "raw HTTP to an AI API", code: """
        import requests
        import tweepy
        api = tweepy.Client()

        def tweet():
            r = requests.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o"}, timeout=30)
            ↓api.create_tweet(text=r.json()["choices"][0]["message"]["content"])
        """, messageContains: ["tweepy create_tweet"]),
    ]

    // MARK: Sinks

    static let sinks: [Case] = [
        Case(name: "FastAPI StreamingResponse over a generator", code: """
        from fastapi import FastAPI
        from fastapi.responses import StreamingResponse
        from openai import AsyncOpenAI
        app = FastAPI()
        client = AsyncOpenAI()

        @app.post("/stream")
        async def stream(q: str):
            async def gen():
                s = await client.chat.completions.create(model="gpt-4o", messages=[], stream=True)
                async for chunk in s:
                    yield chunk.choices[0].delta.content or ""
            ↓return StreamingResponse(gen(), media_type="text/event-stream")
        """, messageContains: ["FastAPI StreamingResponse"]),
        Case(name: "Flask route returning the text", code: openAIHeader + """
        from flask import Flask
        app = Flask(__name__)

        @app.route("/joke")
        def joke():
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            ↓return r.choices[0].message.content
        """, messageContains: ["Flask route response"]),
        Case(name: "websocket send_text", code: openAIHeader + """
        from fastapi import FastAPI, WebSocket
        app = FastAPI()

        @app.websocket("/ws")
        async def ws(websocket: WebSocket):
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            ↓await websocket.send_text(r.choices[0].message.content)
        """, messageContains: ["websocket send_text"]),
        Case(name: "Slack bolt say", code: openAIHeader + """
        from slack_bolt import App
        app = App()

        @app.message("hi")
        def hi(message, say):
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            ↓say(r.choices[0].message.content)
        """, messageContains: ["Slack say"]),
        Case(name: "Mastodon status_post", code: openAIHeader + """
        from mastodon import Mastodon
        m = Mastodon(access_token="token.secret")
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        ↓m.status_post(r.choices[0].message.content)
        """),
        Case(name: "praw submit", code: openAIHeader + """
        import praw
        reddit = praw.Reddit()
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        ↓reddit.subreddit("test").submit("AI says", selftext=r.choices[0].message.content)
        """),
        Case(name: "Twilio SMS", code: openAIHeader + """
        from twilio.rest import Client
        sms = Client()
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        ↓sms.messages.create(body=r.choices[0].message.content, to="+15550100", from_="+15550101")
        """, messageContains: ["Twilio"]),
        Case(name: "SendGrid", code: openAIHeader + """
        from sendgrid import SendGridAPIClient
        from sendgrid.helpers.mail import Mail
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        mail = Mail(from_email="a@example.com", to_emails="b@example.com", subject="hi", html_content=r.choices[0].message.content)
        ↓SendGridAPIClient(os.environ["SENDGRID_API_KEY"]).send(mail)
        """),
        Case(name: "Gradio interface function", code: openAIHeader + """
        import gradio as gr

        def respond(message, history):
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            ↓return r.choices[0].message.content

        gr.ChatInterface(respond).launch()
        """, messageContains: ["Gradio chat output"]),
        Case(name: "Django HttpResponse", code: openAIHeader + """
        from django.http import HttpResponse

        def view(request):
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            ↓return HttpResponse(r.choices[0].message.content)
        """),
    ]

    // MARK: Helpers and moderation gaps

    static let flows: [Case] = [
        Case(name: "helper returns output; caller posts it", code: openAIHeader + """
        from slack_sdk import WebClient
        slack = WebClient()

        def generate(prompt):
            r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
            return r.choices[0].message.content.strip()

        def post(channel, prompt):
            text = generate(prompt)
            ↓slack.chat_postMessage(channel=channel, text=text)
        """),
        Case(name: "output passed to a helper that posts it", code: openAIHeader + """
        from slack_sdk import WebClient
        slack = WebClient()

        def send(channel, text):
            ↓slack.chat_postMessage(channel=channel, text=text)

        def run():
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            send("#general", r.choices[0].message.content)
        """),
        Case(name: "method on self returning output", code: openAIHeader + """
        import tweepy

        class Bot:
            def __init__(self):
                self.api = tweepy.Client()

            def draft(self):
                return client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content

            def tweet(self):
                ↓self.api.create_tweet(text=self.draft())
        """),
        Case(name: "input moderated, output not", code: openAIHeader + """
        from flask import Flask, jsonify, request
        app = Flask(__name__)

        @app.post("/chat")
        def chat():
            question = request.json["q"]
            check = client.moderations.create(input=question)
            if check.results[0].flagged:
                return jsonify(error="flagged"), 400
            r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
            ↓return jsonify(reply=r.choices[0].message.content)
        """, messageContains: ["checks the input, not the model's output", "line 9"]),
        Case(name: "moderation after the sink does not count", code: openAIHeader + """
        import streamlit as st
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        ↓st.write(text)
        client.moderations.create(input=text)
        """),
    ]

    // MARK: Cleared paths

    static let moderated: [Case] = [
        Case(name: "openai moderations.create on the output", code: openAIHeader + """
        import streamlit as st
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        if not client.moderations.create(input=text).results[0].flagged:
            st.write(text)
        """),
        Case(name: "openai 0.x Moderation.create", code: """
        import openai
        import streamlit as st
        r = openai.ChatCompletion.create(model="gpt-4", messages=[])
        text = r["choices"][0]["message"]["content"]
        if not openai.Moderation.create(input=text)["results"][0]["flagged"]:
            st.write(text)
        """),
        Case(name: "Mistral classifiers.moderate", code: """
        import streamlit as st
        from mistralai import Mistral
        client = Mistral(api_key=os.environ["MISTRAL_API_KEY"])
        r = client.chat.complete(model="mistral-small-latest", messages=[])
        text = r.choices[0].message.content
        verdict = client.classifiers.moderate(model="mistral-moderation-latest", inputs=[text])
        st.markdown(text)
        """),
        Case(name: "Azure AI Content Safety", code: openAIHeader + """
        import streamlit as st
        from azure.ai.contentsafety import ContentSafetyClient
        from azure.ai.contentsafety.models import AnalyzeTextOptions
        safety = ContentSafetyClient(endpoint, credential)
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        result = safety.analyze_text(AnalyzeTextOptions(text=text))
        st.markdown(text)
        """),
        Case(name: "Perspective comments().analyze", code: openAIHeader + """
        import streamlit as st
        from googleapiclient import discovery
        perspective = discovery.build("commentanalyzer", "v1alpha1", developerKey=key)
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        scores = perspective.comments().analyze(body={"comment": {"text": text}}).execute()
        st.markdown(text)
        """),
        Case(name: "Llama Guard through an SDK call", code: """
        import streamlit as st
        from groq import Groq
        client = Groq()
        r = client.chat.completions.create(model="llama-3.3-70b-versatile", messages=[])
        text = r.choices[0].message.content
        guard = client.chat.completions.create(model="meta-llama/llama-guard-4-12b", messages=[{"role": "assistant", "content": text}])
        if "unsafe" not in guard.choices[0].message.content:
            st.markdown(text)
        """),
        Case(name: "guardrails-ai Guard.validate", code: openAIHeader + """
        import streamlit as st
        from guardrails import Guard
        from guardrails.hub import ToxicLanguage
        guard = Guard().use(ToxicLanguage())
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        guard.validate(text)
        st.markdown(text)
        """),
        Case(name: "NeMo Guardrails LLMRails", code: openAIHeader + """
        import streamlit as st
        from nemoguardrails import LLMRails, RailsConfig
        rails = LLMRails(RailsConfig.from_path("./config"))
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        checked = rails.generate(messages=[{"role": "assistant", "content": text}])
        st.markdown(text)
        """),
        Case(name: "a project's own is_safe() from config", code: openAIHeader + """
        import streamlit as st
        from safety import is_safe
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        if is_safe(text):
            st.markdown(text)
        """, config: {
            var c = PythonCheckConfig()
            c.extraModeration = [ModerationCheck("is_safe", "is_safe")]
            return c
        }()),
        Case(name: "a project's own @moderated decorator from config", code: openAIHeader + """
        from flask import Flask
        from safety import moderated
        app = Flask(__name__)

        @app.route("/joke")
        @moderated
        def joke():
            return client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content
        """, config: {
            var c = PythonCheckConfig()
            c.extraModeration = [ModerationCheck("moderated", "moderated", kind: .decorator)]
            return c
        }()),
        Case(name: "moderated inside a helper before returning", code: openAIHeader + """
        from slack_sdk import WebClient
        slack = WebClient()

        def generate():
            text = client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content
            if client.moderations.create(input=text).results[0].flagged:
                return "(withheld)"
            return text

        slack.chat_postMessage(channel="#x", text=generate())
        """),
        Case(name: "moderated in the caller before the helper posts", code: openAIHeader + """
        from slack_sdk import WebClient
        slack = WebClient()

        def send(text):
            slack.chat_postMessage(channel="#x", text=text)

        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        client.moderations.create(input=text)
        send(text)
        """),
    ]

    // MARK: Output that stays in the process

    static let local: [Case] = [
        Case(name: "logged and written to a local file", code: openAIHeader + """
        import logging
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        text = r.choices[0].message.content
        logging.getLogger(__name__).info(text)
        print(text)
        with open("out.md", "w") as f:
            f.write(text)
        """),
        Case(name: "compared and used as a classifier label", code: openAIHeader + """
        from flask import Flask, jsonify
        app = Flask(__name__)
        LABELS = {"pos": "positive", "neg": "negative"}

        @app.post("/classify")
        def classify():
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            raw = r.choices[0].message.content.strip()
            spam = raw == "spam"
            label = LABELS[raw]
            verdict = "yes" if "toxic" in raw else "no"
            return jsonify(spam=spam, label=label, verdict=verdict, length=len(raw))
        """),
        Case(name: "only metadata reaches the sink", code: openAIHeader + """
        import streamlit as st
        r = client.chat.completions.create(model="gpt-4o", messages=[])
        st.write(r.usage.total_tokens, r.model)
        """),
        Case(name: "embeddings are not output", code: openAIHeader + """
        from flask import jsonify
        def embed(q):
            v = client.embeddings.create(model="text-embedding-3-small", input=q)
            return jsonify(v.data[0].embedding)
        """),
        Case(name: "a local model's output is not checked", code: """
        import ollama
        import streamlit as st
        r = ollama.chat(model="llama3", messages=[])
        st.write(r["message"]["content"])
        """),
    ]

    func run(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) {
        for c in cases {
            let (code, marker) = AIRuleExample(c.code).source
            let result = check(code, config: c.config)
            XCTAssertNil(result.parseNote, "\(c.name): did not parse", file: file, line: line)
            let hits = result.findings.filter { $0.ruleID == Self.rule }
            if let marker {
                let expected = position(ofOffset: marker, in: code).line
                XCTAssertEqual(hits.map(\.line), [expected], "\(c.name): expected one finding on line \(expected); got:\n\(describe(result))", file: file, line: line)
                for text in c.messageContains {
                    XCTAssertTrue(hits.first?.message.contains(text) ?? false, "\(c.name): message lacks '\(text)': \(hits.first?.message ?? "-")", file: file, line: line)
                }
                XCTAssertEqual(hits.first?.severity, .note, file: file, line: line)
            } else {
                XCTAssertTrue(hits.isEmpty, "\(c.name): expected no finding; got:\n\(describe(result))", file: file, line: line)
            }
        }
    }

    func testSourceForms() { run(Self.sources) }
    func testSinkFamilies() { run(Self.sinks) }
    func testHelperFlowsAndModerationGaps() { run(Self.flows) }
    func testModerationFormsClearTheOutput() { run(Self.moderated) }
    func testOutputThatStaysInTheProcess() { run(Self.local) }

    func testTheSameCodeWithoutModerationIsFlagged() {
        // Every moderated case, with its moderation call renamed away, is a finding: the cases
        // above pass because of the check, not because the flow was missed.
        for c in Self.moderated {
            var code = c.code
            for check in ["moderations.create", "Moderation.create", "classifiers.moderate", "analyze_text", ".analyze(",
                          "llama-guard-4-12b", "guard.validate", "rails.generate", "is_safe(", "@moderated"] {
                code = code.replacingOccurrences(of: check, with: check == "llama-guard-4-12b" ? "llama-4-scout" : check == "@moderated" ? "@functools.cache" : check == ".analyze(" ? ".annotate(" : check.replacingOccurrences(of: "e", with: "E"))
            }
            let hits = check(code, config: c.config).findings.filter { $0.ruleID == Self.rule }
            XCTAssertFalse(hits.isEmpty, "\(c.name) without its check gave no finding:\n\(code)")
        }
    }

    func testSeverityAndDisabling() {
        let code = Self.openAIHeader + "import streamlit as st\nst.write(client.chat.completions.create(model=\"gpt-4o\", messages=[]).choices[0].message.content)\n"
        var config = PythonCheckConfig()
        config.severityOverrides[Self.rule] = .error
        XCTAssertEqual(findings(code, Self.rule, config: config).map(\.severity), [.error])
        config.disabledRules = [Self.rule]
        XCTAssertTrue(findings(code, Self.rule, config: config).isEmpty)
    }

    func testUserSinkFromConfig() {
        let code = Self.openAIHeader + "from notify import publish\npublish(client.chat.completions.create(model=\"gpt-4o\", messages=[]).choices[0].message.content)\n"
        XCTAssertTrue(findings(code, Self.rule).isEmpty)
        var config = PythonCheckConfig()
        config.extraSinks = [OutputSink("publish", "our publish()", .custom)]
        let hits = findings(code, Self.rule, config: config)
        XCTAssertEqual(hits.map(\.line), [4])
        XCTAssertTrue(hits.first?.message.contains("our publish()") ?? false)
    }

    func testNotebookCells() {
        let cells = [
            "from openai import OpenAI\nimport streamlit as st\nclient = OpenAI()",
            "r = client.chat.completions.create(model=\"gpt-4o\", messages=[])",
            "st.write(r.choices[0].message.content)",
        ]
        let json = "{\"cells\": [" + cells.map { cell in
            "{\"cell_type\": \"code\", \"metadata\": {}, \"outputs\": [], \"source\": [\"" + cell.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\"]}"
        }.joined(separator: ", ") + "], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}"
        let result = checkNotebook(json)
        XCTAssertEqual(result.findings.filter { $0.ruleID == Self.rule }.count, 1, describe(result))
    }
}
