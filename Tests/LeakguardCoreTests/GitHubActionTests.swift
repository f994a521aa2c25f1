import Foundation
import Testing
@testable import LeakguardCore

/// Runs `action.yml`'s shell steps the way a GitHub runner does: each `run:` block written to a
/// file and executed by `bash --noprofile --norc -eo pipefail`, with the step's `env:` (its
/// `${{ }}` expressions resolved from inputs, the event and earlier steps' outputs) and the
/// runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH). `uses:` steps cannot run
/// here; their `if:` conditions are checked against the outputs that drive them.
@Suite struct GitHubActionTests {
    struct Step {
        var id: String?
        var name: String
        var condition: String?
        var run: String?
        var uses: String?
        var env: [String: String]
    }

    /// The action's steps, read with PyYAML (pre-commit's own dependency).
    static func steps() throws -> [Step] {
        let script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))['runs']['steps']))"
        let out = try TestSupport.run("/usr/bin/env", ["python3", "-c", script, TestSupport.packageRoot.appendingPathComponent("action.yml").path])
        guard out.status == 0, let data = out.stdout.data(using: .utf8),
              let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw TestFailure("cannot read action.yml: \(out.stderr)")
        }
        return list.map { s in
            Step(id: s["id"] as? String, name: s["name"] as? String ?? "", condition: s["if"] as? String,
                 run: s["run"] as? String, uses: s["uses"] as? String,
                 env: (s["env"] as? [String: Any] ?? [:]).mapValues { "\($0)" })
        }
    }

    /// `${{ a.b.c }}` references, resolved from `context`; anything else in an expression fails
    /// the test, so the action stays within what this harness understands.
    static func resolve(_ text: String, _ context: [String: String]) throws -> String {
        var out = "", rest = Substring(text)
        while let open = rest.range(of: "${{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { throw TestFailure("unclosed expression in \(text)") }
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard key.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                throw TestFailure("expression '\(key)' is more than a reference")
            }
            out += context[key] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    struct Run {
        var outputs: [String: [String: String]] = [:]
        var statuses: [String: Int32] = [:]
        var logs: [String: String] = [:]
        var summary = ""
    }

    /// Runs every shell step in order (the runner's `always()` steps too), as GitHub would.
    static func runAction(in repo: String, inputs: [String: String], github: [String: String]) throws -> Run {
        let steps = try steps()
        let runner = TestSupport.makeTempDirectory("runner")
        defer { TestSupport.removeTree(runner) }
        let summaryFile = runner + "/summary.md"
        FileManager.default.createFile(atPath: summaryFile, contents: nil)
        let defaults = ["upload-sarif": "true", "sarif-file": "leakguard.sarif", "range": "", "args": ""]
        var context: [String: String] = [:]
        for (k, v) in defaults.merging(inputs, uniquingKeysWith: { $1 }) { context["inputs." + k] = v }
        for (k, v) in github { context["github." + k] = v }
        // No leakguard but the one under test, first on PATH (as after the build step).
        let binDir = (TestSupport.binary as NSString).deletingLastPathComponent
        let basePath = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .filter { !FileManager.default.isExecutableFile(atPath: "\($0)/leakguard") }.joined(separator: ":")
        var result = Run()
        for (index, step) in steps.enumerated() {
            guard let script = step.run else { continue }
            #expect(!script.contains("${{"), "step '\(step.name)' puts an expression inside its script; pass it through env:")
            // Steps that only build: the binary under test stands in for their work.
            if step.name.hasPrefix("Build") { continue }
            let scriptFile = runner + "/step\(index).sh"
            try script.write(toFile: scriptFile, atomically: true, encoding: .utf8)
            let outputFile = runner + "/output\(index)"
            FileManager.default.createFile(atPath: outputFile, contents: nil)
            var env: [String: String] = [
                "PATH": binDir + ":" + basePath,
                "GITHUB_OUTPUT": outputFile, "GITHUB_STEP_SUMMARY": summaryFile, "GITHUB_PATH": runner + "/path",
                "GITHUB_ENV": runner + "/env", "RUNNER_TEMP": runner, "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
                "GITHUB_ACTION_PATH": TestSupport.packageRoot.path, "GITHUB_WORKSPACE": repo,
                "GITHUB_REPOSITORY": github["repository"] ?? "owner/project",
                "GITHUB_EVENT_NAME": github["event_name"] ?? "push",
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
            ]
            for (k, v) in step.env { env[k] = try resolve(v, context) }
            let out = try TestSupport.run("/bin/bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], cwd: repo, environment: env)
            let key = step.id ?? step.name
            result.statuses[key] = out.status
            result.logs[key] = out.stdout + out.stderr
            var outputs: [String: String] = [:]
            for line in (try String(contentsOfFile: outputFile, encoding: .utf8)).split(separator: "\n") {
                if let eq = line.firstIndex(of: "=") { outputs[String(line[..<eq])] = String(line[line.index(after: eq)...]) }
            }
            result.outputs[key] = outputs
            if let id = step.id { for (k, v) in outputs { context["steps.\(id).outputs.\(k)"] = v } }
        }
        result.summary = (try? String(contentsOfFile: summaryFile, encoding: .utf8)) ?? ""
        return result
    }

    /// A pull request: a base commit and a head commit that adds `added`.
    static func pullRequest(adding added: String) throws -> (GitTestRepo, base: String, head: String) {
        let repo = try GitTestRepo("action")
        repo.write("hello\n", to: "README.md")
        let base = try repo.commit("base")
        repo.write(added, to: "config.txt")
        let head = try repo.commit("head")
        return (repo, base, head)
    }

    @Test func exitZeroWritesOutputsAndUploads() throws {
        let (repo, base, head) = try Self.pullRequest(adding: "nothing secret here\n")
        defer { repo.remove() }
        let run = try Self.runAction(in: repo.path, inputs: [:], github: [
            "event_name": "pull_request", "event.pull_request.base.sha": base, "event.pull_request.head.sha": head,
            "event.pull_request.head.repo.full_name": "owner/project", "repository": "owner/project"])
        #expect(run.statuses["range"] == 0, "\(run.logs["range"] ?? "")")
        #expect(run.statuses["scan"] == 0, "\(run.logs["scan"] ?? "")")
        #expect(run.outputs["scan"]?["exit-code"] == "0")
        #expect(run.outputs["scan"]?["sarif"] == "leakguard.sarif")
        #expect(run.outputs["scan"]?["upload"] == "true")
        #expect(FileManager.default.fileExists(atPath: repo.path + "/leakguard.sarif"))
        #expect(run.statuses["verdict"] == 0)
        #expect(run.summary.contains("no secrets"))
    }

    @Test func exitOneStillWritesOutputsShowsFindingsAndFailsTheVerdict() throws {
        let (repo, base, head) = try Self.pullRequest(adding: try FakeKeys.line("action") + "\n")
        defer { repo.remove() }
        let run = try Self.runAction(in: repo.path, inputs: [:], github: [
            "event_name": "pull_request", "event.pull_request.base.sha": base, "event.pull_request.head.sha": head,
            "event.pull_request.head.repo.full_name": "owner/project", "repository": "owner/project"])
        // Under -e, exit 1 must not end the scan step before its outputs are written.
        #expect(run.statuses["scan"] == 0, "\(run.logs["scan"] ?? "")")
        #expect(run.outputs["scan"]?["exit-code"] == "1")
        #expect(run.outputs["scan"]?["upload"] == "true")
        #expect(run.logs["scan"]?.contains("config.txt") == true, "the findings are in the log")
        #expect(run.logs["scan"]?.contains(FakeKeys.ruleID) == true)
        #expect(run.summary.contains("| Severity | Rule | Location | Commit | Message |"), "\(run.summary)")
        #expect(run.summary.contains("`config.txt:1`"))
        #expect(run.statuses["verdict"] == 1)
        #expect(run.logs["verdict"]?.contains("::error::") == true)
    }

    @Test func exitTwoWritesOutputsAndSkipsTheUpload() throws {
        let (repo, _, head) = try Self.pullRequest(adding: "text\n")
        defer { repo.remove() }
        let missing = String(repeating: "1", count: 40)
        let run = try Self.runAction(in: repo.path, inputs: [:], github: [
            "event_name": "pull_request", "event.pull_request.base.sha": missing, "event.pull_request.head.sha": head,
            "event.pull_request.head.repo.full_name": "owner/project", "repository": "owner/project"])
        #expect(run.statuses["scan"] == 0, "\(run.logs["scan"] ?? "")")
        #expect(run.outputs["scan"]?["exit-code"] == "2")
        #expect(run.outputs["scan"]?["sarif"] == nil, "no report to upload")
        #expect(run.outputs["scan"]?["upload"] == "false")
        #expect(run.statuses["verdict"] == 2)
        #expect(run.summary.contains("failed (exit 2)"))
    }

    @Test func aForkGatesButDoesNotUpload() throws {
        let (repo, base, head) = try Self.pullRequest(adding: try FakeKeys.line("fork") + "\n")
        defer { repo.remove() }
        let run = try Self.runAction(in: repo.path, inputs: [:], github: [
            "event_name": "pull_request", "event.pull_request.base.sha": base, "event.pull_request.head.sha": head,
            "event.pull_request.head.repo.full_name": "someone/fork", "repository": "owner/project"])
        #expect(run.outputs["scan"]?["exit-code"] == "1")
        #expect(run.outputs["scan"]?["upload"] == "false")
        #expect(run.logs["scan"]?.contains("fork") == true)
        #expect(run.statuses["verdict"] == 1)
    }

    @Test func theUploadAndVerdictConditionsReadTheScanOutputs() throws {
        let steps = try Self.steps()
        let upload = try #require(steps.first { $0.uses?.hasPrefix("github/codeql-action/upload-sarif") == true })
        #expect(upload.condition?.contains("always()") == true)
        #expect(upload.condition?.contains("steps.scan.outputs.upload == 'true'") == true)
        let scan = try #require(steps.first { $0.id == "scan" })
        #expect(scan.condition?.contains("always()") == true, "exit-code is written even when an earlier step failed")
        let verdict = try #require(steps.first { $0.id == "verdict" })
        #expect(verdict.condition?.contains("always()") == true)
        let cache = try #require(steps.first { $0.uses?.hasPrefix("actions/cache") == true })
        #expect(cache.condition?.contains("steps.setup.outputs.on-path == 'false'") == true)
    }
}
