import PythonCheck
import Foundation
import Testing

/// The SDK table is data: every entry must be usable.
@Suite struct SDKTableTests {
    @Test func everyBuiltInSpecIsComplete() {
        for spec in AISDKSpec.builtIn {
            guard !spec.module.isEmpty else {
                // A provider known by its API hosts only.
                #expect(!(spec.hosts.isEmpty), "\(spec.label) has neither a module nor hosts")
                #expect(spec.calls.isEmpty)
                continue
            }
            #expect(!(spec.calls.isEmpty), "\(spec.label) has no calls")
            #expect(!(spec.rateLimitErrors.isEmpty), "\(spec.label) has no rate-limit errors")
            #expect(!(spec.noRetryReason.isEmpty))
            #expect(Set(spec.calls).count == spec.calls.count, "\(spec.label) repeats a call")
        }
        let families = Set(AISDKSpec.builtIn.map(\.name))
        for family in ["openai", "anthropic", "groq", "together", "mistralai", "cohere", "google-genai", "google-generativeai",
                       "huggingface_hub", "replicate", "bedrock", "litellm", "langchain", "llama-index", "ollama",
                       "voyageai", "stability", "elevenlabs", "deepseek", "openrouter"] {
            #expect(families.contains(family), "no spec for \(family)")
        }
    }

    @Test func oneTableGivesTheRawHTTPHosts() {
        let hosts = Dictionary(AISDKSpec.apiHosts.map { ($0.host, $0.sdk) }, uniquingKeysWith: { first, _ in first })
        #expect(hosts["api.stability.ai"] == "stability")
        #expect(hosts["api.voyageai.com"] == "voyageai")
        #expect(hosts["api.openai.com"] == "openai")
        #expect(AISDKSpec.apiHosts.count == AISDKSpec.builtIn.reduce(0) { $0 + $1.hosts.count })
    }

    @Test func specFromSimpleStrings() {
        let spec = AISDKSpec(module: "mycorp.llm", constructors: ["Client"], calls: ["generate"], retriesByDefault: false)
        #expect(spec.name == "mycorp")
        #expect(spec.label == "mycorp")
        #expect(spec.retryCountArguments == ["max_retries"])
        #expect(!(spec.isLocal))
    }

    @Test func ruleExamplesHoldNoKeyShapedLiterals() throws {
        // The key examples are assembled at run time, so this source file stays clean for
        // leakguard's own secret rules.
        let source = try String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/PythonCheckTests/SDKTableTests.swift",
                                                                                with: "Sources/PythonCheck/Rules/KeyHardcodedRule.swift"), encoding: .utf8)
        #expect(!(source.contains("\"sk-proj-")))
        #expect(!(source.contains("\"hf_")))
        #expect(!(source.contains("\"AIza")))
    }
}
