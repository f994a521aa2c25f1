/// `ai-key-hardcoded`: an API key written into the source of an AI client.
enum KeyHardcodedRule {
    /// Example keys are assembled here, so the source holds no key-shaped literal for a secret
    /// scanner (leakguard itself) to find.
    private static let sampleKey = ["sk", "proj", "Qm9va2tlZXBlcnMtYXJlLW5vdC1hLWtleQ9x"].joined(separator: "-")
    private static let sampleToken = ["hf", "ZmFrZWJ1dG5vdGxvb2tpbmdsaWtlaXQ7"].joined(separator: "_")
    private static let sampleGoogleKey = ["AI", "za", "Q2FuLXlvdS1ub3QtZmluZC1tZT8_dGhpcw"].joined()

    static let description = AIRuleDescription(
        id: "ai-key-hardcoded",
        severity: .error,
        summary: "A string literal is passed as the API key of an AI client (`api_key=`, `openai.api_key = …`, "
            + "`genai.configure(api_key=…)`) and it is not a placeholder. Read keys from the environment.",
        examples: [
            AIRuleExample("""
            from openai import OpenAI
            client = OpenAI(api_key=↓"\(sampleKey)")
            """),
            AIRuleExample("""
            import openai
            openai.api_key = ↓"\(sampleKey)"
            """),
            AIRuleExample("""
            import google.generativeai as genai
            genai.configure(api_key=↓"\(sampleGoogleKey)")
            """),
            AIRuleExample("""
            from huggingface_hub import InferenceClient
            TOKEN = ↓"\(sampleToken)"
            client = InferenceClient(token=TOKEN)
            """),
        ],
        negativeExamples: [
            AIRuleExample("""
            import os
            from openai import OpenAI
            client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
            """),
            AIRuleExample("""
            from openai import OpenAI
            a = OpenAI(api_key="your-api-key")
            b = OpenAI(api_key="sk-...")
            c = OpenAI(api_key="<OPENAI_API_KEY>")
            d = OpenAI(api_key="${OPENAI_API_KEY}")
            e = OpenAI(api_key="xxxxxxxxxxxxxxxxxxxxxxxx")
            f = OpenAI(api_key="")
            g = OpenAI(api_key="test-key-for-unit-tests-only")
            """),
            AIRuleExample("""
            from openai import OpenAI
            client = OpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")
            """),
            AIRuleExample("""
            import anthropic
            client = anthropic.Anthropic(api_key=f"{PREFIX}{SUFFIX}")
            """),
        ])

    private static let placeholderWords = [
        "your", "example", "sample", "dummy", "fake", "test", "changeme", "change_me", "change-me", "placeholder",
        "replace", "insert", "redacted", "mock", "todo", "none", "null", "empty", "not-needed", "not_needed",
        "notneeded", "no-key", "nokey", "key-here", "key_here", "keyhere", "secret", "api_key", "api-key", "apikey",
        "token", "ollama", "local",
    ]

    /// Whether a key literal is a placeholder rather than a key: empty or short, `your-api-key`,
    /// `xxx…`, `<...>`, `sk-...`, `${VAR}`, one repeated character, or words such as test/dummy.
    static func isPlaceholder(_ text: String) -> Bool {
        let t = text.trimmingSpaces()
        if t.unicodeScalars.count < 16 || t.contains(" ") { return true }
        let lower = t.lowercased()
        if Set(lower.filter { $0 != "-" && $0 != "_" }).count <= 2 { return true }
        if t.hasPrefix("<") || t.hasPrefix("$") || t.hasPrefix("{{") || t.hasPrefix("%(") { return true }
        if t.contains("...") || t.contains("…") || lower.contains("xxx") || t.contains("***") { return true }
        return placeholderWords.contains { lower.contains($0) }
    }

    static func message(label: String, argument: String) -> String {
        "A literal API key is given to \(label) (\(argument)); anyone with the source has the key. "
            + "Read it from the environment instead, e.g. `os.environ[\"…_API_KEY\"]`, and revoke this one."
    }
}
