import Foundation
import Testing
import LeakguardBase

/// One line/column definition for every check (issue 10): lines end at LF, CR LF or a lone CR;
/// a byte-order mark is not a column; staged filters count lines as git does.
@Suite struct LineIndexTests {
    static func positions(_ text: [UInt8], _ offsets: [Int]) -> [String] {
        text.withUnsafeBufferPointer { buffer in
            var index = LineIndex(buffer)
            return offsets.map { let (l, c) = index.position(of: $0); return "\(l):\(c)/git\(index.gitLine(of: $0))" }
        }
    }

    @Test func lineBreaksOfEveryKind() {
        // a \r b \r\n c \n d é e
        let text = Array("a\rb\r\nc\nd\u{e9}e".utf8)
        #expect(Self.positions(text, [0, 2, 5, 7, 10]) == ["1:1/git1", "2:1/git1", "3:1/git2", "4:1/git3", "4:3/git3"])
        text.withUnsafeBufferPointer { buffer in
            var index = LineIndex(buffer)
            #expect(index.lineRange(ofLine: 2) == 2..<3)
            #expect(index.lineRange(ofLine: 3) == 5..<6)
            #expect(index.lineRange(ofLine: 5) == nil)
        }
    }

    @Test func byteOrderMarkIsNotAColumn() {
        let text: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("key\n".utf8)
        #expect(Self.positions(text, [3, 4]) == ["1:1/git1", "1:2/git1"])
    }

    /// Through the binary: in a CR-only Python file with a BOM, the AI finding and a secret on
    /// the same line agree on the line, and the excerpt is that line, not the whole file.
    @Test func checksAgreeOnCROnlyFilesWithABOM() throws {
        let dir = TestSupport.makeTempDirectory("cr-only")
        defer { TestSupport.removeTree(dir) }
        var keys = RandomKeys()
        let token = keys.githubToken()
        let source = "import openai\rclient = openai.OpenAI(max_retries=0)\rx = 1\r"
            + "r = client.chat.completions.create(model='gpt-4o', messages=[]); t = '\(token)'\r"
        TestSupport.write(bytes: [0xEF, 0xBB, 0xBF] + Array(source.utf8), to: dir + "/app.py")
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        let findings = try #require((try TestSupport.parseJSON(out.stdout))["findings"] as? [[String: Any]])
        let ai = try #require(findings.first { $0["rule"] as? String == "ai-backoff-missing" }, "\(out.stdout)")
        let secret = try #require(findings.first { $0["category"] as? String == "secret" }, "\(out.stdout)")
        #expect(ai["line"] as? Int == 4)
        #expect(secret["line"] as? Int == 4)
        let excerpt = ai["lineText"] as? String ?? ai["excerpt"] as? String ?? ""
        #expect(excerpt.contains("completions.create") && !excerpt.contains("import openai"), "\(ai)")
        #expect(!out.stdout.contains(token))
    }

    /// A notebook finding names its cell and the line in it, in text and JSON, beside the JSON line.
    @Test func notebookFindingsNameTheCell() throws {
        let dir = TestSupport.makeTempDirectory("nb-cell")
        defer { TestSupport.removeTree(dir) }
        let notebook = #"""
            {"cells": [
              {"cell_type": "markdown", "metadata": {}, "source": ["# notes\n"]},
              {"cell_type": "code", "metadata": {}, "source": ["import openai\n", "client = openai.OpenAI(max_retries=0)\n"]},
              {"cell_type": "code", "metadata": {}, "source": ["x = 1\n", "r = client.chat.completions.create(model='gpt-4o', messages=[])\n"]}
            ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            """#
        TestSupport.write(notebook, to: dir + "/nb.ipynb")
        let json = try TestSupport.leakguard(["scan", "--format", "json", dir])
        let findings = try #require((try TestSupport.parseJSON(json.stdout))["findings"] as? [[String: Any]])
        let ai = try #require(findings.first { $0["rule"] as? String == "ai-backoff-missing" }, "\(json.stdout)")
        #expect(ai["line"] as? Int == 4)
        let cell = try #require(ai["notebookCell"] as? [String: Any], "\(ai)")
        #expect(cell["cell"] as? Int == 3 && cell["line"] as? Int == 2, "\(cell)")
        let text = try TestSupport.leakguard(["scan", dir])
        #expect(text.stdout.contains("[cell 3, line 2]"), "\(text.stdout)")
    }
}
