import PythonCheck
import XCTest

/// The SDK table is data: every entry must be usable.
final class SDKTableTests: XCTestCase {
    func testEveryBuiltInSpecIsComplete() {
        for spec in AISDKSpec.builtIn {
            guard !spec.module.isEmpty else {
                // A provider known by its API hosts only.
                XCTAssertFalse(spec.hosts.isEmpty, "\(spec.label) has neither a module nor hosts")
                XCTAssertTrue(spec.calls.isEmpty)
                continue
            }
            XCTAssertFalse(spec.calls.isEmpty, "\(spec.label) has no calls")
            XCTAssertFalse(spec.rateLimitErrors.isEmpty, "\(spec.label) has no rate-limit errors")
            XCTAssertFalse(spec.noRetryReason.isEmpty)
            XCTAssertEqual(Set(spec.calls).count, spec.calls.count, "\(spec.label) repeats a call")
        }
        let families = Set(AISDKSpec.builtIn.map(\.name))
        for family in ["openai", "anthropic", "groq", "together", "mistralai", "cohere", "google-genai", "google-generativeai",
                       "huggingface_hub", "replicate", "bedrock", "litellm", "langchain", "llama-index", "ollama",
                       "voyageai", "stability", "elevenlabs", "deepseek", "openrouter"] {
            XCTAssertTrue(families.contains(family), "no spec for \(family)")
        }
    }

    func testOneTableGivesTheRawHTTPHosts() {
        let hosts = Dictionary(AISDKSpec.apiHosts.map { ($0.host, $0.sdk) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(hosts["api.stability.ai"], "stability")
        XCTAssertEqual(hosts["api.voyageai.com"], "voyageai")
        XCTAssertEqual(hosts["api.openai.com"], "openai")
        XCTAssertEqual(AISDKSpec.apiHosts.count, AISDKSpec.builtIn.reduce(0) { $0 + $1.hosts.count })
    }

    func testSpecFromSimpleStrings() {
        let spec = AISDKSpec(module: "mycorp.llm", constructors: ["Client"], calls: ["generate"], retriesByDefault: false)
        XCTAssertEqual(spec.name, "mycorp")
        XCTAssertEqual(spec.label, "mycorp")
        XCTAssertEqual(spec.retryCountArguments, ["max_retries"])
        XCTAssertFalse(spec.isLocal)
    }

    func testRuleExamplesHoldNoKeyShapedLiterals() throws {
        // The key examples are assembled at run time, so this source file stays clean for
        // leakguard's own secret rules.
        let source = try String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/PythonCheckTests/SDKTableTests.swift",
                                                                                with: "Sources/PythonCheck/Rules/KeyHardcodedRule.swift"), encoding: .utf8)
        XCTAssertFalse(source.contains("\"sk-proj-"))
        XCTAssertFalse(source.contains("\"hf_"))
        XCTAssertFalse(source.contains("\"AIza"))
    }
}
