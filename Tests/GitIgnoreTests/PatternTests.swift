import Testing

@testable import GitIgnore

/// One gitignore example: the file text, a path, and what git decides. It remembers where it
/// was written so a failure points at the example itself.
struct MatchExample: Sendable, CustomTestStringConvertible {
    let rules: String
    let path: String
    let isDirectory: Bool
    /// true: ignored, false: re-included by a negation, nil: no pattern matches.
    let ignored: Bool?
    let sourceLocation: SourceLocation

    init(_ rules: String, _ path: String, directory: Bool = false, _ ignored: Bool?,
         fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column) {
        self.rules = rules
        self.path = path
        self.isDirectory = directory
        self.ignored = ignored
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line, column: column)
    }

    var testDescription: String { "\(rules.visible) vs \(path.visible)\(isDirectory ? "/" : "")" }
}

@Suite struct PatternTests {
    /// The gitignore(5) rules, one behaviour per line. A single file at the root, so parent
    /// directories are not consulted here (see `IgnoreStackTests` for that).
    static let examples: [MatchExample] = [
        // Plain names match at any depth; `*.ext` takes git's suffix fast path.
        MatchExample("*.log", "a.log", true),
        MatchExample("*.log", "deep/dir/a.log", true),
        MatchExample("*.log", "a.log.txt", nil),
        MatchExample("*.log", ".log", true),
        MatchExample("Makefile", "src/Makefile", true),
        MatchExample("*.TXT", "a.txt", nil),  // case-sensitive (core.ignoreCase=false)
        // A leading or middle slash anchors to the directory of the file.
        MatchExample("/build", "build", true),
        MatchExample("/build", "src/build", nil),
        MatchExample("doc/frotz", "doc/frotz", true),
        MatchExample("doc/frotz", "a/doc/frotz", nil),
        // A trailing slash: directories only; it does not anchor.
        MatchExample("build/", "build", directory: true, true),
        MatchExample("build/", "build", nil),
        MatchExample("build/", "src/build", directory: true, true),
        MatchExample("doc/frotz/", "doc/frotz", directory: true, true),
        // `*` and `?` do not match `/`; `**` does.
        MatchExample("foo/*", "foo/test.json", true),
        MatchExample("foo/*", "foo/bar/hello.c", nil),
        MatchExample("a?c", "abc", true),
        MatchExample("a/?", "a/b", true),
        MatchExample("a?b", "a/b", nil),
        MatchExample("**/foo", "foo", true),
        MatchExample("**/foo", "a/b/foo", true),
        MatchExample("**/foo/bar", "foo/bar", true),
        MatchExample("**/foo/bar", "x/y/foo/bar", true),
        MatchExample("abc/**", "abc/x/y", true),
        MatchExample("abc/**", "abc", directory: true, nil),
        MatchExample("a/**/b", "a/b", true),
        MatchExample("a/**/b", "a/x/y/b", true),
        MatchExample("a/**/b", "a/xb", nil),
        MatchExample("a**b", "aXb", true),
        // git matches the literal prefix separately, so the rest starts like a fresh pattern.
        MatchExample("a/b**", "a/bc/d", true),
        MatchExample("*", "any/thing", true),
        // Classes, ranges, negated classes, POSIX classes.
        MatchExample("[a-c]x", "bx", true),
        MatchExample("[a-c]x", "dx", nil),
        MatchExample("[!a-c]x", "dx", true),
        MatchExample("[^a-c]x", "ax", nil),
        MatchExample("[]]x", "]x", true),
        MatchExample("[!]]x", "]x", nil),
        MatchExample("[a-]x", "-x", true),
        MatchExample("[[:digit:]]*", "9lives", true),
        MatchExample("[[:upper:]]*", "lower", nil),
        MatchExample("[[:bogus:]]", "b", nil),
        MatchExample("[abc", "a", nil),  // unterminated class never matches
        MatchExample("x?", "xé", nil),  // `?` is one byte; é is two
        // Escapes.
        MatchExample("\\#file", "#file", true),
        MatchExample("#file", "#file", nil),  // a comment
        MatchExample("\\!important", "!important", true),
        MatchExample("\\*", "*", true),
        MatchExample("\\*", "x", nil),
        MatchExample("x\\", "x", nil),  // a trailing backslash matches nothing
        MatchExample("[\\]]", "]", true),
        // Trailing spaces are trimmed unless escaped; tabs are kept.
        MatchExample("trail   ", "trail", true),
        MatchExample("trail\\ ", "trail ", true),
        MatchExample("trail\\ ", "trail", nil),
        MatchExample("tab\t", "tab", nil),
        // The last matching line wins; `!` re-includes.
        MatchExample("*.o\n!keep.o", "keep.o", false),
        MatchExample("!keep.o\n*.o", "keep.o", true),
        MatchExample("*.o\r\n!keep.o\r\n", "keep.o", false),
        MatchExample("\u{FEFF}secret", "secret", true),
    ]

