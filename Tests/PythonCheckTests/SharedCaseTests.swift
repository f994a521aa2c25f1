import Foundation
import PythonCheck
import Testing

/// The AI cases kept once, as data, in fixtures/ai-cases (the binary's suite, AIBackoffCasesTests,
/// reads the same files): each file's first line names the rules it must produce, and the
/// checker run in process must produce exactly those.
@Suite struct SharedCaseTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/ai-cases").path

    @Test func everyCaseInProcess() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".py.txt") }.sorted()
        #expect(names.count >= 46)
        // A fresh fake key shaped like the placeholder asks (32 letters and digits).
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let fake = String((0..<32).map { _ in alphabet.randomElement()! })
        for name in names {
            let text = try String(contentsOfFile: Self.directory + "/" + name, encoding: .utf8)
            let header = text.prefix { $0 != "\n" }
            #expect(header.hasPrefix("# expect:"), "\(name) has no '# expect:' line")
            let expected = header.dropFirst("# expect:".count).split(separator: " ").map(String.init).filter { $0 != "nothing" }.sorted()
            let result = check(text.replacingOccurrences(of: "{{alnum:32}}", with: fake), path: String(name.dropLast(4)))
            #expect(result.parseNote == nil, "\(name): \(describe(result))")
            #expect(result.findings.map(\.ruleID).sorted() == expected, "\(name): \(describe(result))")
        }
    }
}
