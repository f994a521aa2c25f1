/// What the checker knows about one AI SDK: how a client is made, which calls reach the API, and
/// how the SDK retries. The built-in table (`AISDKSpec.builtIn`) is the one place to add an SDK;
/// a project adds its own through `PythonCheckConfig.extraSDKs`.
public struct AISDKSpec: Sendable, Equatable {
    /// Name put in findings: "openai", "anthropic".
    public var name: String
    /// Name used in messages when versions differ: "openai 0.x".
    public var label: String
    /// The dotted module the SDK is imported from: "openai", "google.genai".
    public var module: String
    /// Client constructors, dotted and relative to `module`: "OpenAI", "client.MistralClient",
    /// "Session().client" (a call inside the chain is written `()`).
    public var constructors: [String]
    /// Call chains that send a request, on a client or on the module itself:
    /// "chat.completions.create", "start_chat().send_message".
    public var calls: [String]
    /// Whether the SDK retries 429 responses with growing waits unless told otherwise.
    public var retriesByDefault: Bool
    /// Keyword arguments whose value 0 turns the SDK's retries off (`max_retries`), on the
    /// constructor, in `.with_options(...)` or as a module attribute (`openai.max_retries = 0`).
    /// On an SDK that does not retry by default, a positive count asks for retries without waits.
    public var retryCountArguments: [String]
    /// Keyword arguments, on the constructor or the call, that can carry a retry configuration
    /// (`http_options=`, `retry_config=`, `config=`, `request_options=`).
    public var retryConfigArguments: [String]
    /// Exception classes (last dotted name) that catch this SDK's rate-limit error, parents included.
    public var rateLimitErrors: [String]
    /// Constructor keyword arguments that take an API key.
    public var keyArguments: [String]
    /// A service a constructor must name to make this client, as its first argument or
    /// `service_name=` ("bedrock-runtime" for `boto3.client`).
    public var constructorService: String?
    /// A local inference server: no rate limit, never flagged.
    public var isLocal: Bool
    /// Why an unprotected call is unprotected when the SDK has no retries of its own.
    public var noRetryReason: String
    /// For a router SDK (litellm), the model names whose backend retries 429 by itself; the
    /// `model` argument of each call decides.
    public var retryingRoutes: ModelRoutes?
    /// The distribution name a project's dependency files pin ("google-genai").
    public var package: String
    /// Older versions that retry differently from `retriesByDefault` (the current behaviour),
    /// oldest range first; a project's pinned version picks one.
    public var versions: [VersionBehaviour]
    /// Hosts (with an optional path) of the provider's HTTP API: a raw POST there is a call of it.
    public var hosts: [String]
    /// For an API that later versions removed (openai 0.x's `ChatCompletion`), the version that
    /// removed it: a pin at or above it does not describe the code.
    public var existsBelow: String?
    /// Whether a positive retry count (`max_retries=3`) turns on retries with growing waits on
    /// an SDK that does not retry by default (voyageai); otherwise such a count retries at once.
    public var retryCountGrows: Bool

    public init(
        module: String,
        constructors: [String] = [],
        calls: [String],
        retriesByDefault: Bool,
        name: String? = nil,
        label: String? = nil,
        retryCountArguments: [String] = ["max_retries"],
        retryConfigArguments: [String] = [],
        rateLimitErrors: [String] = ["RateLimitError"],
        keyArguments: [String] = ["api_key"],
        constructorService: String? = nil,
        isLocal: Bool = false,
        noRetryReason: String? = nil,
        retryingRoutes: ModelRoutes? = nil,
        package: String? = nil,
        versions: [VersionBehaviour] = [],
        hosts: [String] = [],
        retryCountGrows: Bool = false,
        existsBelow: String? = nil
    ) {
        let name = name ?? String(module.split(separator: ".").first ?? Substring(module))
        self.name = name
        self.label = label ?? name
        self.module = module
        self.constructors = constructors
        self.calls = calls
        self.retriesByDefault = retriesByDefault
        self.retryCountArguments = retryCountArguments
        self.retryConfigArguments = retryConfigArguments
        self.rateLimitErrors = rateLimitErrors
        self.keyArguments = keyArguments
        self.constructorService = constructorService
        self.isLocal = isLocal
        self.noRetryReason = noRetryReason ?? "\(label ?? name) does not retry 429 by itself"
        self.retryingRoutes = retryingRoutes
        self.package = DependencyFiles.normalized(package ?? name)
        self.versions = versions
        self.hosts = hosts
        self.retryCountGrows = retryCountGrows
        self.existsBelow = existsBelow
    }

