import Foundation
import Testing

/// `leakguard scan --validate` runs the leakguard-validate installed beside it with the same
/// command line and standard input, before reading anything (the validator itself is tested in
/// the validate/ package); without one it is a tool error, never a scan without validation.
@Suite struct ValidateHandOverTests {
    @Test func validateIsHandedToTheSiblingExecutable() throws {
        let dir = TestSupport.makeTempDirectory("handover")
        defer { TestSupport.removeTree(dir) }
        try FileManager.default.copyItem(atPath: TestSupport.binary, toPath: dir + "/leakguard")
        // A stand-in that shows what it was given.
        TestSupport.write("#!/bin/sh\necho \"argv: $0 $*\"\necho \"stdin: $(cat)\"\nexit 7\n", to: dir + "/leakguard-validate")
        chmod(dir + "/leakguard-validate", 0o755)
        let out = try TestSupport.run(dir + "/leakguard", ["scan", "--validate", "--format", "json", "-"], stdin: "piped text\n")
        #expect(out.status == 7, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("argv: \(dir)/leakguard-validate scan --validate --format json -"), "\(out.stdout)")
        #expect(out.stdout.contains("stdin: piped text"), "\(out.stdout)")
        // Without --validate nothing is handed over.
        let plain = try TestSupport.run(dir + "/leakguard", ["scan", "-"], stdin: "piped text\n")
        #expect(plain.status == 0 && !plain.stdout.contains("argv:"), "\(plain.stdout)")
    }

    @Test func validateWithoutTheValidatorIsAToolError() throws {
        let dir = TestSupport.makeTempDirectory("handover-missing")
        defer { TestSupport.removeTree(dir) }
        try FileManager.default.copyItem(atPath: TestSupport.binary, toPath: dir + "/leakguard")
        let out = try TestSupport.run(dir + "/leakguard", ["scan", "--validate", dir])
        #expect(out.status == 2)
        #expect(out.stderr.contains("--validate needs leakguard-validate installed beside"), "\(out.stderr)")
        #expect(out.stdout.isEmpty)
    }
}
