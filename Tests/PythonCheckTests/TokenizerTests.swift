import PythonCheck
import Foundation
import Testing
import TestKit

/// The front end: strings of every kind, comments, line joining, indentation, and robustness.
@Suite struct TokenizerTests {
    private let call = "openai.ChatCompletion.create(model=\"gpt-4\", messages=[])"

    private func parseNote(_ code: String) -> String? {
        Array(code.utf8).withUnsafeBufferPointer { PythonCheck.parse(source: $0).parseNote }
    }

    @Test func textInStringsAndCommentsIsNotACall() {
        let code = """
        import openai
        # openai.ChatCompletion.create(model="gpt-4")
        A = "openai.ChatCompletion.create("
        B = 'openai.ChatCompletion.create('
        C = \"\"\"
        def f():
            return openai.ChatCompletion.create(model="x")
        \"\"\"
        D = r'openai.ChatCompletion.create(\\d'
        E = b"openai.ChatCompletion.create("
        F = f"{A} openai.ChatCompletion.create("
        """
        #expect(describe(check(code)) == "no findings")
    }

    @Test func nestedSameQuoteFStringsOfPython312() {
        let code = """
        import openai
        data = {"key": "value"}
        a = f"{data["key"]} and {f"{data["key"]}"}"
        b = f'{'nested'}' + f"{x:{"width"}}"
        c = f\"\"\"{
            data["key"]  # a comment inside the field
        }\"\"\"
        def ask():
            return \(call)
        """
        let result = check(code)
        #expect(result.parseNote == nil, "\(describe(result))")
        #expect(result.findings.map(\.line) == [9])
    }

    @Test func stringPrefixesInAnyCase() {
        let code = """
        import openai
        a = Rb"\\d" + BR'x' + rB"y" + U"u" + F"{a}" + fR"{a}\\{{" + Rf'{a}' + u'x' + b'\\'' + r'\\''
        result = \(call)
        """
        let result = check(code)
        #expect(result.parseNote == nil, "\(describe(result))")
        #expect(result.findings.map(\.line) == [3])
    }

    @Test func lineContinuationsAndBrackets() {
        let code = """
        import openai
        x = 1 + \\
            2
        reply = openai.ChatCompletion \\
            .create(
                model="gpt-4",
                messages=[
                    {"role": "user",
                     "content": "hi"},
                ],
        )
        """
        let result = check(code)
        #expect(result.parseNote == nil, "\(describe(result))")
        let finding = result.findings.first { $0.ruleID == "ai-backoff-missing" }
        #expect(finding?.line == 4)
        #expect(finding?.column == 9)
        #expect(finding?.endLine == 5)
        #expect(finding?.endColumn == 12)
    }

    @Test func indentationWithTabsAndCRLF() {
        let code = "import openai\r\nclass A:\r\n\tdef f(self):\r\n\t\tif True:\r\n\t\t\treturn openai.Completion.create(prompt='x')\r\n\t\treturn None\r\n"
        let result = check(code)
        #expect(result.parseNote == nil, "\(describe(result))")
        #expect(result.findings.map(\.line) == [5])
        #expect(result.findings.first?.column == 11)
    }

    @Test func columnsCountUnicodeScalars() {
        let code = "import openai\nrésumé = 1; ünïcode = openai.Completion.create(prompt='é')\n"
        let finding = check(code).findings.first
        #expect(finding?.line == 2)
        #expect(finding?.column == 23)
        #expect(finding?.endColumn == 47)
    }

    @Test func unterminatedStringGivesAParseNote() {
        #expect(parseNote("x = 'abc\ny = 2\n") != nil)
        #expect(parseNote("x = \"\"\"abc\ny = 2\n") != nil)
        #expect(parseNote("x = f'{a'\n") != nil)
        let result = check("import openai\ns = 'unterminated\nopenai.Completion.create(prompt='x')\n")
        #expect(result.parseNote != nil)
        #expect(result.findings.isEmpty)
    }

    @Test func validPythonParsesWithoutNote() {
        let code = """
        from __future__ import annotations
        import a.b.c as d, e
        from ..pkg import (x as y, z,)
        from . import q
        @decorator(arg=1)
        @other
        async def f[T](a: int, /, b: str = "x", *args: T, c=lambda q: q + 1, **kw) -> list[T]:
            async with a as b, c:
                async for i in aiter():
                    await g(i)
            with (open("a") as fa, open("b") as fb,):
                pass
            match command.split():
                case [action, *rest] if action:
                    pass
                case {"x": 1, **others}:
                    pass
                case Point(x=0) | Point(y=0):
                    pass
                case _:
                    pass
            try:
                x = [i for i in range(3) if i if not i]
            except* (ValueError, TypeError) as group:
                raise
            else:
                y = {k: v for k, v in d.items()}
            finally:
                z = (yield)
            w = a if b else c
            v = not a in b and c is not d or e not in f
            u = x[1:2, ::3, ...]
            del u, v
            assert w, "message"
            global gg
            lambda: (yield)
            print(*a, **k, sep="")
            s = {1, 2, *others}
            n = -x ** -2 @ m
            if (n := 10) > 5: pass
            type Alias = list[int]
            return f"{w!r:>{width}}"
        class C(Base, metaclass=Meta):
            x: int = 0
            def m(self): ...
        """
        #expect(parseNote(code) == nil)
    }

