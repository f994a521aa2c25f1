import LeakguardBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running `git` process, started with posix_spawn (Foundation's Process costs more than the
/// whole staged scan may take). Standard output is a pipe we read; standard error goes to an
/// unlinked temporary file, so a chatty git can never block on it, and is quoted if git fails.
final class GitProcess: @unchecked Sendable {
    let arguments: [String]
    let pid: pid_t
    /// Write end of git's standard input, or -1.
    private(set) var input: Int32
    /// Read end of git's standard output.
    let output: Int32
    private let errorFile: Int32
    private var finished = false

    /// Starts `git -C directory arguments…`; with `input`, git's standard input is a pipe we write.
    init(_ arguments: [String], in directory: String?, input wantsInput: Bool = false) throws(ScanError) {
        ignoreSIGPIPE()
        var argv = ["git"]
        if let directory { argv += ["-C", directory] }
        argv += arguments
        self.arguments = argv

        var outPipe: [Int32] = [-1, -1], inPipe: [Int32] = [-1, -1]
        guard makePipe(&outPipe) else { throw ScanError("cannot run git: pipe: \(errnoDescription())") }
        if wantsInput {
            guard makePipe(&inPipe) else {
                close(outPipe[0]); close(outPipe[1])
                throw ScanError("cannot run git: pipe: \(errnoDescription())")
            }
        }
        let errFD = makeAnonymousFile()
        guard errFD >= 0 else {
            for fd in outPipe + inPipe where fd >= 0 { close(fd) }
            throw ScanError("cannot run git: temporary file: \(errnoDescription())")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if wantsInput {
            posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errFD, 2)

        // git starts with default signal handling and nothing blocked, whatever we inherited: we
        // ignore SIGPIPE, and a parent (Foundation's Process, for one) may have blocked SIGTERM,
        // which would make a git we need to stop unstoppable.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { for p in cArgs { free(p) } }
        var child = pid_t()
        let rc = posix_spawnp(&child, "git", &actions, &attributes, cArgs, environ)
        close(outPipe[1])
        if wantsInput { close(inPipe[0]) }
        guard rc == 0 else {
            close(outPipe[0]); close(errFD)
            if wantsInput { close(inPipe[1]) }
            throw ScanError("cannot run git: \(String(cString: strerror(rc)))\(rc == ENOENT ? " (is git installed and on PATH?)" : "")")
        }
        pid = child
        output = outPipe[0]
        input = wantsInput ? inPipe[1] : -1
        errorFile = errFD
    }

    deinit {
        if !finished { terminate() }
        if input >= 0 { close(input) }
        close(output)
        close(errorFile)
    }

    /// Writes all of `bytes` to git's standard input.
    func write(_ bytes: UnsafeRawBufferPointer) throws(ScanError) {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(input, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw ScanError("\(commandLine) stopped reading its input (\(errnoDescription()))\(stderrSuffix())")
            }
            offset += n
        }
    }

    func write(_ bytes: [UInt8]) throws(ScanError) {
        let failure = bytes.withUnsafeBytes { buffer -> ScanError? in
            do throws(ScanError) { try self.write(buffer); return nil } catch { return error }
        }
        if let failure { throw failure }
    }

    func closeInput() {
        if input >= 0 { close(input); input = -1 }
    }

    /// Reads standard output to the end.
    func readAll() throws(ScanError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw ScanError("reading from \(commandLine): \(errnoDescription())") }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Waits for git to exit; a non-zero status is a tool error that quotes git's own message.
    func finish() throws(ScanError) {
        let status = waitForExit()
        if status != 0 {
            throw ScanError("\(commandLine) failed (\(status > 255 ? "signal \(status - 256)" : "exit \(status)"))\(stderrSuffix())")
        }
    }

    /// Exit status, or 256 + signal number.
    @discardableResult
    func waitForExit() -> Int32 {
        closeInput()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        finished = true
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 256 + (status & 0x7f)
    }

    /// Stops git (after an error elsewhere) and reaps it.
    func terminate() {
        guard !finished else { return }
        kill(pid, SIGKILL)
        closeInput()
        waitForExit()
    }

    /// What git wrote on standard error, trimmed.
    func errorText() -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while bytes.count < 64 * 1024 {
            let n = chunk.withUnsafeMutableBytes { pread(errorFile, $0.baseAddress, $0.count, offset) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            offset += off_t(n)
        }
        return String(decoding: bytes, as: UTF8.self).trimmed()
    }

    private func stderrSuffix() -> String {
        let text = errorText()
        return text.isEmpty ? "" : ": " + text
    }

    var commandLine: String {
        // Only the command and its options: revision arguments can be long.
        let shown = arguments.prefix { $0 != "--end-of-options" }.filter { !$0.hasPrefix("--format=") }
        return "`" + shown.joined(separator: " ") + "`"
    }
}

/// Git commands that print a little and exit.
enum Git {
    /// Runs git and returns its standard output; a failure is a tool error.
    static func output(_ arguments: [String], in directory: String?) throws(ScanError) -> [UInt8] {
        let process = try GitProcess(arguments, in: directory)
        let out = try process.readAll()
        try process.finish()
        return out
    }

    /// Runs git and returns its standard output as one trimmed line.
    static func line(_ arguments: [String], in directory: String?) throws(ScanError) -> String {
        String(decoding: try output(arguments, in: directory), as: UTF8.self).trimmingLineBreak()
    }

    /// Runs git; nil when it exits non-zero (for questions like "does HEAD exist?").
    static func tryLine(_ arguments: [String], in directory: String?) -> String? {
        guard let process = try? GitProcess(arguments, in: directory), let out = try? process.readAll(),
              process.waitForExit() == 0 else { return nil }
        return String(decoding: out, as: UTF8.self).trimmingLineBreak()
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

private func makePipe(_ fds: inout [Int32]) -> Bool {
    // Processes are only started from one thread at a time, so close-on-exec set right after
    // pipe() cannot leak these descriptors into another child.
    guard fds.withUnsafeMutableBufferPointer({ pipe($0.baseAddress!) }) == 0 else { return false }
    _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC); _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
    return true
}

/// A read-write file that has no name (so nothing is left behind), close-on-exec.
private func makeAnonymousFile() -> Int32 {
    let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((dir.hasSuffix("/") ? dir : dir + "/").utf8CString.dropLast()) + Array("leakguard-git-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { return -1 }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    return fd
}

/// Writing to a pipe whose reader died must be an error we report, not a silent exit.
private func ignoreSIGPIPE() {
    _ = sigpipeIgnored
}

private let sigpipeIgnored: Bool = {
    signal(SIGPIPE, SIG_IGN)
    return true
}()
