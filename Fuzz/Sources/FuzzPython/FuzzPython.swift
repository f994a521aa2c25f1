// The Python front end and the AI-backoff check on arbitrary source.
import FuzzSupport
@testable import PythonCheck

@main
enum Harness {
    static func main() {
        runFuzzer(seeds: { utf8Seeds(PythonSeeds.all) }, testOneInput: testOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let source = input(data, size)
    let tree = SyntaxTree.parse(source)
    if let problem = tree.problem {
        precondition(problem.offset >= 0 && problem.offset <= size, "problem offset \(problem.offset) outside 0...\(size)")
    }
    for token in tree.tokens {
        precondition(token.start >= 0 && token.start <= token.end && Int(token.end) <= size, "token outside the source")
    }
    _ = PythonCheck.parse(source: source)
    // Forcing the analysis (mention: host) runs the checker on every input that parses, not only
    // on those that happen to name an SDK.
    _ = PythonCheck.check(source: source, path: "fuzz.py", config: config, mention: 2)
    return 0
}

let config = PythonCheckConfig()

enum PythonSeeds {
    static var all: [String] {
        var seeds = PythonCheck.rules.flatMap { ($0.examples + $0.negativeExamples).map { $0.source.code } }
        seeds += [
            "",
            "x = 1\n",
            "def f(a, *args, b=2, **kw) -> int:\n    return (a if b else [x for x in args if x])\n",
            "class C(Base, metaclass=M):\n    @decorator(1)\n    async def m(self):\n        async with a as b:\n            await c\n",
            "s = f\"{x!r:>{width}} {y=}\" + rb'\\x00' + '''multi\nline''' + \"\"\"doc\"\"\"\n",
            "match cmd:\n    case [x, *rest] if x > 0:\n        pass\n    case {\"k\": v, **kw}:\n        pass\n    case _:\n        pass\n",
            "try:\n    pass\nexcept* (A, B) as e:\n    raise X from e\nelse:\n    pass\nfinally:\n    pass\n",
            "lambda x, /, y, *, z: (yield from g) or (w := x @ y)\n",
            "if a:\n\tb\n        c\n",
            "x = [1,\n  2, \\\n  3]\n",
            "0x_1f + 0o17 + 0b1 + 1_000.5e-3j + .5\n",
            "global g\nnonlocal n\ndel a[1:2:3], b.c\nassert x, 'm'\n",
            "for i in range(5):\n    time.sleep(2 ** i)\nwhile True:\n    break\n",
            "with open(p) as f, g() as (h, i):\n    print(*f, sep='')\n",
            "x = f'{a[\"b\"]:{c}}' f\"{'{'}\" f'''{\n1}'''\n",
            "type T[X] = list[X]\ndef g[T: int](x: T) -> T: ...\n",
        ]
        return seeds
    }
}
