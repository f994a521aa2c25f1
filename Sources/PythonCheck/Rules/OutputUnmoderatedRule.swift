/// `ai-output-unmoderated`: model output published (a web response, a chat or social post, an
/// email, a webhook, a UI) with no moderation check on the way.
enum OutputUnmoderatedRule {
    static let id = "ai-output-unmoderated"

    static let description = AIRuleDescription(
        id: id,
        severity: .note,
        summary: "Output of an AI call reaches a publishing sink (a web response, a chat or social post, an email or "
            + "SMS, a webhook, a UI) with no moderation check on the way; content that breaks the provider's usage "
            + "policy would go out as it is.",
        examples: [
            AIRuleExample("""
            from flask import Flask, jsonify, request
            from openai import OpenAI
            app = Flask(__name__)
            client = OpenAI()

            @app.post("/chat")
            def chat():
                response = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": request.json["q"]}])
                return ↓jsonify(reply=response.choices[0].message.content)
            """),
            AIRuleExample("""
            import anthropic
            from slack_sdk import WebClient
            claude = anthropic.Anthropic()
            slack = WebClient(token=os.environ["SLACK_BOT_TOKEN"])

            def summarise(channel, text):
                message = claude.messages.create(model="claude-sonnet-4", max_tokens=300, messages=[{"role": "user", "content": text}])
                summary = message.content[0].text
                ↓slack.chat_postMessage(channel=channel, text=f"Summary: {summary}")
            """),
            AIRuleExample("""
            import streamlit as st
            from openai import OpenAI
            client = OpenAI()
            prompt = st.chat_input("Ask")
            if prompt:
                stream = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}], stream=True)
                text = ""
                for chunk in stream:
                    text += chunk.choices[0].delta.content or ""
                ↓st.markdown(text)
            """),
            AIRuleExample("""
            import tweepy
            from openai import OpenAI
            client = OpenAI()
            api = tweepy.Client()

            def draft(topic):
                return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": topic}]).choices[0].message.content

            def post(topic):
                check = client.moderations.create(input=topic)
                if check.results[0].flagged:
                    return
                ↓api.create_tweet(text=draft(topic))
            """),
            AIRuleExample("""
            # choices[0].message.content via assignment
            from flask import Flask, jsonify
            from openai import OpenAI
            app = Flask(__name__)
            client = OpenAI()

            @app.route("/a")
            def a():
                r = client.chat.completions.create(model="gpt-4o", messages=[])
                text = r.choices[0].message.content
                return ↓jsonify({"text": text})
            """),
            AIRuleExample("""
            # anthropic content[0].text in an f-string
            import anthropic
            from slack_sdk import WebClient
            claude = anthropic.Anthropic()
            slack = WebClient()

            def run(channel):
                msg = claude.messages.create(model="claude-sonnet-4", max_tokens=100, messages=[])
                ↓slack.chat_postMessage(channel=channel, text=f"*Bot:* {msg.content[0].text}")
            """),
            AIRuleExample("""
            # google-genai .text joined with +
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
            """),
            AIRuleExample("""
            # streamed chunks joined
            import requests
            from openai import OpenAI
            client = OpenAI()
            WEBHOOK_URL = os.environ["TEAMS_WEBHOOK_URL"]

            def announce():
                parts = []
                for chunk in client.chat.completions.create(model="gpt-4o", messages=[], stream=True):
                    parts.append(chunk.choices[0].delta.content or "")
                ↓requests.post(WEBHOOK_URL, json={"text": "".join(parts)})
            """),
            AIRuleExample("""
            # langchain invoke result formatted
            import discord
            from langchain_openai import ChatOpenAI
            llm = ChatOpenAI(model="gpt-4o-mini")

            async def on_message(message):
                answer = llm.invoke(message.content)
                await ↓message.channel.send("Answer: {}".format(answer.content))
            """),
            AIRuleExample("""
            # litellm completion through % formatting
            import litellm
            from telegram import Update

            async def reply(update, context):
                out = litellm.completion(model="claude-3-haiku-20240307", messages=[])
                await ↓update.message.reply_text("%s" % out.choices[0].message.content)
            """),
            AIRuleExample("""
            # raw HTTP to an AI API
            import requests
            import tweepy
            api = tweepy.Client()

            def tweet():
                r = requests.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o"}, timeout=30)
                ↓api.create_tweet(text=r.json()["choices"][0]["message"]["content"])
            """),
            AIRuleExample("""
            # FastAPI StreamingResponse over a generator
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
                return ↓StreamingResponse(gen(), media_type="text/event-stream")
            """),
            AIRuleExample("""
            # Flask route returning the text
            from openai import OpenAI
            client = OpenAI()
            from flask import Flask
            app = Flask(__name__)

            @app.route("/joke")
            def joke():
                r = client.chat.completions.create(model="gpt-4o", messages=[])
                return ↓r.choices[0].message.content
            """),
            AIRuleExample("""
            # websocket send_text
            from openai import OpenAI
            client = OpenAI()
            from fastapi import FastAPI, WebSocket
            app = FastAPI()

            @app.websocket("/ws")
            async def ws(websocket: WebSocket):
                r = client.chat.completions.create(model="gpt-4o", messages=[])
                await ↓websocket.send_text(r.choices[0].message.content)
            """),
            AIRuleExample("""
            # Slack bolt say
            from openai import OpenAI
            client = OpenAI()
            from slack_bolt import App
            app = App()

            @app.message("hi")
            def hi(message, say):
                r = client.chat.completions.create(model="gpt-4o", messages=[])
                ↓say(r.choices[0].message.content)
            """),
            AIRuleExample("""
            # Mastodon status_post
            from openai import OpenAI
            client = OpenAI()
            from mastodon import Mastodon
            m = Mastodon(access_token="token.secret")
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            ↓m.status_post(r.choices[0].message.content)
            """),
            AIRuleExample("""
            # praw submit
            from openai import OpenAI
            client = OpenAI()
            import praw
            reddit = praw.Reddit()
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            ↓reddit.subreddit("test").submit("AI says", selftext=r.choices[0].message.content)
            """),
            AIRuleExample("""
            # Twilio SMS
            from openai import OpenAI
            client = OpenAI()
            from twilio.rest import Client
            sms = Client()
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            ↓sms.messages.create(body=r.choices[0].message.content, to="+15550100", from_="+15550101")
            """),
            AIRuleExample("""
            # SendGrid
            from openai import OpenAI
            client = OpenAI()
            from sendgrid import SendGridAPIClient
            from sendgrid.helpers.mail import Mail
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            mail = Mail(from_email="a@example.com", to_emails="b@example.com", subject="hi", html_content=r.choices[0].message.content)
            ↓SendGridAPIClient(os.environ["SENDGRID_API_KEY"]).send(mail)
            """),
            AIRuleExample("""
            # Gradio interface function
            from openai import OpenAI
            client = OpenAI()
            import gradio as gr

            def respond(message, history):
                r = client.chat.completions.create(model="gpt-4o", messages=[])
                return ↓r.choices[0].message.content

            gr.ChatInterface(respond).launch()
            """),
            AIRuleExample("""
            # Django HttpResponse
            from openai import OpenAI
            client = OpenAI()
            from django.http import HttpResponse

            def view(request):
                r = client.chat.completions.create(model="gpt-4o", messages=[])
                return ↓HttpResponse(r.choices[0].message.content)
            """),
            AIRuleExample("""
            # helper returns output; caller posts it
            from openai import OpenAI
            client = OpenAI()
            from slack_sdk import WebClient
            slack = WebClient()

            def generate(prompt):
                r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
                return r.choices[0].message.content.strip()

            def post(channel, prompt):
                text = generate(prompt)
                ↓slack.chat_postMessage(channel=channel, text=text)
            """),
            AIRuleExample("""
            # output passed to a helper that posts it
            from openai import OpenAI
            client = OpenAI()
            from slack_sdk import WebClient
            slack = WebClient()

            def send(channel, text):
                ↓slack.chat_postMessage(channel=channel, text=text)

            def run():
                r = client.chat.completions.create(model="gpt-4o", messages=[])
                send("#general", r.choices[0].message.content)
            """),
            AIRuleExample("""
            # method on self returning output
            from openai import OpenAI
            client = OpenAI()
            import tweepy

            class Bot:
                def __init__(self):
                    self.api = tweepy.Client()

                def draft(self):
                    return client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content

                def tweet(self):
                    ↓self.api.create_tweet(text=self.draft())
            """),
            AIRuleExample("""
            # input moderated, output not
            from openai import OpenAI
            client = OpenAI()
            from flask import Flask, jsonify, request
            app = Flask(__name__)

            @app.post("/chat")
            def chat():
                question = request.json["q"]
                check = client.moderations.create(input=question)
                if check.results[0].flagged:
                    return jsonify(error="flagged"), 400
                r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
                return ↓jsonify(reply=r.choices[0].message.content)
            """),
            AIRuleExample("""
            # moderation after the sink does not count
            from openai import OpenAI
            client = OpenAI()
            import streamlit as st
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            ↓st.write(text)
            client.moderations.create(input=text)
            """),
        ],
        negativeExamples: [
            AIRuleExample("""
            from flask import Flask, jsonify, request
            from openai import OpenAI
            app = Flask(__name__)
            client = OpenAI()

            @app.post("/chat")
            def chat():
                response = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": request.json["q"]}])
                reply = response.choices[0].message.content
                verdict = client.moderations.create(model="omni-moderation-latest", input=reply)
                if verdict.results[0].flagged:
                    return jsonify(reply="Sorry, I can't help with that.")
                return jsonify(reply=reply)
            """),
            AIRuleExample("""
            import logging
            from openai import OpenAI
            client = OpenAI()

            def label(review):
                answer = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": review}])
                text = answer.choices[0].message.content
                logging.info("model said %s", text)
                with open("labels.txt", "a") as out:
                    out.write(text + "\\n")
                return "positive" if "positive" in text.lower() else "negative"
            """),
            AIRuleExample("""
            import streamlit as st
            from openai import OpenAI
            client = OpenAI()
            answer = client.chat.completions.create(model="gpt-4o", messages=[])
            st.write("Tokens used:", answer.usage.total_tokens)
            """),
            AIRuleExample("""
            # openai moderations.create on the output
            from openai import OpenAI
            client = OpenAI()
            import streamlit as st
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            if not client.moderations.create(input=text).results[0].flagged:
                st.write(text)
            """),
            AIRuleExample("""
            # openai 0.x Moderation.create
            import openai
            import streamlit as st
            r = openai.ChatCompletion.create(model="gpt-4", messages=[])
            text = r["choices"][0]["message"]["content"]
            if not openai.Moderation.create(input=text)["results"][0]["flagged"]:
                st.write(text)
            """),
            AIRuleExample("""
            # Mistral classifiers.moderate
            import streamlit as st
            from mistralai import Mistral
            client = Mistral(api_key=os.environ["MISTRAL_API_KEY"])
            r = client.chat.complete(model="mistral-small-latest", messages=[])
            text = r.choices[0].message.content
            verdict = client.classifiers.moderate(model="mistral-moderation-latest", inputs=[text])
            st.markdown(text)
            """),
            AIRuleExample("""
            # Azure AI Content Safety
            from openai import OpenAI
            client = OpenAI()
            import streamlit as st
            from azure.ai.contentsafety import ContentSafetyClient
            from azure.ai.contentsafety.models import AnalyzeTextOptions
            safety = ContentSafetyClient(endpoint, credential)
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            result = safety.analyze_text(AnalyzeTextOptions(text=text))
            st.markdown(text)
            """),
            AIRuleExample("""
            # Perspective comments().analyze
            from openai import OpenAI
            client = OpenAI()
            import streamlit as st
            from googleapiclient import discovery
            perspective = discovery.build("commentanalyzer", "v1alpha1", developerKey=key)
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            scores = perspective.comments().analyze(body={"comment": {"text": text}}).execute()
            st.markdown(text)
            """),
            AIRuleExample("""
            # Llama Guard through an SDK call
            import streamlit as st
            from groq import Groq
            client = Groq()
            r = client.chat.completions.create(model="llama-3.3-70b-versatile", messages=[])
            text = r.choices[0].message.content
            guard = client.chat.completions.create(model="meta-llama/llama-guard-4-12b", messages=[{"role": "assistant", "content": text}])
            if "unsafe" not in guard.choices[0].message.content:
                st.markdown(text)
            """),
            AIRuleExample("""
            # guardrails-ai Guard.validate
            from openai import OpenAI
            client = OpenAI()
            import streamlit as st
            from guardrails import Guard
            from guardrails.hub import ToxicLanguage
            guard = Guard().use(ToxicLanguage())
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            guard.validate(text)
            st.markdown(text)
            """),
            AIRuleExample("""
            # NeMo Guardrails LLMRails
            from openai import OpenAI
            client = OpenAI()
            import streamlit as st
            from nemoguardrails import LLMRails, RailsConfig
            rails = LLMRails(RailsConfig.from_path("./config"))
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            checked = rails.generate(messages=[{"role": "assistant", "content": text}])
            st.markdown(text)
            """),
            AIRuleExample("""
            # moderated inside a helper before returning
            from openai import OpenAI
            client = OpenAI()
            from slack_sdk import WebClient
            slack = WebClient()

            def generate():
                text = client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content
                if client.moderations.create(input=text).results[0].flagged:
                    return "(withheld)"
                return text

            slack.chat_postMessage(channel="#x", text=generate())
            """),
            AIRuleExample("""
            # moderated in the caller before the helper posts
            from openai import OpenAI
            client = OpenAI()
            from slack_sdk import WebClient
            slack = WebClient()

            def send(text):
                slack.chat_postMessage(channel="#x", text=text)

            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            client.moderations.create(input=text)
            send(text)
            """),
            AIRuleExample("""
            # logged and written to a local file
            from openai import OpenAI
            client = OpenAI()
            import logging
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            text = r.choices[0].message.content
            logging.getLogger(__name__).info(text)
            print(text)
            with open("out.md", "w") as f:
                f.write(text)
            """),
            AIRuleExample("""
            # compared and used as a classifier label
            from openai import OpenAI
            client = OpenAI()
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
            AIRuleExample("""
            # only metadata reaches the sink
            from openai import OpenAI
            client = OpenAI()
            import streamlit as st
            r = client.chat.completions.create(model="gpt-4o", messages=[])
            st.write(r.usage.total_tokens, r.model)
            """),
            AIRuleExample("""
            # embeddings are not output
            from openai import OpenAI
            client = OpenAI()
            from flask import jsonify
            def embed(q):
                v = client.embeddings.create(model="text-embedding-3-small", input=q)
                return jsonify(v.data[0].embedding)
            """),
            AIRuleExample("""
            # a local model's output is not checked
            import ollama
            import streamlit as st
            r = ollama.chat(model="llama3", messages=[])
            st.write(r["message"]["content"])
            """),
        ])

    static func message(sdk: String, callee: String, sourceLine: Int, sink: OutputSink, sinkLine: Int, inputModerationLine: Int?) -> String {
        var text = "Output of the \(sdk) call `\(callee)` (line \(sourceLine)) reaches \(sink.label) at line \(sinkLine) "
            + "with no moderation check on the way"
        if let inputModerationLine {
            text += "; the moderation call at line \(inputModerationLine) checks the input, not the model's output"
        }
        text += ". Check the output before it goes out: `verdict = client.moderations.create(model=\"omni-moderation-latest\", input=text)`"
            + " / `if verdict.results[0].flagged:` / `    text = FALLBACK_REPLY` (or your own check, listed under [ai] moderation)."
        return text
    }
}
