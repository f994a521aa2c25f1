/// Where model output can leave the process for people to see, and what checks it on the way:
/// the data behind `ai-output-unmoderated` and the inventory. Each table is the one place to add
/// an entry; a project adds its own through `PythonCheckConfig` (`[ai]` in `.leakguard.toml`).
///
/// A pattern is `module:chain` or a bare `chain`:
/// - `module:chain` matches a call whose callee resolves to something under `module` and ends
///   in `.chain` (`slack_sdk:chat_postMessage` matches `WebClient(...).chat_postMessage`), or,
///   in a file that imports `module`, a callee whose text is `chain` or ends in `.chain`
///   (`update.message.reply_text` on a parameter the checker cannot follow).
/// - a bare `chain` matches a callee whose text or resolved path is `chain` or ends in `.chain`.
public struct OutputSink: Sendable, Equatable {
    /// What kind of audience the output reaches.
    public enum Family: String, Sendable, CaseIterable {
        case web, chat, email, webhook, ui, custom
    }

    /// How the pattern is found.
    public enum Kind: String, Sendable {
        /// A call that publishes its arguments (`chat_postMessage(text=…)`).
        case call
        /// A call that registers a function whose return value is published (`gr.Interface(fn=…)`,
        /// `button.click(respond, …)`): the function is the first positional argument or `fn=`.
        case handler
        /// A decorator that makes a function a web route: its return value is the response.
        case route
        /// A raw HTTP POST whose URL (its text or the name holding it) contains the pattern.
        case webhookURL
    }

    public var pattern: String
    public var label: String
    public var family: Family
    public var kind: Kind

    public init(_ pattern: String, _ label: String, _ family: Family, kind: Kind = .call) {
        self.pattern = pattern
        self.label = label
        self.family = family
        self.kind = kind
    }

    public static let builtIn: [OutputSink] = web + chat + email + webhooks + ui

    private static let web: [OutputSink] = [
        OutputSink("flask:jsonify", "Flask jsonify", .web),
        OutputSink("flask:Response", "Flask Response", .web),
        OutputSink("flask:make_response", "Flask make_response", .web),
        OutputSink("flask:render_template_string", "Flask render_template_string", .web),
        OutputSink("fastapi:JSONResponse", "FastAPI JSONResponse", .web),
        OutputSink("fastapi:HTMLResponse", "FastAPI HTMLResponse", .web),
        OutputSink("fastapi:PlainTextResponse", "FastAPI PlainTextResponse", .web),
        OutputSink("fastapi:StreamingResponse", "FastAPI StreamingResponse", .web),
        OutputSink("starlette:JSONResponse", "Starlette JSONResponse", .web),
        OutputSink("starlette:HTMLResponse", "Starlette HTMLResponse", .web),
        OutputSink("starlette:PlainTextResponse", "Starlette PlainTextResponse", .web),
        OutputSink("starlette:StreamingResponse", "Starlette StreamingResponse", .web),
        OutputSink("sse_starlette:EventSourceResponse", "EventSourceResponse", .web),
        OutputSink("django:HttpResponse", "Django HttpResponse", .web),
        OutputSink("django:JsonResponse", "Django JsonResponse", .web),
        OutputSink("django:StreamingHttpResponse", "Django StreamingHttpResponse", .web),
        OutputSink("fastapi:send_text", "websocket send_text", .web),
        OutputSink("fastapi:send_json", "websocket send_json", .web),
        OutputSink("starlette:send_text", "websocket send_text", .web),
        OutputSink("starlette:send_json", "websocket send_json", .web),
        OutputSink("websockets:send", "websocket send", .web),
        OutputSink("flask_socketio:emit", "Socket.IO emit", .web),
        OutputSink("flask:route", "Flask route response", .web, kind: .route),
        OutputSink("flask:get", "Flask route response", .web, kind: .route),
        OutputSink("flask:post", "Flask route response", .web, kind: .route),
        OutputSink("quart:route", "Quart route response", .web, kind: .route),
        OutputSink("fastapi:get", "FastAPI route response", .web, kind: .route),
        OutputSink("fastapi:post", "FastAPI route response", .web, kind: .route),
        OutputSink("fastapi:put", "FastAPI route response", .web, kind: .route),
        OutputSink("fastapi:api_route", "FastAPI route response", .web, kind: .route),
        OutputSink("starlette:route", "Starlette route response", .web, kind: .route),
    ]

