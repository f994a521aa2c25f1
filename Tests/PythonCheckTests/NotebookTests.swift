import PythonCheck
import Foundation
import Testing

/// Notebooks: code cells in order, magics ignored, findings located in the .ipynb file.
@Suite struct NotebookTests {
    private func notebook(_ cells: [(type: String, lines: [String])]) -> String {
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
        var out = "{\n \"cells\": [\n"
        out += cells.map { cell in
            "  {\n   \"cell_type\": \"\(cell.type)\",\n   \"metadata\": {},\n   \"source\": [\n"
                + cell.lines.map { "    " + quoted($0) }.joined(separator: ",\n") + "\n   ]\n  }"
        }.joined(separator: ",\n")
        out += "\n ],\n \"metadata\": {\"kernelspec\": {\"name\": \"python3\"}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n"
        return out
    }

    @Test func findingsPointIntoTheNotebookFile() {
        let json = notebook([
            ("markdown", ["# openai.Completion.create(prompt='x') in prose\n"]),
            ("code", ["%pip install openai\n", "!echo hi\n", "import openai\n"]),
            ("code", ["prompt = \"say \\\"hi\\\"\"\n", "reply = openai.Completion.create(prompt=prompt)\n", "print(reply)"]),
        ])
        let result = checkNotebook(json)
        #expect(result.parseNote == nil, "\(describe(result))")
        #expect(result.findings.count == 1, "\(describe(result))")
        let finding = result.findings[0]
        let lines = json.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines[finding.line - 1]
        #expect(line.contains("reply = openai.Completion.create"), "line \(finding.line) is \(line)")
        let column = line.distance(from: line.startIndex, to: line.range(of: "openai.Completion")!.lowerBound) + 1
        #expect(finding.column == column)
        #expect(finding.endColumn == column + "openai.Completion.create".count)
        // Named as Jupyter shows it: the third cell (the markdown cell counts), its second line.
        #expect(finding.cell == 3)
        #expect(finding.cellLine == 2)
    }

    @Test func cellMagicsAndShellAssignmentsAreIgnored() {
        let json = notebook([
            ("code", ["%%bash\n", "echo openai.Completion.create(\n"]),
            ("code", ["files = !ls\n", "import openai\n", "  %time x = 1\n"]),
            ("code", ["from openai import OpenAI\n", "client = OpenAI()\n", "client.chat.completions.create(model='m', messages=[])"]),
        ])
        let result = checkNotebook(json)
        #expect(result.parseNote == nil, "\(describe(result))")
        #expect(result.findings.isEmpty, "\(describe(result))")
    }

    @Test func cellsAreOneModuleInOrder() {
        let json = notebook([
            ("code", ["from openai import OpenAI\n", "client = OpenAI(max_retries=0)"]),
            ("code", ["def ask(q):\n", "    return client.chat.completions.create(model='m', messages=[])"]),
        ])
        let result = checkNotebook(json)
        #expect(result.findings.map(\.ruleID) == ["ai-backoff-missing"])
    }

    @Test func sourceAsOneString() {
        let json = "{\"cells\": [{\"cell_type\": \"code\", \"source\": \"import openai\\nx = 1; openai.Completion.create(prompt='x')\\n\", \"outputs\": [], \"execution_count\": null}], \"nbformat\": 4}"
        let result = checkNotebook(json)
        #expect(result.findings.count == 1, "\(describe(result))")
        #expect(result.findings.first?.line == 1)
        let offset = json.distance(from: json.startIndex, to: json.range(of: "openai.Completion")!.lowerBound)
        #expect(result.findings.first?.column == offset + 1)
    }

    @Test func brokenNotebooksGiveNotes() {
        #expect(checkNotebook("{\"cells\": [ {\"cell_type\": \"code\", \"source\": [\"x = (\"").parseNote != nil)
        #expect(checkNotebook("not json").parseNote != nil)
        let unparsable = notebook([("code", ["import openai\n", "def f(:\n"])])
        #expect(checkNotebook(unparsable).parseNote != nil)
        #expect(checkNotebook(notebook([])).findings.isEmpty)
        let deep = String(repeating: "[", count: 10_000)
        #expect(checkNotebook("{\"cells\": \(deep)").parseNote != nil)
    }

    @Test func iPythonSyntaxInsideBlocksAndContinuations() {
        let json = notebook([
            ("code", ["!pip install -qU \\\n", "    openai==0.28.1 \\\n", "    pinecone-client\n"]),
            ("code", ["import os\n", "if not os.path.exists('repo'):\n", "    !git clone https://example.com/repo\n", "    %cd repo\n"]),
            ("code", ["import openai\n", "openai.Completion?\n", "?openai.Embedding\n"]),
            ("code", ["# fetch the data\n", "%%bash\n", "curl -s $(echo x) | jq .\n"]),
            ("code", ["%%time\n", "reply = openai.Completion.create(prompt='x')\n"]),
        ])
        let result = checkNotebook(json)
        #expect(result.parseNote == nil, "\(describe(result))")
        #expect(result.findings.map(\.ruleID) == ["ai-backoff-missing"], "\(describe(result))")
    }

    @Test func aCellThatDoesNotParseIsReportedAndTheRestChecked() {
        let json = notebook([
            ("code", ["import openai\n"]),
            ("code", ["def broken(:\n", "    pass\n"]),
            ("code", ["reply = openai.Completion.create(prompt='x')\n"]),
        ])
        let result = checkNotebook(json)
        #expect(result.findings.map(\.ruleID) == ["ai-backoff-missing"], "\(describe(result))")
        let note = result.parseNote ?? ""
        #expect(note.contains("cell 2 not checked"), "\(note)")
    }
}