    @Test func garbageNeverCrashesOrHangs() {
        var generator = SeededGenerator(seed: 42)
        let alphabet = Array("()[]{}:'\"\\#\n\t @=.,;abcdefxyz0123456789fFrRbB+-*/%<>!~^&|`$?".utf8) + [0, 0xC3, 0xA9, 0xFF]
        for length in [0, 1, 2, 3, 7, 64, 512, 4096] {
            for _ in 0..<40 {
                let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
                _ = bytes.withUnsafeBufferPointer { PythonCheck.parse(source: $0) }
                var withImport = Array("import openai\n".utf8)
                withImport += bytes
                _ = withImport.withUnsafeBufferPointer { PythonCheck.check(source: $0, path: "x.py", config: PythonCheckConfig()) }
                _ = withImport.withUnsafeBufferPointer { PythonCheck.checkNotebook(json: $0, path: "x.ipynb", config: PythonCheckConfig()) }
            }
        }
    }

    @Test func binaryInputGivesANote() {
        let bytes: [UInt8] = Array("import openai\n".utf8) + [0, 1, 2, 0xFF, 0xFE, 0x00, 0x7F]
        let result = bytes.withUnsafeBufferPointer { PythonCheck.check(source: $0, path: "x.py", config: PythonCheckConfig()) }
        #expect(result.parseNote != nil)
    }

    @Test func deepNestingIsGuarded() {
        let deepParens = "import openai\nx = " + String(repeating: "(", count: 50_000) + "1" + String(repeating: ")", count: 50_000) + "\n"
        #expect(check(deepParens).parseNote != nil)
        let deepCalls = "import openai\nx = " + String(repeating: "f(", count: 20_000) + String(repeating: ")", count: 20_000) + "\n"
        #expect(check(deepCalls).parseNote != nil)
        var deepBlocks = "import openai\n"
        for level in 0..<300 { deepBlocks += String(repeating: " ", count: level) + "if x:\n" }
        deepBlocks += String(repeating: " ", count: 300) + "openai.Completion.create()\n"
        #expect(check(deepBlocks).parseNote != nil)
        let unary = "import openai\nx = " + String(repeating: "-", count: 100_000) + "1\n"
        #expect(check(unary).parseNote != nil)
    }

    /// Past 200 nested brackets (CPython's own limit) the tokenizer notes the problem and gives
    /// one error token for the deeper span, still following its strings and comments: the token
    /// count stays small however deep the nesting, and tokens resume after the span.
    @Test func bracketsPastTheLimitGiveOneErrorToken() {
        func summary(_ code: String) -> PythonParseSummary {
            Array(code.utf8).withUnsafeBufferPointer { PythonCheck.parse(source: $0) }
        }
        let limit = 200
        // A string holding a closing bracket and a comment with one: neither ends the span.
        let inner = String(repeating: "[", count: 50_000) + "')' # )\n" + String(repeating: "]", count: 50_000)
        let code = "x = " + String(repeating: "(", count: limit) + inner + String(repeating: ")", count: limit) + "\ny = 1\n"
        let deep = summary(code)
        // x = (×200 <error> )×200 NEWLINE y = 1 NEWLINE END
        #expect(deep.tokenCount == 2 + limit + 1 + limit + 1 + 4 + 1)
        #expect(deep.parseNote == "not checked: too many nested parentheses at line 1, column \(5 + limit)")
        // At the limit nothing is skipped (the parser notes its own, smaller limit).
        let atLimit = summary("x = " + String(repeating: "(", count: limit) + String(repeating: ")", count: limit) + "\n")
        #expect(atLimit.tokenCount == 2 + 2 * limit + 2)
        #expect(atLimit.parseNote?.contains("too many nested parentheses") == false)
        // A span that never closes runs to the end of the file.
        let unclosed = summary("x = " + String(repeating: "{", count: 10_000) + "\n")
        #expect(unclosed.tokenCount == 2 + limit + 1 + 2)  // … <error> NEWLINE END
        #expect(unclosed.parseNote == "not checked: too many nested parentheses at line 1, column \(5 + limit)")
        #expect(check("import openai\n" + code + "openai.Completion.create()\n").parseNote != nil)
    }

    /// Worker threads may have small stacks: the deepest input the parser accepts must fit in
    /// 512 KiB in a release build (debug builds use far larger frames).
    @Test func deepestAcceptedNestingFitsASmallStack() {
        let depth = 90
        var code = "import openai\nimport backoff\n"
        code += "x = " + String(repeating: "f(", count: depth) + "openai.Completion.create(prompt=[{'a': (1,)}])" + String(repeating: ")", count: depth) + "\n"
        for level in 0..<depth { code += String(repeating: " ", count: level) + "if x:\n" }
        code += String(repeating: " ", count: depth) + "openai.Completion.create()\n"
        let finished = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let source = code
        let thread = Thread {
            box.result = check(source)
            finished.signal()
        }
        #if DEBUG
        thread.stackSize = 8 << 20
        #else
        thread.stackSize = 512 << 10
        #endif
        thread.start()
        #expect(finished.wait(timeout: .now() + 60) == .success)
        #expect(box.result?.parseNote == nil)
        #expect(box.result?.findings.count == 2)
    }

    @Test func longFlatExpressionsAreWalkedWithoutRecursion() {
        let sum = "import openai\nx = " + (0..<100_000).map { "a\($0)" }.joined(separator: " + ") + "\nopenai.Completion.create()\n"
        let result = check(sum)
        #expect(result.parseNote == nil)
        #expect(result.findings.map(\.line) == [3])
        let chain = "import openai\nx = y" + String(repeating: ".m()", count: 50_000) + "\n"
        #expect(check(chain).parseNote == nil)
        var elifs = "import openai\nif a:\n    pass\n"
        for i in 0..<20_000 { elifs += "elif b == \(i):\n    pass\n" }
        #expect(check(elifs).parseNote == nil)
    }
}

final class ResultBox: @unchecked Sendable {
    var result: PythonCheckResult?
}