    private static let chat: [OutputSink] = [
        OutputSink("slack_sdk:chat_postMessage", "Slack chat_postMessage", .chat),
        OutputSink("slack_sdk:chat_update", "Slack chat_update", .chat),
        OutputSink("slack:chat_postMessage", "Slack chat_postMessage", .chat),
        OutputSink("slack_bolt:chat_postMessage", "Slack chat_postMessage", .chat),
        OutputSink("slack_bolt:say", "Slack say", .chat),
        OutputSink("slack_bolt:respond", "Slack respond", .chat),
        OutputSink("discord:send", "Discord send", .chat),
        OutputSink("discord:reply", "Discord reply", .chat),
        OutputSink("discord:send_message", "Discord send_message", .chat),
        OutputSink("telegram:send_message", "Telegram send_message", .chat),
        OutputSink("telegram:reply_text", "Telegram reply_text", .chat),
        OutputSink("telebot:send_message", "Telegram send_message", .chat),
        OutputSink("telebot:reply_to", "Telegram reply_to", .chat),
        OutputSink("tweepy:create_tweet", "tweepy create_tweet", .chat),
        OutputSink("tweepy:update_status", "tweepy update_status", .chat),
        OutputSink("mastodon:status_post", "Mastodon status_post", .chat),
        OutputSink("mastodon:toot", "Mastodon toot", .chat),
        OutputSink("praw:submit", "Reddit submit", .chat),
        OutputSink("praw:reply", "Reddit reply", .chat),
    ]

    private static let email: [OutputSink] = [
        OutputSink("smtplib:send_message", "smtplib send_message", .email),
        OutputSink("smtplib:sendmail", "smtplib sendmail", .email),
        OutputSink("sendgrid:send", "SendGrid send", .email),
        OutputSink("twilio:messages.create", "Twilio messages.create", .email),
        OutputSink("yagmail:send", "yagmail send", .email),
    ]

    private static let webhooks: [OutputSink] = [
        OutputSink("webhook", "webhook POST", .webhook, kind: .webhookURL),
        OutputSink("hooks.slack.com", "Slack webhook POST", .webhook, kind: .webhookURL),
        OutputSink("discord.com/api/webhooks", "Discord webhook POST", .webhook, kind: .webhookURL),
    ]

    private static let ui: [OutputSink] = [
        OutputSink("streamlit:write", "Streamlit write", .ui),
        OutputSink("streamlit:markdown", "Streamlit markdown", .ui),
        OutputSink("streamlit:text", "Streamlit text", .ui),
        OutputSink("streamlit:write_stream", "Streamlit write_stream", .ui),
        OutputSink("streamlit:caption", "Streamlit caption", .ui),
        OutputSink("streamlit:code", "Streamlit code", .ui),
        OutputSink("streamlit:info", "Streamlit info", .ui),
        OutputSink("streamlit:success", "Streamlit success", .ui),
        OutputSink("gradio:Interface", "Gradio interface output", .ui, kind: .handler),
        OutputSink("gradio:ChatInterface", "Gradio chat output", .ui, kind: .handler),
        OutputSink("gradio:click", "Gradio event output", .ui, kind: .handler),
        OutputSink("gradio:submit", "Gradio event output", .ui, kind: .handler),
        OutputSink("gradio:change", "Gradio event output", .ui, kind: .handler),
    ]
}

/// A check that clears model output for publishing: a moderation endpoint or a guard. Patterns
/// are written as for `OutputSink`. A decorator entry clears every path through the function it
/// decorates.
public struct ModerationCheck: Sendable, Equatable {
    public enum Kind: String, Sendable { case call, decorator }

    public var pattern: String
    public var label: String
    public var kind: Kind

    public init(_ pattern: String, _ label: String, kind: Kind = .call) {
        self.pattern = pattern
        self.label = label
        self.kind = kind
    }

    /// Llama Guard and its kin run through an ordinary SDK call: a resolved AI call whose model
    /// name contains this is a moderation call, not a source of output.
    public static let guardModelMarker = "guard"

