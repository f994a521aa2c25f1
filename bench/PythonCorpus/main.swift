import Foundation
import PythonCheck
import TestKit

// The Python front end and AI checks over every `*.py` (and `*.ipynb`) under a directory: files,
// MB, MB/s, parse notes and findings for the checker as the scan runs it, for the parser alone,
// and for the analysis on (nearly) every file; with PYCHECK_CORPUS_MUTATE=1 also damaged copies.
// Exits 1 when a file takes 5 s or more (a hang in the making). `scripts/bench-python` builds it
// in release mode and runs it over this machine's site-packages.
//
// Usage: bench-python-corpus DIR     (PYCHECK_CORPUS_VERBOSE=1 lists notes and findings)

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: bench-python-corpus DIR\n".utf8))
    exit(2)
}
let root = CommandLine.arguments[1]
var failures: [String] = []
print("corpus: \(root)")
let environment = ProcessInfo.processInfo.environment
let verbose = environment["PYCHECK_CORPUS_VERBOSE"] != nil
var files: [(path: String, bytes: [UInt8])] = []
var notebooks: [(path: String, bytes: [UInt8])] = []
let enumerator = FileManager.default.enumerator(atPath: root)
while let relative = enumerator?.nextObject() as? String {
    let isNotebook = relative.hasSuffix(".ipynb")
    guard relative.hasSuffix(".py") || isNotebook else { continue }
    let path = root + "/" + relative
    guard let data = FileManager.default.contents(atPath: path) else { continue }
    if isNotebook { notebooks.append((path, [UInt8](data))) } else { files.append((path, [UInt8](data))) }
}
let megabytes = Double(files.reduce(0) { $0 + $1.bytes.count }) / 1_000_000
let config = PythonCheckConfig()

// The checker, as a scan runs it.
var notes = 0
var limitNotes = 0
var findings = 0
var slowest = (seconds: 0.0, path: "")
var clock = ContinuousClock.now
for file in files {
    let started = ContinuousClock.now
    let result = file.bytes.withUnsafeBufferPointer { PythonCheck.check(source: $0, path: file.path, config: config) }
    let seconds = (ContinuousClock.now - started).seconds
    if seconds > slowest.seconds { slowest = (seconds, file.path) }
    if let note = result.parseNote {
        notes += 1
        if verbose { print("  note \(file.path): \(note)") }
    }
    findings += result.findings.count
    if let note = result.limitNote {
        limitNotes += 1
        if verbose { print("  limit \(file.path): \(note)") }
    }
    if verbose {
        for finding in result.findings { print("  \(file.path):\(finding.line):\(finding.column) \(finding.ruleID) \(finding.message)") }
    }
}
let checkSeconds = (ContinuousClock.now - clock).seconds
print(String(format: "corpus check: %d files, %.1f MB, %.2f s, %.1f MB/s, %d parse notes, %d limit notes, %d findings, 0 crashes; slowest file %.3f s (%@)",
             files.count, megabytes, checkSeconds, megabytes / checkSeconds, notes, limitNotes, findings, slowest.seconds, slowest.path))

// The front end alone, on every file.
var parseNotes = 0
clock = ContinuousClock.now
for file in files {
    let summary = file.bytes.withUnsafeBufferPointer { PythonCheck.parse(source: $0) }
    if let note = summary.parseNote {
        parseNotes += 1
        if verbose { print("  parse note \(file.path): \(note)") }
    }
}
let parseSeconds = (ContinuousClock.now - clock).seconds
print(String(format: "corpus parse: %d files, %.1f MB, %.2f s, %.1f MB/s, %d parse notes",
             files.count, megabytes, parseSeconds, megabytes / parseSeconds, parseNotes))

// The analysis on (nearly) every file: common modules posing as SDKs make every importing
// file go through the whole checker.
var stress = PythonCheckConfig()
stress.extraSDKs = [
    AISDKSpec(module: "os", constructors: ["PathLike"], calls: ["path.join", "environ.get", "getenv", "listdir"], retriesByDefault: false),
    AISDKSpec(module: "json", calls: ["dumps", "loads", "dump", "load"], retriesByDefault: false),
    AISDKSpec(module: "re", calls: ["compile", "match", "sub", "search"], retriesByDefault: false),
    AISDKSpec(module: "typing", calls: ["cast", "get_type_hints"], retriesByDefault: false),
    AISDKSpec(module: "numpy", constructors: ["random.default_rng"], calls: ["array", "zeros", "asarray", "random"], retriesByDefault: false),
    AISDKSpec(module: "collections", constructors: ["OrderedDict", "defaultdict"], calls: ["get", "items", "update"], retriesByDefault: false),
]
stress.extraAPIHosts = ["://"]
var stressNotes = 0
var stressLimitNotes = 0
var stressFindings = 0
var stressSlowest = (seconds: 0.0, path: "")
clock = ContinuousClock.now
for file in files {
    let started = ContinuousClock.now
    let result = file.bytes.withUnsafeBufferPointer { PythonCheck.check(source: $0, path: file.path, config: stress) }
    let seconds = (ContinuousClock.now - started).seconds
    if seconds > stressSlowest.seconds { stressSlowest = (seconds, file.path) }
    if result.parseNote != nil { stressNotes += 1 }
    if result.limitNote != nil { stressLimitNotes += 1 }
    stressFindings += result.findings.count
}
let stressSeconds = (ContinuousClock.now - clock).seconds
print(String(format: "corpus analysis stress: %d files, %.1f MB, %.2f s, %.1f MB/s, %d parse notes, %d limit notes, %d findings; slowest file %.3f s (%@)",
             files.count, megabytes, stressSeconds, megabytes / stressSeconds, stressNotes, stressLimitNotes, stressFindings, stressSlowest.seconds, stressSlowest.path))
if stressSlowest.seconds >= 5 { failures.append("a file took \(stressSlowest.seconds) s under the stress tables: \(stressSlowest.path)") }

if environment["PYCHECK_CORPUS_MUTATE"] != nil {
    // Damaged copies of real files: bytes dropped, doubled and swapped at random.
    var generator = SeededGenerator(seed: 7)
    let mutationClock = ContinuousClock.now
    for file in files where !file.bytes.isEmpty {
        var bytes = file.bytes
        for _ in 0..<8 {
            let at = Int(generator.next() % UInt64(bytes.count))
            switch generator.next() % 3 {
            case 0: bytes.remove(at: at)
            case 1: bytes.insert(bytes[at], at: at)
            default: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
            }
            if bytes.isEmpty { break }
        }
        _ = bytes.withUnsafeBufferPointer { PythonCheck.check(source: $0, path: file.path, config: stress) }
    }
    print(String(format: "corpus mutations: %d damaged files checked in %.2f s", files.count, (ContinuousClock.now - mutationClock).seconds))
}

for notebook in notebooks {
    let result = notebook.bytes.withUnsafeBufferPointer { PythonCheck.checkNotebook(json: $0, path: notebook.path, config: config) }
    if verbose, let note = result.parseNote { print("  note \(notebook.path): \(note)") }
}
if !notebooks.isEmpty { print("corpus notebooks: \(notebooks.count) checked") }
if slowest.seconds >= 5 { failures.append("a file took \(slowest.seconds) s: \(slowest.path)") }
for failure in failures { print("FAILED: " + failure) }
exit(failures.isEmpty ? 0 : 1)

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
