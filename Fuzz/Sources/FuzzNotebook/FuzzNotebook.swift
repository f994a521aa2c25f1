// The notebook reader (JSON on bytes, magics blanked, offsets kept) and the check over its cells.
import FuzzSupport
@testable import PythonCheck

@main
enum Harness {
    static func main() {
        runFuzzer(seeds: { utf8Seeds(NotebookSeeds.all) }, testOneInput: testOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let json = input(data, size)
    if case .success(let notebook) = Notebook.extract(json) {
        precondition(notebook.code.count == notebook.offsets.count, "one file offset per code byte")
        for offset in notebook.offsets { precondition(offset >= 0 && Int(offset) <= size, "offset outside the file") }
        _ = notebook.fileOffset(of: notebook.code.count)
    }
    _ = PythonCheck.checkNotebook(json: json, path: "fuzz.ipynb", config: config)
    return 0
}

let config = PythonCheckConfig()

enum NotebookSeeds {
    static var all: [String] {
        let examples = PythonCheck.rules.flatMap { ($0.examples + $0.negativeExamples).map { $0.source.code } }
        var seeds = examples.map { notebook(cells: [("code", $0)]) }
        seeds += [
            notebook(cells: []),
            notebook(cells: [("markdown", "# Title\nprose"), ("code", "import openai\n%time x = 1\n!pip install openai\nfiles = !ls\n")]),
            notebook(cells: [("code", "%%bash\necho hi\n"), ("code", "x = \"\\u00e9\\ud83d\\ude00\\t\"\n")]),
            #"{"cells": [{"cell_type": "code", "source": "single string\nsecond", "metadata": {}, "outputs": [], "execution_count": null}], "nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3"}}}"#,
            #"{"cells": [{"source": ["a = 1\n"], "cell_type": "code", "outputs": [{"output_type": "stream", "text": ["1\n"]}, true, false, null, -1.5e3]}]}"#,
            "[]", "{}", "{\"cells\": 1}", "",
        ]
        return seeds
    }

    /// nbformat 4 with each cell's source as an array of lines, the way Jupyter writes it.
    static func notebook(cells: [(type: String, code: String)]) -> String {
        let rendered = cells.map { cell -> String in
            var lines: [String] = []
            var current = ""
            for ch in cell.code {
                current.append(ch)
                if ch == "\n" { lines.append(current); current = "" }
            }
            if !current.isEmpty { lines.append(current) }
            let source = lines.map(jsonString).joined(separator: ",\n    ")
            return """
              {
               "cell_type": \(jsonString(cell.type)),
               "metadata": {},
               "source": [
                \(source)
               ]
              }
            """
        }
        return "{\n \"cells\": [\n\(rendered.joined(separator: ",\n"))\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n"
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