    @Test(arguments: examples)
    func example(_ example: MatchExample) {
        let matcher = GitIgnoreMatcher(text: example.rules)
        let pattern = matcher.lastMatch(example.path, isDirectory: example.isDirectory)
        let decided: Bool? = pattern.map { !$0.isNegated }
        #expect(decided == example.ignored, sourceLocation: example.sourceLocation)
    }

    @Test func parsing() throws {
        #expect(IgnorePattern(line: "") == nil)
        #expect(IgnorePattern(line: "# comment") == nil)
        #expect(IgnorePattern(line: "    ") == nil)
        let negatedDirectory = try #require(IgnorePattern(line: "!build/  ", lineNumber: 7))
        #expect(negatedDirectory.text == "!build/")
        #expect(negatedDirectory.isNegated)
        #expect(negatedDirectory.isDirectoryOnly)
        #expect(negatedDirectory.matchesFileNameOnly)
        #expect(negatedDirectory.lineNumber == 7)
        let anchored = try #require(IgnorePattern(line: "/a/b"))
        #expect(!anchored.matchesFileNameOnly)
        #expect(!anchored.isNegated)
        let escaped = try #require(IgnorePattern(line: "\\!x\\ "))
        #expect(!escaped.isNegated)
        #expect(escaped.text == "\\!x\\ ")
    }

    @Test func lineNumbersCountCommentsAndBlankLines() {
        let matcher = GitIgnoreMatcher(text: "# header\n\n*.log\n   \n!keep.log\n")
        #expect(matcher.patterns.map(\.lineNumber) == [3, 5])
        #expect(matcher.patterns.map(\.text) == ["*.log", "!keep.log"])
    }

    @Test func matcherWithBaseOnlyAnswersBelowIt() {
        let matcher = GitIgnoreMatcher(text: "*.tmp\n/local\n", baseDirectory: "sub")
        #expect(matcher.lastMatch("sub/x.tmp", isDirectory: false)?.text == "*.tmp")
        #expect(matcher.lastMatch("sub/local", isDirectory: false)?.text == "/local")
        #expect(matcher.lastMatch("local", isDirectory: false) == nil)
        #expect(matcher.lastMatch("other/x.tmp", isDirectory: false) == nil)
    }

    static let wildmatchCases: [(String, String, Bool, Bool)] = [
        // pattern, text, pathname mode, expected
        ("foo", "foo", true, true),
        ("f*", "foo/bar", true, false),
        ("f*", "foo/bar", false, true),
        ("**/bar", "bar", true, true),
        ("foo/**", "foo/a/b", true, true),
        ("foo/**/bar", "foo/bar", true, true),
        ("foo**bar", "foo/x/bar", true, false),
        ("*/bar", "a/b/bar", true, false),
        ("[[:alpha:]][[:digit:]]", "a1", true, true),
        ("[[:xdigit:]]", "g", true, false),
        ("[a-c-e]", "-", true, true),
        ("[\\-]", "-", true, true),
        ("\\[ab]", "[ab]", true, true),
        ("[[:ab]", ":", true, true),
        ("*[!.]", "a.", true, false),
    ]

    @Test func wildmatch() {
        for (pattern, text, pathname, expected) in Self.wildmatchCases {
            let result = Wildmatch.matches(Array(pattern.utf8), Array(text.utf8), flags: pathname ? .pathname : [])
            #expect(result == expected, "\(pattern) vs \(text)")
        }
        #expect(Wildmatch.matches(Array("**/WORK/**".utf8), Array("/home/work/x".utf8), flags: [.pathname, .caseFold]))
    }
}
