@testable import PythonCheck
import Foundation
import Testing

/// The pre-check that spares the parser files naming an SDK only in prose must never hide a
/// real import.
@Suite struct ImportLineFilterTests {
    private func passes(_ code: String) -> Bool {
        Array(code.utf8).withUnsafeBufferPointer { ImportLineFilter.builtIn.anyImportNamesModule($0) }
    }

    @Test func everyImportShapePasses() {
        #expect(passes("import openai\n"))
        #expect(passes("    import anthropic as a\n"))
        #expect(passes("from groq import Groq"))
        #expect(passes("import os, \\\n    openai\n"))
        #expect(passes("from x import (\n    y,\n    z)\nimport os,\\\n  together\n"))
        #expect(passes("client = boto3.client('bedrock-runtime')\n"), "a service name counts anywhere")
        #expect(passes("if True:\n\tfrom google import genai\n"))
    }

    @Test func proseAndStringsDoNot() {
        #expect(!(passes("# we work together on this\nx = 'replicate the openai results'\n")))
        #expect(!(passes("def together():\n    return 1\n")))
        #expect(!(passes("importer = openai_like\n")))
        #expect(!(passes("import")))
    }

    @Test func aProseMentionIsNotReportedButAnImportIs() {
        let prose = "import time\n# replicate.run('x') would be nice\n"
        let code = "import replicate\nreplicate.run('owner/model', input={})\n"
        let proseResult = Array(prose.utf8).withUnsafeBufferPointer { PythonCheck.check(source: $0, path: "a.py", config: PythonCheckConfig()) }
        let codeResult = Array(code.utf8).withUnsafeBufferPointer { PythonCheck.check(source: $0, path: "b.py", config: PythonCheckConfig()) }
        #expect(proseResult.findings.isEmpty)
        #expect(codeResult.findings.map(\.ruleID) == ["ai-backoff-missing"])
    }
}
