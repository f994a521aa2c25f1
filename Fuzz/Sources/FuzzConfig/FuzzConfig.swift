// The rule loader on arbitrary text: TOML parsing, the schema, then compiling what loaded into a
// detector (regexes, allowlists, keywords) and scanning with it, so a rule that loads but cannot
// be run safely shows up here rather than in a user's scan.
import FuzzSupport
@testable import LeakguardCore

@main
enum Harness {
    static func main() {
        runFuzzer(seeds: { utf8Seeds(ConfigSeeds.all) }, testOneInput: testOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = input(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    guard let parsed = try? ConfigLoader.parse(text, file: "fuzz.toml") else { return 0 }
    var configuration = Configuration()
    configuration.rules = parsed.rules
    configuration.allowlists = parsed.allowlists
    if let ai = parsed.ai { configuration.ai = ai }
    guard let detector = try? Detector(configuration: configuration) else { return 0 }
    let scratch = DetectorScratch()
    // The input itself holds the rules' keywords and often text their regexes match.
    _ = detector.scan(Fragment(bytes: bytes, path: "fuzz.toml"), scratch: scratch)
    for rule in parsed.rules {
        for (i, example) in (rule.examples + rule.negativeExamples).enumerated() {
            let sample = Array(ExampleTemplate.expand(example, seed: "\(rule.id)#\(i)").utf8)
            _ = sample.withUnsafeBufferPointer { detector.scan(Fragment(bytes: $0, path: "example.txt"), scratch: scratch) }
        }
    }
    let ai = AIBackoffCheck(settings: configuration.ai)
    aiSample.withUnsafeBufferPointer { _ = ai.check(Fragment(bytes: $0, path: "fuzz.py"), scratch: scratch) }
    return 0
}

let aiSample = Array("import openai\nclient = openai.OpenAI()\nclient.chat.completions.create(model='m')\n".utf8)

enum ConfigSeeds {
    /// Every built-in rule as a file of its own (small inputs mutate faster than whole packs),
    /// the packs' other tables, and the less common parts of the schema.
    static var all: [String] {
        var seeds: [String] = []
        for (_, text) in BuiltInRules.files {
            var blocks: [String] = []
            var current = ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("[[") || (line.hasPrefix("[") && !line.hasPrefix("[[")) {
                    if !current.isEmpty { blocks.append(current) }
                    current = ""
                }
                current += line + "\n"
            }
            if !current.isEmpty { blocks.append(current) }
            seeds += blocks
        }
        seeds += [
            "",
            "title = \"t\"\n[extend]\nuseDefault = false\ndisabledRules = [\"a\", \"b\"]\n",
            "[[rules]]\nid = \"r\"\nregex = '''x(y)(z)?'''\nsecretGroup = 2\nkeywords = [\"x\"]\nentropy = 1.5\nanchor = \"word\"\nexamples = [\"xy\"]\nnegativeExamples = [\"ab\"]\n",
            "[[rules]]\nid = \"p\"\npath = '''\\.pem$'''\nseverity = \"Warning\"\ntags = [\"a\"]\n",
            "[[rules]]\nid = \"m\"\nregex = '''-----BEGIN [A-Z ]+-----[\\s\\S]*?-----END'''\nmultiline = true\n[[rules.allowlists]]\ncondition = \"AND\"\nregexTarget = \"line\"\nregexes = ['''test''']\nstopwords = [\"example\"]\npaths = ['''^docs/''']\ncommits = [\"abc\"]\n",
            "[[rules]]\nid = \"s\"\nregex = '''token=(\\w+)'''\nsecretGroup = 1\n[rules.allowlist]\nregexes = ['''^fake''']\n",
            "[allowlist]\ndescription = \"old form\"\npaths = ['''^vendor/''']\nregexes = ['''EXAMPLE''']\n[[allowlists]]\ntargetRules = [\"s\"]\nstopwords = [\"dummy\"]\n",
            "[ai]\nenabled = true\nstrict = true\ndecorators = [\"utils.retry_llm\"]\ndisabledRules = [\"ai-backoff-constant\"]\n[ai.severity]\nai-backoff-missing = \"note\"\n[[ai.sdks]]\nmodule = \"acme.llm\"\nconstructors = [\"Client\"]\ncalls = [\"complete\"]\nretriesByDefault = false\n",
            "[dotenv]\nenabled = false\ndisabledRules = [\"dotenv-not-ignored\"]\n[dotenv.severity]\ndotenv-not-ignored = \"warning\"\n",
        ]
        return seeds
    }
}
