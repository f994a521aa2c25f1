import Foundation
import Testing

@Suite("Tree scan progress")
struct TreeProgressTests {
    /// A tree scan that takes a while shows files, MB and rate on a terminal, and never when its
    /// standard error is a pipe or a file.
    @Test func progressOnATerminalOnly() throws {
        let dir = TestSupport.makeTempDirectory("progress")
        defer { TestSupport.removeTree(dir) }
        let text = String(repeating: "total = compute(alpha, beta, gamma)  # an ordinary line of code\n", count: 16_000)
        for i in 0..<80 { TestSupport.write(text, to: "\(dir)/tree/d\(i % 4)/f\(i).py") }
        // One thread, so the scan of 80 MB lasts well past the 200 ms before the first line.
        let command = "\(TestSupport.binary) scan --threads 1 \(dir)/tree"
        let tty = try TestSupport.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["NO_COLOR": "1"])
        #expect(tty.status == 0)
        #expect(tty.stdout.contains("/80 files,") && tty.stdout.contains(" MB/s"), "progress on a terminal: \(tty.stdout.suffix(300))")
        #expect(tty.stdout.contains("No findings"))
        let piped = try TestSupport.leakguard(["scan", "--threads", "1", dir + "/tree"])
        #expect(!piped.stderr.contains("files,") && !piped.stdout.contains("files,"), "no progress into a pipe")
        let off = try TestSupport.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["LEAKGUARD_NO_PROGRESS": "1"])
        #expect(!off.stdout.contains("/80 files,"), "LEAKGUARD_NO_PROGRESS turns it off")
    }
}
