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
