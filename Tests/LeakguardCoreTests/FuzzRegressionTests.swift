import Testing
@testable import LeakguardCore

/// Inputs the fuzzers (Fuzz/, scripts/fuzz) found that crashed or hung the library, kept so
/// they never come back.
@Suite struct FuzzRegressionTests {
    /// toml++ inside TOMLKit aborted the process (exit 134) on these; they are TOML errors.
    @Test(arguments: [
        ("[[\n", 1, 3, "a table header"), ("[\n", 1, 2, "a table header"), ("[{a}]\n", 1, 2, "a table header"),
        ("[[[rules]]]\n", 1, 3, "a table header"), ("[[=", 1, 3, "a table header"),
        ("title = \"t\"\n\n  [[ #\n", 3, 6, "a table header"), ("\u{FEFF}[ {", 1, 3, "a table header"),
        ("x = [}", 1, 6, "'}' cannot close '['"), ("x = {a = [1,\n}", 2, 1, "'}' cannot close '['"),
        ("x = { a = 1 ]", 1, 13, "']' cannot close '{'"),
        ("entropy = 3\u{C4}", 1, 12, "a character outside ASCII"), ("\u{E9} = 1", 1, 1, "a character outside ASCII"),
        ("x = [\n 2'''\u{C4}''']", 2, 6, "a character outside ASCII"), ("x =0[\"\u{C4}\"]", 1, 7, "a character outside ASCII"),
        ("entropy = 3.KEN'''\u{C4}'''", 1, 19, "a character outside ASCII"),
    ])
    func malformedTOMLIsAnError(text: String, line: Int, column: Int, message: String) {
        #expect {
            _ = try ConfigLoader.parse(text, file: "bad.toml")
        } throws: { error in
            (error as? ConfigError)?.message.hasPrefix("invalid TOML at line \(line), column \(column): \(message)") == true
        }
    }

    /// Brackets, quotes, `#` and non-ASCII inside strings and comments, and a `[` starting a line
    /// inside a multi-line array, are not mistakes.
    @Test func validTOMLStillLoads() throws {
        let text = #"""
            # Ünïcode in a comment, and ] } [ too
            title = "café [{ # \" }]"
            matrix = [
            [
            1], [2], { a = "]" }]
            [[rules]]
            id = "r"
            description = """
            [{ not a header
            ends in quotes"""""
            regex = '''x\'''
            keywords = ['''é''', 'a"b', "'"]  # trailing comment ]
            [ rules.allowlist ]
            "quoted key" = { a."bé" = 1, c = [1.5, 2, true, 1979-05-27T07:32:00Z] }
            regexes = ['''^[\]}]''']
            """#
        let parsed = try ConfigLoader.parse(text, file: "x.toml")
        #expect(parsed.title == "café [{ # \" }]")
        #expect(parsed.rules.map(\.description) == ["[{ not a header\nends in quotes\"\""])
        #expect(parsed.rules.map(\.regex) == ["x\\"])
        #expect(parsed.rules.map(\.keywords) == [["é", "a\"b", "'"]])
    }

    /// `{{base64:-4}}` in a rule example trapped (a negative range); a huge count allocated without bound.
    @Test(arguments: ["{{base64:-4}}", "{{alnum:99999999999}}", "{{alnum:4097}}"])
    func exampleTemplateWithABadCountStaysLiteral(template: String) {
        #expect(ExampleTemplate.expand("key=" + template, seed: "s") == "key=" + template)
    }
}
