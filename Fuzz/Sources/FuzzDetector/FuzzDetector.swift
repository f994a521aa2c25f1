// The detector with the built-in rule pack on arbitrary bytes.
import FuzzSupport
@testable import LeakguardCore

@main
enum Harness {
    static func main() {
        runFuzzer(seeds: { utf8Seeds(DetectorSeeds.all) }, testOneInput: testOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = input(data, size)
    let result = detector.scan(Fragment(bytes: bytes, path: "fuzz.txt"), scratch: scratch)
    // Lines end at LF, CR LF or a lone CR (LineIndex, SARIF's definition).
    var lineCount = 1
    for i in bytes.indices where bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) {
        lineCount += 1
    }
    for finding in result.findings {
        precondition(finding.line >= 1 && finding.line <= finding.endLine && finding.endLine <= lineCount,
                     "\(finding.ruleID): lines \(finding.line)...\(finding.endLine) outside 1...\(lineCount)")
        precondition(finding.column >= 1, "\(finding.ruleID): column \(finding.column)")
    }
    return 0
}

let detector: Detector = {
    do { return try Detector(configuration: ConfigLoader.builtIn()) } catch { fatalError("built-in rules: \(error)") }
}()
nonisolated(unsafe) let scratch = DetectorScratch()

enum DetectorSeeds {
    /// Every example of every built-in rule, filled in the way `leakguard rules check` does.
    static var all: [String] {
        guard let configuration = try? ConfigLoader.builtIn() else { return [] }
        var seeds: [String] = []
        for rule in configuration.rules {
            for (i, example) in rule.examples.enumerated() {
                seeds.append(ExampleTemplate.expand(example, seed: "\(rule.id)#\(i)"))
            }
            for (i, example) in rule.negativeExamples.enumerated() {
                seeds.append(ExampleTemplate.expand(example, seed: "\(rule.id)#n\(i)"))
            }
        }
        seeds += ["", "\n", "\r\n\r", "token token token", "password = \"\" # leakguard:allow\n"]
        return seeds
    }
}
