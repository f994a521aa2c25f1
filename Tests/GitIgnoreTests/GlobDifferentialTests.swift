import Foundation
import Testing

@testable import GitIgnore

/// Random glob syntax (classes, ranges, POSIX classes, escapes, malformed brackets, `**`)
/// against real git, many patterns per git call: pattern *i* lives alone in `p<i>/.gitignore`
/// next to the same small tree of awkward names, and one `git check-ignore` answers for all.
@Suite struct GlobDifferentialTests {
    static let names = [
        "a", "b", "B", "z9", "ab", "abc", "aXc", "a.b", "-", "a-b", "]", "[", "!", "^", "\\", "*", "?",
        "x y", " x", "\tt", "é", "...", "#", "a]", "[a", "0", "Z", ":x", "ad/b", "d/a", "d/ab", "d/e/a", "d/e/b.c",
    ]

    @Test("random globs agree with git", arguments: 0..<2)
    func randomGlobs(batch: Int) throws {
        var generator = GlobGenerator(seed: UInt64(0xC0FFEE + batch))
        let patternCount = 150
        let repo = TemporaryDirectory("gitignore-glob")
        let environment = IsolatedEnvironment()
        try gitMust(["init", "-q", "--template="], in: repo.path, environment: environment.variables)

        var patterns: [String] = []
        var queries: [(path: String, isDirectory: Bool)] = []
        for i in 0..<patternCount {
            let pattern = generator.pattern()
            patterns.append(pattern)
            let directory = "p\(i)"
            repo.write(directory + "/.gitignore", pattern + "\n")
            var seenDirectories = Set<String>()
            for name in Self.names {
                repo.write(directory + "/" + name, "")
                queries.append((directory + "/" + name, false))
                // Parent directories below p<i> are queried too (once).
                let components = name.split(separator: "/")
                for depth in stride(from: components.count - 1, to: 0, by: -1) {
                    let parent = components.prefix(depth).joined(separator: "/")
                    if seenDirectories.insert(parent).inserted { queries.append((directory + "/" + parent, true)) }
                }
            }
        }

        var input = Data()
        for query in queries {
            input.append(contentsOf: Array(query.path.utf8))
            input.append(0)
        }
        let output = try runGit(["check-ignore", "--no-index", "-v", "-n", "-z", "--stdin"],
                                in: repo.path, environment: environment.variables, input: input)
        let fields = nulFields(output.stdout)
        try #require(fields.count == queries.count * 4, "check-ignore: \(output.stderr)")

        let stack = IgnoreStack.forDirectory(repo.path, environment: environment.variables)
        var mismatches = 0
        var ignored = 0
        for (i, query) in queries.enumerated() {
            let gitPattern = fields[i * 4 + 2]
            let gitIgnored = !gitPattern.isEmpty && !gitPattern.hasPrefix("!")
            let decision = stack.explain(query.path, isDirectory: query.isDirectory)
            if decision?.isIgnored == true { ignored += 1 }
            if gitPattern != (decision?.pattern ?? "") || gitIgnored != stack.isIgnored(query.path, isDirectory: query.isDirectory) {
                mismatches += 1
                let owner = Int(query.path.dropFirst().prefix { $0 != "/" })!
                if mismatches <= 10 {
                    Issue.record("""
                        pattern '\(patterns[owner].visible)' path '\(query.path.visible)'
                          git:  \(gitPattern.isEmpty ? "no match" : gitPattern.visible)
                          ours: \(decision.map { $0.pattern.visible } ?? "no match")
                        """)
                }
            }
        }
        print("glob differential batch \(batch): \(patternCount) patterns, \(queries.count) path checks, \(ignored) ignored")
    }
}

struct GlobGenerator {
    var rng: SeededGenerator
    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    static let literals = ["a", "b", "B", "z", "9", "x", "-", "]", "^", "!", ".", " ", "é", "#", ":", "c", "e", "d"]
    static let members = [
        "a", "b", "z", "9", "-", "]", "^", "!", "\\]", "\\-", "\\\\", "[", "é", ".", "X",
        "a-c", "0-9", "A-Z", "!-/", "\\]-a", "z-a", "a-", "-a", "[:alpha:]", "[:digit:]", "[:punct:]",
        "[:space:]", "[:upper:]", "[:lower:]", "[:xdigit:]", "[:alnum:]", "[:blank:]", "[:cntrl:]",
        "[:graph:]", "[:print:]", "[:bogus:]", "[:ab]", "[:]", "[::]", "[:alpha",
    ]

    mutating func token() -> String {
        switch Int.random(in: 0..<12, using: &rng) {
        case 0...3: return pick(Self.literals)
        case 4: return "?"
        case 5: return "*"
        case 6: return pick(["**", "**/", "/**", "/"])
        case 7: return "\\" + pick(Self.literals + ["*", "?", "[", "\\"])
        default:
            var text = "[" + (chance(0.3) ? pick(["!", "^"]) : "")
            for _ in 0..<Int.random(in: 1...3, using: &rng) { text += pick(Self.members) }
            return text + (chance(0.92) ? "]" : "")
        }
    }

    mutating func pattern() -> String {
        var text = ""
        for _ in 0..<Int.random(in: 1...4, using: &rng) { text += token() }
        if chance(0.15) { text = "/" + text }
        if chance(0.15) { text = "d/" + text }
        if chance(0.1) { text += "/" }
        if chance(0.05) { text += "\\" }
        // A line that trims to nothing or is a comment would leave nothing to compare.
        if text.trimmingCharacters(in: .whitespaces).isEmpty || text.hasPrefix("#") { text = "x" + text }
        return text
    }
}
