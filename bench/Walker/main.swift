import Foundation
import GitIgnore
import TestKit

// Walker timings: a generated repository (10,000 listed files in 250 directories, plus ignored
// build output that must not be entered) and existing trees. Build in release mode and run:
//
//     swift build -c release --product bench-walker && .build/release/bench-walker
//
// GITIGNORE_BENCHMARK_TREES=/usr:/opt/swift chooses the existing trees (default: /opt/swift, /usr).

/// Best and median wall time of `runs` calls, in milliseconds.
func measure(runs: Int = 15, _ body: () throws -> Void) rethrows -> (best: Double, median: Double) {
    var samples: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let elapsed = try clock.measure(body)
        samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
    }
    samples.sort()
    return (samples[0], samples[samples.count / 2])
}

func format(_ t: (best: Double, median: Double)) -> String {
    String(format: "best %7.2f ms, median %7.2f ms", t.best, t.median)
}

nonisolated(unsafe) var failed = false
/// A benchmark whose walk lists the wrong files measures nothing: say so and exit 1.
func check(_ condition: Bool, _ message: @autoclosure () -> String = "", line: Int = #line) {
    if !condition { print("FAILED (line \(line)) \(message())"); failed = true }
}

@discardableResult
func git(_ arguments: [String], in directory: String, environment: [String: String]) throws -> ProgramOutput {
    let out = try Program.run("/usr/bin/env", ["git"] + arguments, cwd: directory, environment: environment, inherit: false)
    check(out.status == 0, "git \(arguments.joined(separator: " ")): \(out.stderrText)")
    return out
}

func generatedRepository() throws {
    let repo = TemporaryDirectory("gitignore-bench")
    let environment = IsolatedEnvironment()
    try git(["init", "-q", "--template="], in: repo.path, environment: environment.variables)
    repo.write(".gitignore", """
        # typical project rules
        .DS_Store
        *.o
        *.swp
        *.log
        /.build/
        build/
        node_modules/
        DerivedData/
        *.xcodeproj/xcuserdata/
        **/Generated/**
        !keep.log
        .env
        .env.*
        coverage/
        *.tmp

        """)
    var listed = 1
    for top in 0..<10 {
        repo.write("module\(top)/.gitignore", "*.cache\n/scratch/\n")
        listed += 1
        for sub in 0..<24 {
            let directory = "module\(top)/pkg\(sub)"
            for file in 0..<41 where listed < 10_000 {
                repo.write("\(directory)/File\(file).swift", "let x = \(file)\n")
                listed += 1
            }
            repo.write("\(directory)/debug.log", "")
            repo.write("\(directory)/a.o", "")
        }
        for i in 0..<100 { repo.write("module\(top)/build/obj\(i).o", "") }
        for i in 0..<100 { repo.write("module\(top)/scratch/s\(i)", "") }
    }
    while listed < 10_000 {
        repo.write("extra/f\(listed).txt", "")
        listed += 1
    }
    var options = WalkOptions()
    options.environment = environment.variables
    options.threads = 1
    let result = try Walker.walk(root: repo.path, options: options)
    check(result.files.count == 10_000)

    print("benchmark: generated repository, \(result.files.count) files listed, 2,000 ignored in ignored directories, 480 ignored files")
    print("  walk, 1 thread                    " + format(try measure { _ = try Walker.walk(root: repo.path, options: options) }))
    var sized = options
    sized.collectSizes = true
    print("  walk, 1 thread, with sizes        " + format(try measure { _ = try Walker.walk(root: repo.path, options: sized) }))
    var parallel = options
    parallel.threads = 2
    print("  walk, 2 threads                   " + format(try measure { _ = try Walker.walk(root: repo.path, options: parallel) }))
    var noIgnore = options
    noIgnore.useGitIgnore = false
    print("  walk, --no-gitignore              " + format(try measure { _ = try Walker.walk(root: repo.path, options: noIgnore) }))
    print("  IgnoreStack.forDirectory          " + format(measure { _ = IgnoreStack.forDirectory(repo.path, environment: environment.variables) }))
    print("  git ls-files -o --exclude-standard (process, for scale) "
        + format(try measure(runs: 5) { _ = try git(["ls-files", "-o", "--exclude-standard"], in: repo.path, environment: environment.variables) }))
    let stack = IgnoreStack.forDirectory(repo.path, environment: environment.variables)
    let paths = result.files.map(\.relativePath)
    print("  isIgnored x 10,000 (cached stack) " + format(measure { for path in paths { _ = stack.isIgnored(path, isDirectory: false) } }))
}

func existingTrees() throws {
    let trees = (ProcessInfo.processInfo.environment["GITIGNORE_BENCHMARK_TREES"] ?? "/opt/swift:/usr")
        .split(separator: ":").map(String.init)
    for tree in trees where FileManager.default.fileExists(atPath: tree) {
        let environment = IsolatedEnvironment()
        var options = WalkOptions()
        options.environment = environment.variables
        options.threads = 1
        let result = try Walker.walk(root: tree, options: options)
        print("benchmark: \(tree): \(result.files.count) files, \(result.skipped.count) skipped, \(result.warnings.count) warnings")
        print("  walk, 1 thread                    " + format(try measure(runs: 7) { _ = try Walker.walk(root: tree, options: options) }))
        var parallel = options
        parallel.threads = 2
        print("  walk, 2 threads                   " + format(try measure(runs: 7) { _ = try Walker.walk(root: tree, options: parallel) }))
        var sized = options
        sized.collectSizes = true
        print("  walk, 1 thread, with sizes        " + format(try measure(runs: 7) { _ = try Walker.walk(root: tree, options: sized) }))
    }

}

try generatedRepository()
try existingTrees()
exit(failed ? 1 : 0)