    /// A provider known only by its HTTP API hosts (no SDK of its own, or one not modelled):
    /// raw POSTs there are AI calls.
    public init(provider name: String, hosts: [String]) {
        self.init(module: "", calls: [], retriesByDefault: false, name: name, hosts: hosts)
    }

    /// The rate-limit exception a suggested fix names: the first of `rateLimitErrors`, qualified
    /// by the module's top package unless it is written in full.
    var suggestedException: String {
        let error = rateLimitErrors.first ?? "Exception"
        if error.contains(".") { return error }
        return "\(module.split(separator: ".").first ?? Substring(module)).\(error)"
    }
}

/// How versions below `below` of an SDK treat a 429, when that differs from the current version.
public struct VersionBehaviour: Sendable, Equatable {
    /// Versions below this one ("0.14").
    public var below: String
    public var retries: Bool
    /// What those versions do, for messages: "replicate below 0.14 retries … with backoff".
    public var note: String

    public init(below: String, retries: Bool, note: String) {
        self.below = below
        self.retries = retries
        self.note = note
    }

    var limit: [Int] { DependencyPin.numbers(below) ?? [0] }
}

/// Which models a router SDK sends to a backend that retries 429 by itself.
public struct ModelRoutes: Sendable, Equatable {
    /// Model prefixes naming such a backend ("openai/", "azure/").
    public var prefixes: [String]
    /// Prefixes of bare model names (no "provider/") that such a backend serves ("gpt-", "o3").
    public var bareNamePrefixes: [String]
    /// What does the retrying, for messages: "the openai SDK".
    public var backend: String
    /// A call keyword whose value 0 turns that backend's retries off.
    public var disablingArgument: String?

    public init(prefixes: [String], bareNamePrefixes: [String], backend: String, disablingArgument: String? = nil) {
        self.prefixes = prefixes
        self.bareNamePrefixes = bareNamePrefixes
        self.backend = backend
        self.disablingArgument = disablingArgument
    }

    /// Whether `model` goes to a retrying backend.
    public func retries(_ model: String) -> Bool {
        let lower = model.lowercased()
        if prefixes.contains(where: { lower.hasPrefix($0) }) { return true }
        return !lower.contains("/") && bareNamePrefixes.contains { lower.hasPrefix($0) }
    }
}

extension AISDKSpec {
    private static let openAIStyleCalls = [
        "chat.completions.create", "chat.completions.parse", "chat.completions.stream",
        "beta.chat.completions.parse", "beta.chat.completions.stream",
        "responses.create", "responses.stream", "responses.parse",
        "completions.create", "embeddings.create", "images.generate", "images.edit", "images.create_variation",
        "moderations.create", "audio.transcriptions.create", "audio.translations.create", "audio.speech.create",
        "batches.create", "files.create", "uploads.create", "fine_tuning.jobs.create",
        "beta.threads.runs.create", "beta.threads.runs.create_and_poll", "beta.threads.runs.stream",
        "beta.threads.create_and_run", "beta.threads.create_and_run_poll",
    ]