    public static let builtIn: [ModerationCheck] = [
        ModerationCheck("openai:moderations.create", "OpenAI moderations"),
        ModerationCheck("openai:Moderation.create", "OpenAI moderation (0.x)"),
        ModerationCheck("openai:Moderation.acreate", "OpenAI moderation (0.x)"),
        ModerationCheck("mistralai:classifiers.moderate", "Mistral moderation"),
        ModerationCheck("mistralai:classifiers.moderate_chat", "Mistral moderation"),
        ModerationCheck("litellm:moderation", "litellm moderation"),
        ModerationCheck("litellm:amoderation", "litellm moderation"),
        ModerationCheck("azure.ai.contentsafety:analyze_text", "Azure AI Content Safety"),
        ModerationCheck("googleapiclient:comments.analyze", "Perspective API"),
        ModerationCheck("boto3:apply_guardrail", "Bedrock guardrail"),
        ModerationCheck("guardrails:validate", "guardrails-ai Guard"),
        ModerationCheck("guardrails:parse", "guardrails-ai Guard"),
        ModerationCheck("nemoguardrails:generate", "NeMo Guardrails"),
        ModerationCheck("nemoguardrails:generate_async", "NeMo Guardrails"),
        ModerationCheck("nemoguardrails:check", "NeMo Guardrails"),
        ModerationCheck("nemoguardrails:check_async", "NeMo Guardrails"),
    ]
}

/// A provider's usage policy (terms) and rate-limit documentation, for the inventory checklist.
public struct ProviderDocs: Sendable, Equatable {
    public var usagePolicy: String
    public var rateLimits: String

    public init(usagePolicy: String, rateLimits: String) {
        self.usagePolicy = usagePolicy
        self.rateLimits = rateLimits
    }

