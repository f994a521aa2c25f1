// The gitignore engine: pattern lines and paths from the input, through the parser, the compiled
// matcher and wildmatch itself (with each flag combination).
//
// Input: a flags byte, then an ignore file's contents, then NUL-separated paths after the first
// NUL. Flags: bit 0 asks about directories, bit 1 puts the file in a subdirectory `sub`.
import FuzzSupport
@testable import GitIgnore

@main
enum Harness {
    static func main() {
        runFuzzer(seeds: { GitignoreSeeds.all }, testOneInput: testOneInput)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(input(data, size))
    guard let flags = bytes.first else { return 0 }
    let rest = bytes.dropFirst()
    let split = rest.firstIndex(of: 0) ?? rest.endIndex
    let contents = Array(rest[..<split])
    let paths = split < rest.endIndex ? rest[(split + 1)...].split(separator: 0, omittingEmptySubsequences: false).map(Array.init) : []
    let isDirectory = flags & 1 != 0
    let matcher = GitIgnoreMatcher(contents: contents, baseDirectory: flags & 2 != 0 ? "sub" : "", sourcePath: ".gitignore")
    let lines = contents.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    for path in paths.prefix(8) {
        _ = matcher.lastMatch(String(decoding: path, as: UTF8.self), isDirectory: isDirectory)
        for line in lines.prefix(8) {
            for wildmatchFlags: Wildmatch.Flags in [[], .pathname, .caseFold, [.pathname, .caseFold]] {
                _ = Wildmatch.matches(line, path, flags: wildmatchFlags)
            }
        }
    }
    return 0
}

enum GitignoreSeeds {
    /// Cases after git's t3070-wildmatch and the gitignore documentation.
    static let cases: [(flags: UInt8, patterns: String, paths: [String])] = [
        (0, "*.log\n!keep.log\n", ["a.log", "dir/keep.log", "x.txt"]),
        (1, "build/\n/out\n", ["build", "src/build", "out", "src/out"]),
        (0, "**/foo\nfoo/**\na/**/b\n", ["foo", "x/y/foo", "foo/bar/baz", "a/b", "a/x/y/b"]),
        (0, "[a-c]?.txt\n[!x]*\n[[:alpha:]][[:digit:]]\n[]-]\n", ["b1.txt", "y", "a1", "]", "-"]),
        (0, "\\#notcomment\n\\!bang\ntrailing\\ \n# comment\n\n", ["#notcomment", "!bang", "trailing "]),
        (2, "*.o\n/root.txt\nnested/*.c\n", ["sub/a.o", "sub/root.txt", "sub/nested/x.c", "other/a.o"]),
        (0, "a/b**\n***/x\n*/\n", ["a/bc/d", "q/x", "dir"]),
        (1, "\u{FEFF}bom\r\ncrlf\r\n", ["bom", "crlf"]),
        (0, "foo*bar*baz*\n*[\n[\\\n\\\n", ["foobarbaz", "fooxbarybazz", "[", "\\"]),
        (0, "XYZ\n[[:upper:]]*\n[[:xdigit:][:space:]]\n[a-\n", ["xyz", "Abc", "f", " "]),
        (3, "**\n!**/\n", ["sub/a/b", "sub/a"]),
    ]

    static var all: [[UInt8]] {
        cases.map { c in
            var input: [UInt8] = [c.flags]
            input += Array(c.patterns.utf8)
            for path in c.paths { input.append(0); input += Array(path.utf8) }
            return input
        }
    }
}