    /// The SDKs of the reference table, newest versions first where a module has several.
    public static let builtIn: [AISDKSpec] = [
        AISDKSpec(
            module: "openai",
            constructors: ["OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI"],
            calls: openAIStyleCalls,
            retriesByDefault: true,
            rateLimitErrors: ["RateLimitError", "APIStatusError", "APIError", "OpenAIError"],
            versions: [VersionBehaviour(below: "1.0", retries: false, note: "openai below 1.0 does not retry 429")],
            hosts: ["api.openai.com", "openai.azure.com"]),
        AISDKSpec(
            module: "openai",
            calls: ["ChatCompletion.create", "ChatCompletion.acreate", "Completion.create", "Completion.acreate",
                    "Embedding.create", "Embedding.acreate", "Image.create", "Image.acreate", "Image.create_edit",
                    "Image.create_variation", "Edit.create", "Edit.acreate", "Moderation.create", "Moderation.acreate",
                    "Audio.transcribe", "Audio.atranscribe", "Audio.translate", "Audio.atranslate", "File.create",
                    "FineTune.create", "FineTuningJob.create"],
            retriesByDefault: false,
            label: "openai 0.x",
            rateLimitErrors: ["openai.error.RateLimitError", "OpenAIError"],
            noRetryReason: "openai 0.x does not retry 429",
            versions: [VersionBehaviour(below: "1.0", retries: false, note: "openai below 1.0 does not retry 429")],
            existsBelow: "1.0"),
        AISDKSpec(
            module: "anthropic",
            constructors: ["Anthropic", "AsyncAnthropic", "AnthropicBedrock", "AsyncAnthropicBedrock",
                           "AnthropicVertex", "AsyncAnthropicVertex"],
            calls: ["messages.create", "messages.stream", "messages.parse", "messages.count_tokens",
                    "messages.batches.create", "beta.messages.create", "beta.messages.stream", "beta.messages.parse",
                    "beta.messages.count_tokens", "beta.messages.batches.create", "beta.files.upload", "completions.create"],
            retriesByDefault: true,
            rateLimitErrors: ["RateLimitError", "OverloadedError", "APIStatusError", "APIError", "AnthropicError"],
            hosts: ["api.anthropic.com"]),
        AISDKSpec(
            module: "groq",
            constructors: ["Groq", "AsyncGroq"],
            calls: ["chat.completions.create", "completions.create", "embeddings.create",
                    "audio.transcriptions.create", "audio.translations.create", "audio.speech.create",
                    "batches.create", "files.create"],
            retriesByDefault: true,
            rateLimitErrors: ["RateLimitError", "APIStatusError", "APIError", "GroqError"],
            hosts: ["api.groq.com"]),
        AISDKSpec(
            module: "together",
            constructors: ["Together", "AsyncTogether", "Client", "AsyncClient"],
            calls: ["chat.completions.create", "completions.create", "embeddings.create", "images.generate",
                    "rerank.create", "audio.speech.create", "audio.transcriptions.create", "files.upload",
                    "batches.create_batch", "fine_tuning.create", "Complete.create", "Completion.create",
                    "Embeddings.create", "Image.create"],
            retriesByDefault: true,
            // together 0.2.x sends one requests.post (src/together/utils.py create_post_request);
            // 1.x retries 5 times with growing waits (constants.py MAX_RETRIES).
            rateLimitErrors: ["together.error.RateLimitError", "APIError", "TogetherException"],
            versions: [VersionBehaviour(below: "1.0", retries: false, note: "together below 1.0 sends one request and does not retry 429")],
            hosts: ["api.together.xyz", "api.together.ai"]),
        AISDKSpec(
            module: "mistralai",
            constructors: ["Mistral", "client.Mistral"],
            calls: ["chat.complete", "chat.stream", "chat.complete_async", "chat.stream_async", "chat.parse",
                    "chat.parse_async", "embeddings.create", "embeddings.create_async", "fim.complete", "fim.stream",
                    "fim.complete_async", "fim.stream_async", "agents.complete", "agents.stream", "agents.complete_async",
                    "agents.stream_async", "classifiers.moderate", "classifiers.moderate_chat", "classifiers.classify",
                    "ocr.process", "ocr.process_async", "audio.transcriptions.complete", "batch.jobs.create",
                    "files.upload", "fine_tuning.jobs.create", "beta.conversations.start", "beta.conversations.append"],
            retriesByDefault: false,
            label: "mistralai",
            retryCountArguments: [],
            retryConfigArguments: ["retry_config", "retries"],
            rateLimitErrors: ["mistralai.models.SDKError", "MistralError", "HTTPValidationError"],
            noRetryReason: "mistralai 1.x makes one attempt unless a RetryConfig is passed",
            hosts: ["api.mistral.ai"]),
        AISDKSpec(
            module: "mistralai",
            constructors: ["client.MistralClient", "async_client.MistralAsyncClient"],
            calls: ["chat", "chat_stream", "embeddings", "completion", "completion_stream"],
            retriesByDefault: true,
            label: "mistralai 0.4",
            rateLimitErrors: ["mistralai.exceptions.MistralAPIStatusException", "MistralAPIException", "MistralException"],
            existsBelow: "1.0"),
        AISDKSpec(
            module: "cohere",
            constructors: ["Client", "ClientV2", "AsyncClient", "AsyncClientV2"],
            calls: ["chat", "chat_stream", "embed", "rerank", "generate", "generate_stream", "classify", "summarize",
                    "v2.chat", "v2.chat_stream", "v2.embed", "v2.rerank", "embed_jobs.create", "datasets.create"],
            retriesByDefault: true,
            retryConfigArguments: ["request_options"],
            rateLimitErrors: ["cohere.errors.TooManyRequestsError", "ApiError", "CohereError", "CohereAPIError"],
            hosts: ["api.cohere.com", "api.cohere.ai"]),
        AISDKSpec(
            module: "google.genai",
            constructors: ["Client"],
            calls: ["models.generate_content", "models.generate_content_stream", "models.embed_content",
                    "models.generate_images", "models.edit_image", "models.upscale_image", "models.generate_videos",
                    "models.count_tokens", "models.compute_tokens", "files.upload", "batches.create", "caches.create",
                    "aio.models.generate_content", "aio.models.generate_content_stream", "aio.models.embed_content",
                    "aio.models.generate_images", "aio.models.generate_videos", "aio.models.count_tokens",
                    "aio.files.upload", "aio.batches.create",
                    "chats.create().send_message", "chats.create().send_message_stream",
                    "aio.chats.create().send_message", "aio.chats.create().send_message_stream"],
            retriesByDefault: false,
            name: "google-genai",
            retryCountArguments: [],
            retryConfigArguments: ["http_options", "config"],
            rateLimitErrors: ["google.genai.errors.ClientError", "APIError"],
            noRetryReason: "google-genai makes one attempt unless HttpRetryOptions is configured",
            hosts: ["generativelanguage.googleapis.com", "aiplatform.googleapis.com"]),
        AISDKSpec(
            module: "google.generativeai",
            constructors: ["GenerativeModel"],
            calls: ["generate_content", "generate_content_async", "count_tokens", "count_tokens_async",
                    "start_chat().send_message", "start_chat().send_message_async",
                    "embed_content", "embed_content_async", "generate_text", "generate_embeddings", "chat", "chat_async",
                    "count_message_tokens", "count_text_tokens", "upload_file"],
            retriesByDefault: false,
            name: "google-generativeai",
            retryCountArguments: [],
            retryConfigArguments: ["request_options"],
            rateLimitErrors: ["google.api_core.exceptions.ResourceExhausted", "TooManyRequests", "GoogleAPICallError", "GoogleAPIError"],
            noRetryReason: "google-generativeai does not retry 429 unless request_options has a retry"),
        AISDKSpec(
            module: "huggingface_hub",
            constructors: ["InferenceClient", "AsyncInferenceClient"],
            calls: ["chat_completion", "chat.completions.create", "text_generation", "feature_extraction",
                    "text_to_image", "summarization", "translation", "question_answering", "sentence_similarity",
                    "automatic_speech_recognition", "image_to_text", "zero_shot_classification", "post",
                    "audio_classification", "audio_to_audio", "document_question_answering", "fill_mask",
                    "image_classification", "image_segmentation", "image_to_image", "object_detection",
                    "table_question_answering", "tabular_classification", "tabular_regression", "text_classification",
                    "text_to_speech", "text_to_video", "token_classification", "visual_question_answering",
                    "zero_shot_image_classification"],
            retriesByDefault: false,
            name: "huggingface_hub",
            retryCountArguments: [],
            rateLimitErrors: ["huggingface_hub.errors.HfHubHTTPError", "HTTPError", "InferenceTimeoutError"],
            keyArguments: ["token", "api_key"],
            noRetryReason: "huggingface_hub's InferenceClient does not retry 429",
            hosts: ["api-inference.huggingface.co", "router.huggingface.co"]),
        AISDKSpec(
            module: "replicate",
            constructors: ["Client", "client.Client"],
            calls: ["run", "async_run", "stream", "async_stream", "predictions.create", "predictions.async_create",
                    "models.predictions.create", "models.predictions.async_create", "deployments.predictions.create",
                    "deployments.predictions.async_create", "trainings.create", "trainings.async_create"],
            retriesByDefault: false,
            retryCountArguments: [],
            rateLimitErrors: ["replicate.exceptions.ReplicateError", "ModelError"],
            keyArguments: ["api_token"],
            noRetryReason: "replicate does not retry the POST that starts a prediction",
            // replicate/client.py up to 0.13: a requests session with urllib3 Retry(total=5,
            // backoff_factor=2, allowed_methods=["POST", "PUT"], status_forcelist=[429]). From
            // 0.14 an httpx RetryTransport whose retryable methods leave out POST.
            versions: [VersionBehaviour(below: "0.14", retries: true,
                                        note: "replicate below 0.14 retries a POST that gets 429 with exponential backoff")],
            hosts: ["api.replicate.com"]),
        AISDKSpec(
            module: "boto3",
            constructors: ["client", "Session().client", "session.Session().client"],
            calls: ["invoke_model", "invoke_model_with_response_stream", "converse", "converse_stream",
                    "invoke_model_with_bidirectional_stream", "start_async_invoke", "apply_guardrail"],
            retriesByDefault: true,
            name: "bedrock",
            retryCountArguments: [],
            retryConfigArguments: ["config"],
            rateLimitErrors: ["botocore.exceptions.ClientError", "ThrottlingException", "BotoCoreError"],
            keyArguments: ["aws_secret_access_key"],
            constructorService: "bedrock-runtime",
            package: "boto3"),
        // litellm's functions: the model decides the backend. OpenAI and Azure models go through an
        // openai SDK client made with max_retries=2 (3 requests with growing gaps, observed on
        // litellm 1.53 and 1.110); every other backend makes one request. `num_retries` retries
        // without waiting unless retry_strategy="exponential_backoff_retry".
        AISDKSpec(
            module: "litellm",
            calls: ["completion", "acompletion", "embedding", "aembedding", "text_completion", "atext_completion",
                    "image_generation", "aimage_generation", "image_edit", "aimage_edit", "transcription",
                    "atranscription", "speech", "aspeech", "moderation", "amoderation", "rerank", "arerank",
                    "responses", "aresponses", "batch_completion", "batch_completion_models", "completion_with_retries",
                    "acompletion_with_retries", "create_batch", "acreate_batch", "create_file", "acreate_file"],
            retriesByDefault: false,
            retryCountArguments: ["num_retries"],
            retryConfigArguments: ["retry_strategy"],
            rateLimitErrors: ["RateLimitError", "APIError", "OpenAIError"],
            noRetryReason: "litellm does not retry unless num_retries is set",
            retryingRoutes: ModelRoutes(
                prefixes: ["openai/", "azure/", "text-completion-openai/"],
                bareNamePrefixes: ["gpt-", "chatgpt-", "o1", "o3", "o4", "text-embedding-", "text-davinci", "davinci",
                                   "babbage", "dall-e", "gpt-image", "whisper-", "tts-", "omni-moderation",
                                   "text-moderation", "ft:gpt", "codex-", "computer-use-"],
                backend: "the openai SDK",
                disablingArgument: "max_retries")),
        // litellm's Router retries each call num_retries times (default 2, openai's
        // DEFAULT_MAX_RETRIES), sleeping an exponentially growing time when no other deployment
        // is free.
        AISDKSpec(
            module: "litellm",
            constructors: ["Router", "router.Router"],
            calls: ["completion", "acompletion", "embedding", "aembedding", "text_completion", "atext_completion",
                    "image_generation", "aimage_generation", "transcription", "atranscription", "speech", "aspeech",
                    "moderation", "amoderation", "rerank", "arerank", "responses", "aresponses"],
            retriesByDefault: true,
            label: "litellm Router",
            retryCountArguments: ["num_retries"],
            rateLimitErrors: ["RateLimitError", "APIError", "OpenAIError"]),
        // voyageai: Client(max_retries=0) by default; a positive count retries RateLimitError
        // with tenacity's wait_exponential_jitter(initial=1, max=16) (voyageai/client.py).
        AISDKSpec(
            module: "voyageai",
            constructors: ["Client", "AsyncClient", "client.Client", "client_async.AsyncClient"],
            calls: ["embed", "contextualized_embed", "multimodal_embed", "rerank", "tokenize", "count_tokens",
                    "get_embedding", "get_embeddings", "aget_embedding", "aget_embeddings"],
            retriesByDefault: false,
            rateLimitErrors: ["voyageai.error.RateLimitError", "VoyageError"],
            noRetryReason: "voyageai's Client makes one attempt unless max_retries is above 0",
            hosts: ["api.voyageai.com"],
            retryCountGrows: true),
        // stability_sdk: StabilityInference.generate makes one gRPC request; api.Context retries
        // RPC errors but raises OutOfCreditsException on RESOURCE_EXHAUSTED (src/stability_sdk).
        AISDKSpec(
            module: "stability_sdk",
            constructors: ["client.StabilityInference", "api.Context"],
            calls: ["generate", "upscale", "inpaint", "transform", "generate_stream", "interpolate"],
            retriesByDefault: false,
            name: "stability",
            retryCountArguments: [],
            rateLimitErrors: ["grpc.RpcError", "OutOfCreditsException", "ClassifierException"],
            keyArguments: ["key", "api_key"],
            noRetryReason: "stability_sdk does not retry a request the API turns down for rate or credits",
            package: "stability-sdk",
            hosts: ["api.stability.ai", "grpc.stability.ai"]),
        // elevenlabs (Fern): 2 retries on 429 with waits doubling from 1 s, honouring Retry-After
        // (src/elevenlabs/core/http_client.py); request_options={"max_retries": 0} turns them off.
        AISDKSpec(
            module: "elevenlabs",
            constructors: ["ElevenLabs", "AsyncElevenLabs", "client.ElevenLabs", "client.AsyncElevenLabs"],
            calls: ["text_to_speech.convert", "text_to_speech.stream", "text_to_speech.convert_with_timestamps",
                    "text_to_speech.stream_with_timestamps", "speech_to_text.convert", "speech_to_speech.convert",
                    "speech_to_speech.stream", "text_to_sound_effects.convert", "audio_isolation.convert",
                    "text_to_voice.create_previews", "generate"],
            retriesByDefault: true,
            retryCountArguments: [],
            retryConfigArguments: ["request_options"],
            rateLimitErrors: ["elevenlabs.core.api_error.ApiError", "TooManyRequestsError"],
            hosts: ["api.elevenlabs.io"]),
        // Providers whose HTTP APIs are called directly (OpenAI-compatible hosts, or SDKs not
        // modelled here): a raw POST to them is an AI call.
        AISDKSpec(provider: "openrouter", hosts: ["openrouter.ai/api/v1/chat", "openrouter.ai/api/v1/completions",
                                                  "openrouter.ai/api/v1/embeddings", "openrouter.ai/api/v1/responses"]),
        AISDKSpec(provider: "deepseek", hosts: ["api.deepseek.com"]),
        AISDKSpec(provider: "xai", hosts: ["api.x.ai"]),
        AISDKSpec(provider: "perplexity", hosts: ["api.perplexity.ai"]),
        AISDKSpec(provider: "fireworks", hosts: ["api.fireworks.ai"]),
        AISDKSpec(provider: "nvidia", hosts: ["integrate.api.nvidia.com", "ai.api.nvidia.com"]),
        AISDKSpec(provider: "anyscale", hosts: ["api.endpoints.anyscale.com"]),
        AISDKSpec(provider: "dashscope", hosts: ["dashscope.aliyuncs.com", "dashscope-intl.aliyuncs.com"]),
        AISDKSpec(provider: "assemblyai", hosts: ["api.assemblyai.com"]),
        AISDKSpec(provider: "deepgram", hosts: ["api.deepgram.com"]),
        AISDKSpec(provider: "azure-ai", hosts: ["services.ai.azure.com", "models.ai.azure.com", "inference.ai.azure.com"]),
        AISDKSpec(provider: "sarvam", hosts: ["api.sarvam.ai"]),
        AISDKSpec(provider: "modelslab", hosts: ["modelslab.com/api"]),
        AISDKSpec(provider: "cerebras", hosts: ["api.cerebras.ai"]),
        AISDKSpec(provider: "ai21", hosts: ["api.ai21.com"]),
    ] + langchainSpecs + llamaIndexSpecs + localSpecs