    /// By SDK name as findings give it (`AISDKSpec.name`, "http" for an unnamed endpoint). Every
    /// name of `AISDKSpec.builtIn` has an entry (a test checks); routers and frameworks point at
    /// their provider lists, since the model's provider sets the terms.
    public static let byProvider: [String: ProviderDocs] = [
        "openai": .init(usagePolicy: "https://openai.com/policies/usage-policies/",
                        rateLimits: "https://platform.openai.com/docs/guides/rate-limits"),
        "anthropic": .init(usagePolicy: "https://www.anthropic.com/legal/aup",
                           rateLimits: "https://docs.anthropic.com/en/api/rate-limits"),
        "groq": .init(usagePolicy: "https://console.groq.com/docs/legal/services-agreement",
                      rateLimits: "https://console.groq.com/docs/rate-limits"),
        "together": .init(usagePolicy: "https://www.together.ai/terms-of-service",
                          rateLimits: "https://docs.together.ai/docs/rate-limits"),
        "mistralai": .init(usagePolicy: "https://mistral.ai/terms#usage-policy",
                           rateLimits: "https://docs.mistral.ai/deployment/laplateforme/tier/"),
        "cohere": .init(usagePolicy: "https://docs.cohere.com/docs/usage-policy",
                        rateLimits: "https://docs.cohere.com/docs/rate-limits"),
        "google-genai": .init(usagePolicy: "https://ai.google.dev/gemini-api/terms",
                              rateLimits: "https://ai.google.dev/gemini-api/docs/rate-limits"),
        "google-generativeai": .init(usagePolicy: "https://ai.google.dev/gemini-api/terms",
                                     rateLimits: "https://ai.google.dev/gemini-api/docs/rate-limits"),
        "huggingface_hub": .init(usagePolicy: "https://huggingface.co/content-policy",
                                 rateLimits: "https://huggingface.co/docs/hub/rate-limits"),
        "replicate": .init(usagePolicy: "https://replicate.com/terms",
                           rateLimits: "https://replicate.com/docs/topics/predictions/rate-limits"),
        "bedrock": .init(usagePolicy: "https://aws.amazon.com/ai/responsible-ai/policy/",
                         rateLimits: "https://docs.aws.amazon.com/bedrock/latest/userguide/quotas.html"),
        "litellm": .init(usagePolicy: "https://docs.litellm.ai/docs/providers",
                         rateLimits: "https://docs.litellm.ai/docs/providers"),
        "voyageai": .init(usagePolicy: "https://www.voyageai.com/terms-of-service",
                          rateLimits: "https://docs.voyageai.com/docs/rate-limits"),
        "stability": .init(usagePolicy: "https://stability.ai/use-policy",
                           rateLimits: "https://platform.stability.ai/docs/getting-started"),
        "elevenlabs": .init(usagePolicy: "https://elevenlabs.io/use-policy",
                            rateLimits: "https://help.elevenlabs.io/hc/en-us/articles/14312733311761"),
        "openrouter": .init(usagePolicy: "https://openrouter.ai/terms",
                            rateLimits: "https://openrouter.ai/docs/api-reference/limits"),
        "deepseek": .init(usagePolicy: "https://cdn.deepseek.com/policies/en-US/deepseek-open-platform-terms-of-service.html",
                          rateLimits: "https://api-docs.deepseek.com/quick_start/rate_limit"),
        "xai": .init(usagePolicy: "https://x.ai/legal/acceptable-use-policy",
                     rateLimits: "https://docs.x.ai/docs/key-information/consumption-and-rate-limits"),
        "perplexity": .init(usagePolicy: "https://www.perplexity.ai/hub/legal/terms-of-service",
                            rateLimits: "https://docs.perplexity.ai/guides/usage-tiers"),
        "fireworks": .init(usagePolicy: "https://fireworks.ai/terms-of-service",
                           rateLimits: "https://docs.fireworks.ai/guides/quotas_usage/rate-limits"),
        "nvidia": .init(usagePolicy: "https://www.nvidia.com/en-us/agreements/cloud-services/service-specific-terms-for-nvidia-api-trial/",
                        rateLimits: "https://docs.api.nvidia.com/nim/docs/api-quickstart"),
        "anyscale": .init(usagePolicy: "https://www.anyscale.com/terms",
                          rateLimits: "https://docs.anyscale.com/"),
        "dashscope": .init(usagePolicy: "https://www.alibabacloud.com/help/en/model-studio/terms",
                           rateLimits: "https://www.alibabacloud.com/help/en/model-studio/rate-limit"),
        "assemblyai": .init(usagePolicy: "https://www.assemblyai.com/legal/acceptable-use-policy",
                            rateLimits: "https://www.assemblyai.com/docs/concepts/rate-limits"),
        "deepgram": .init(usagePolicy: "https://deepgram.com/terms",
                          rateLimits: "https://developers.deepgram.com/reference/api-rate-limits"),
        "azure-ai": .init(usagePolicy: "https://learn.microsoft.com/en-us/legal/ai-code-of-conduct",
                          rateLimits: "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/quotas-limits"),
        "sarvam": .init(usagePolicy: "https://www.sarvam.ai/terms-of-service",
                        rateLimits: "https://docs.sarvam.ai/api-reference-docs/ratelimits"),
        "modelslab": .init(usagePolicy: "https://modelslab.com/terms-and-conditions",
                           rateLimits: "https://docs.modelslab.com/"),
        "cerebras": .init(usagePolicy: "https://www.cerebras.ai/terms-of-service",
                          rateLimits: "https://inference-docs.cerebras.ai/support/rate-limits"),
        "ai21": .init(usagePolicy: "https://www.ai21.com/responsible-use",
                      rateLimits: "https://docs.ai21.com/reference/api-rate-limits"),
        "langchain": .init(usagePolicy: "https://python.langchain.com/docs/integrations/chat/",
                           rateLimits: "https://python.langchain.com/docs/how_to/chat_model_rate_limiting/"),
        "llama-index": .init(usagePolicy: "https://docs.llamaindex.ai/en/stable/module_guides/models/llms/modules/",
                             rateLimits: "https://docs.llamaindex.ai/en/stable/module_guides/models/llms/modules/"),
        "ollama": .init(usagePolicy: "https://github.com/ollama/ollama/blob/main/LICENSE",
                        rateLimits: "https://github.com/ollama/ollama/blob/main/docs/faq.md"),
    ]

    /// The environment variable an SDK reads its key from when none is passed.
    public static let defaultKeyVariable: [String: String] = [
        "openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "groq": "GROQ_API_KEY",
        "together": "TOGETHER_API_KEY", "mistralai": "MISTRAL_API_KEY", "cohere": "CO_API_KEY",
        "google-genai": "GEMINI_API_KEY", "google-generativeai": "GOOGLE_API_KEY", "huggingface_hub": "HF_TOKEN",
        "replicate": "REPLICATE_API_TOKEN", "bedrock": "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
        "voyageai": "VOYAGE_API_KEY", "stability": "STABILITY_KEY", "elevenlabs": "ELEVENLABS_API_KEY",
        "litellm": "the model provider's variable, e.g. OPENAI_API_KEY", "langchain": "the model provider's variable, e.g. OPENAI_API_KEY",
        "llama-index": "the model provider's variable, e.g. OPENAI_API_KEY",
    ]
}

/// Keyword arguments that cap the tokens a call may generate, across SDKs.
let tokenCapArguments: Set<String> = [
    "max_tokens", "max_completion_tokens", "max_output_tokens", "max_new_tokens", "max_tokens_to_sample",
    "maxTokens", "maxOutputTokens", "num_predict", "max_length",
]
