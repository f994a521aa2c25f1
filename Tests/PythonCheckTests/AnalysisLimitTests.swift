import PythonCheck
import Testing

/// The per-file limit on AI calls analysed (`PythonCheckConfig.maxAICallSites`), which keeps a
/// file of generated calls linear: the calls past it are not checked, and the note says where.
@Suite struct AnalysisLimitTests {
    private let fiveCalls = "import openai\n" + String(repeating: "openai.Completion.create(prompt='x')\n", count: 5)

    @Test func callsPastTheLimitAreNotCheckedAndTheNoteSaysFromWhere() {
        var config = PythonCheckConfig()
        config.maxAICallSites = 3
        let limited = check(fiveCalls, config: config)
        #expect(limited.findings.map(\.line) == [2, 3, 4])
        #expect(limited.limitNote == "more than 3 AI calls (the limit per file): the calls from line 5 on were not checked")
        config.maxAICallSites = 5
        let whole = check(fiveCalls, config: config)
        #expect(whole.findings.map(\.line) == [2, 3, 4, 5, 6])
        #expect(whole.limitNote == nil)
    }

    @Test func outputIsNotFollowedPastTheLimit() {
        let code = """
        import openai
        from flask import jsonify
        first = openai.ChatCompletion.create(model="gpt-4", messages=[])
        second = openai.ChatCompletion.create(model="gpt-4", messages=[])
        jsonify(first)
        """
        var config = PythonCheckConfig()
        config.maxAICallSites = 2
        #expect(findings(code, "ai-output-unmoderated", config: config).map(\.line) == [5])
        config.maxAICallSites = 1
        let limited = check(code, config: config)
        #expect(limited.findings.filter { $0.ruleID == "ai-output-unmoderated" }.isEmpty)
        #expect(limited.limitNote?.contains("from line 4 on") == true)
    }

    @Test func aNotebookSaysWhereItStopped() {
        var notebookConfig = PythonCheckConfig()
        notebookConfig.maxAICallSites = 1
        let notebook = """
        {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import openai\\n", "openai.Completion.create()\\n", "openai.Completion.create()\\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        """
        let result = checkNotebook(notebook, config: notebookConfig)
        #expect(result.findings.count == 1)
        #expect(result.limitNote?.contains("more than 1 AI calls") == true)
    }
}