    private static let langchainCalls = ["invoke", "ainvoke", "stream", "astream", "batch", "abatch", "predict",
                                         "apredict", "generate", "agenerate"]

    /// langchain chat models inherit their SDK's retries (2 by default; `max_retries=0` turns them off).
    private static let langchainSpecs: [AISDKSpec] = [
        ("langchain_openai", ["ChatOpenAI", "AzureChatOpenAI", "OpenAI", "OpenAIEmbeddings"]),
        ("langchain_anthropic", ["ChatAnthropic"]),
        ("langchain_groq", ["ChatGroq"]),
        ("langchain_mistralai", ["ChatMistralAI"]),
        ("langchain_google_genai", ["ChatGoogleGenerativeAI"]),
        ("langchain_cohere", ["ChatCohere"]),
        ("langchain_together", ["ChatTogether"]),
        ("langchain.chat_models", ["ChatOpenAI", "AzureChatOpenAI", "ChatAnthropic"]),
        ("langchain_community.chat_models", ["ChatOpenAI", "AzureChatOpenAI", "ChatAnthropic"]),
    ].map { module, constructors in
        AISDKSpec(
            module: module, constructors: constructors,
            calls: langchainCalls + ["embed_documents", "embed_query", "aembed_documents", "aembed_query"],
            retriesByDefault: true, name: "langchain",
            rateLimitErrors: ["RateLimitError", "APIStatusError", "APIError"],
            keyArguments: ["api_key", "openai_api_key", "anthropic_api_key", "google_api_key", "groq_api_key",
                           "mistral_api_key", "cohere_api_key"],
            package: module.split(separator: ".").first.map(String.init))
    }

