@testable import PythonCheck
import XCTest

/// The pre-check that spares the parser files naming an SDK only in prose must never hide a
/// real import.
final class ImportLineFilterTests: XCTestCase {
    private func passes(_ code: String) -> Bool {
        Array(code.utf8).withUnsafeBufferPointer { ImportLineFilter.builtIn.anyImportNamesModule($0) }
    }

    func testEveryImportShapePasses() {
        XCTAssertTrue(passes("import openai\n"))
        XCTAssertTrue(passes("    import anthropic as a\n"))
        XCTAssertTrue(passes("from groq import Groq"))
        XCTAssertTrue(passes("import os, \\\n    openai\n"))
        XCTAssertTrue(passes("from x import (\n    y,\n    z)\nimport os,\\\n  together\n"))
        XCTAssertTrue(passes("client = boto3.client('bedrock-runtime')\n"), "a service name counts anywhere")
        XCTAssertTrue(passes("if True:\n\tfrom google import genai\n"))
    }

    func testProseAndStringsDoNot() {
        XCTAssertFalse(passes("# we work together on this\nx = 'replicate the openai results'\n"))
        XCTAssertFalse(passes("def together():\n    return 1\n"))
        XCTAssertFalse(passes("importer = openai_like\n"))
        XCTAssertFalse(passes("import"))
    }

    func testAProseMentionIsNotReportedButAnImportIs() {
        let prose = "import time\n# replicate.run('x') would be nice\n"
        let code = "import replicate\nreplicate.run('owner/model', input={})\n"
        let proseResult = Array(prose.utf8).withUnsafeBufferPointer { PythonCheck.check(source: $0, path: "a.py", config: PythonCheckConfig()) }
        let codeResult = Array(code.utf8).withUnsafeBufferPointer { PythonCheck.check(source: $0, path: "b.py", config: PythonCheckConfig()) }
        XCTAssertTrue(proseResult.findings.isEmpty)
        XCTAssertEqual(codeResult.findings.map(\.ruleID), ["ai-backoff-missing"])
    }
}
