import Testing
@testable import GitIgnore

/// Inputs the fuzzers (Fuzz/, scripts/fuzz) found that crashed or hung the matcher, kept so they
/// never come back.
@Suite struct FuzzRegressionTests {
    static let manyStarStars = String(repeating: "**/", count: 24)
    static let deepPath = String(repeating: "d/", count: 40)

    /// Many `**/` against a deep path backtracked exponentially (a hang on one hostile .gitignore
    /// line); past a call budget the match now remembers its (pattern, text) positions.
    @Test(arguments: [
        (manyStarStars + "x", deepPath + "y", false),
        (manyStarStars + "x", deepPath + "x", true),
        (manyStarStars + "x/**/y*", deepPath + "x/d/d/yes", true),
        ("**/a*/**/b*/**/c*/**/e", deepPath + "a/d/b/d/c/e/f", false),
        ("**/a*/**/b*/**/c*/**/e", deepPath + "a/d/b/d/c/d/e", true),
    ])
    func manyStarStarsOnADeepPath(pattern: String, path: String, expected: Bool) {
        #expect(Wildmatch.matches(Array(pattern.utf8), Array(path.utf8), flags: .pathname) == expected)
        let matcher = GitIgnoreMatcher(text: pattern)
        #expect((matcher.lastMatch(path, isDirectory: false) != nil) == expected)
    }
}