    /// llama-index LLMs wrap their SDK with `max_retries=3` and a random exponential wait.
    private static let llamaIndexSpecs: [AISDKSpec] = [
        ("llama_index.llms.openai", ["OpenAI", "AzureOpenAI"]),
        ("llama_index.llms.anthropic", ["Anthropic"]),
        ("llama_index.llms.mistralai", ["MistralAI"]),
        ("llama_index.llms.groq", ["Groq"]),
        ("llama_index.llms.gemini", ["Gemini"]),
    ].map { module, constructors in
        AISDKSpec(
            module: module, constructors: constructors,
            calls: ["complete", "acomplete", "chat", "achat", "stream_complete", "stream_chat", "astream_chat",
                    "astream_complete", "predict"],
            retriesByDefault: true, name: "llama-index",
            rateLimitErrors: ["RateLimitError", "APIStatusError", "APIError"],
            package: module)
    }

    private static let localSpecs: [AISDKSpec] = [
        AISDKSpec(module: "ollama", constructors: ["Client", "AsyncClient"],
                  calls: ["chat", "generate", "embed", "embeddings"], retriesByDefault: false, isLocal: true),
        AISDKSpec(module: "langchain_ollama", constructors: ["ChatOllama", "OllamaLLM"],
                  calls: langchainCalls, retriesByDefault: false, name: "langchain", isLocal: true),
        AISDKSpec(module: "llama_index.llms.ollama", constructors: ["Ollama"],
                  calls: ["complete", "chat"], retriesByDefault: false, name: "llama-index", isLocal: true),
    ]

    /// Hosts of AI APIs a raw HTTP POST may reach, with the SDK name findings give them: the
    /// `hosts` of the table, so one table says both how a provider's SDK is called and where
    /// its API lives.
    public static let apiHosts: [(host: String, sdk: String)] = builtIn.flatMap { spec in spec.hosts.map { ($0, spec.name) } }
}
