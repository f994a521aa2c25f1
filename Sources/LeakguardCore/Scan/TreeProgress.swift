import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// "12034/80112 files, 310.2 MB, 95.1 MB/s" on standard error while a large tree is scanned, only
/// for a terminal (as `HistoryProgress` does for `--git`); `LEAKGUARD_NO_PROGRESS` turns it off.
/// Workers count what they read; one of them prints, at most five times a second, and not at all
/// for a scan that ends within its first 200 ms.
final class TreeProgress: Sendable {
    private let total: Int
    private let start = ContinuousClock.now
    private let files = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    /// Milliseconds since `start` of the last print; -1 before the first.
    private let lastPrint = Atomic<Int>(-1)

    /// A progress line for `total` files, or nil when standard error is not a terminal.
    static func forTerminal(total: Int) -> TreeProgress? {
        guard total > 0, isatty(2) == 1, getenv("LEAKGUARD_NO_PROGRESS") == nil else { return nil }
        return TreeProgress(total: total)
    }

    private init(total: Int) { self.total = total }

    /// Any worker, per file.
    func scanned(bytes n: Int) {
        files.add(1, ordering: .relaxed)
        bytes.add(n, ordering: .relaxed)
    }

    /// The printing worker, per file.
    func tick() {
        let elapsed = ContinuousClock.now - start
        let ms = Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
        let last = lastPrint.load(ordering: .relaxed)
        guard ms - max(last, 0) >= 200 else { return }
        lastPrint.store(ms, ordering: .relaxed)
        let done = bytes.load(ordering: .relaxed)
        let rate = Double(done) / max(Double(ms) / 1000, 0.001)
        FileHandleError.write("\r\u{1B}[Kleakguard: \(files.load(ordering: .relaxed))/\(total) files, \(megabytes(done)) MB, \(megabytes(Int(rate))) MB/s")
    }

    func finish() {
        if lastPrint.load(ordering: .relaxed) >= 0 { FileHandleError.write("\r\u{1B}[K") }
    }

    private func megabytes(_ n: Int) -> String {
        let tenths = n / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}
