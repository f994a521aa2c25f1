import LeakguardBase
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a lane read for one requested object.
enum BlobContent {
    /// The blob's bytes, in the lane's read buffer: valid only during the callback.
    case bytes(UnsafeBufferPointer<UInt8>)
    /// Larger than the scan's size limit; not read into memory.
    case tooLarge(Int)
}

/// Reads blobs with long-running `git cat-file --batch` processes ("lanes"). The calling thread
/// requests objects by id; each lane has a thread that reads its process's answers in order and
/// hands every blob to a callback (which scans it) right where it landed in the read buffer.
/// Callers send runs of consecutive requests to one lane, so git's delta-base cache stays warm.
final class BlobLanes: @unchecked Sendable {
    private final class Lane: @unchecked Sendable {
        let process: GitProcess
        /// Tags of requested objects, in request order; the lane thread pops one per answer.
        let tags = Locked(TagQueue())
        /// Object ids waiting to be written (producer thread only).
        var pending: [UInt8] = []
        init(process: GitProcess) { self.process = process }
    }

    struct TagQueue: Sendable {
        var items: [(tag: Int, path: String)] = []
        var head = 0
        mutating func push(_ t: (tag: Int, path: String)) { items.append(t) }
        mutating func pop() -> (tag: Int, path: String)? {
            guard head < items.count else { return nil }
            let t = items[head]
            head += 1
            if head > 4096 && head * 2 > items.count { items.removeFirst(head); head = 0 }
            return t
        }
    }

    private let lanes: [Lane]
    private let maxSize: Int
    private let firstError = Locked<ScanError?>(nil)

    var count: Int { lanes.count }

    /// Starts `count` cat-file processes in `directory` (they wait for requests).
    init(directory: String?, count: Int, maxSize: Int) throws(ScanError) {
        var lanes: [Lane] = []
        for _ in 0..<max(1, count) {
            let process = try GitProcess(["cat-file", "--batch"], in: directory, input: true)
            enlargePipe(process.output)
            lanes.append(Lane(process: process))
        }
        self.lanes = lanes
        self.maxSize = maxSize
    }

    /// Asks lane `lane` for object `id`; `tag` and `path` come back with its content. Producer
    /// thread only.
    func request(_ id: ObjectID, tag: Int, path: String, lane: Int) throws(ScanError) {
        let l = lanes[lane]
        l.tags.withLock { $0.push((tag, path)) }
        id.appendHex(to: &l.pending)
        l.pending.append(10)
        if l.pending.count >= 4096 { try flush(l) }
    }

    private func flush(_ lane: Lane) throws(ScanError) {
        guard !lane.pending.isEmpty else { return }
        try lane.process.write(lane.pending)
        lane.pending.removeAll(keepingCapacity: true)
    }

    /// Runs `produce` on the calling thread (it calls `request`) while one thread per lane reads
    /// the answers and passes each to `consume(lane, tag, path, content)`. Returns when every requested
    /// object has been consumed; the first error of any thread or git process is thrown.
    func run(produce: @escaping () throws(ScanError) -> Void, whileWaiting tick: (() -> Void)? = nil,
             consume: @escaping @Sendable (_ lane: Int, _ tag: Int, _ path: String, _ content: BlobContent) -> Void) throws(ScanError) {
        let done = Atomic<Int>(0)
        nonisolated(unsafe) let produceRef = produce
        nonisolated(unsafe) let tickRef = tick
        runParallel(lanes.count + 1) { worker in
            if worker == 0 {
                do throws(ScanError) {
                    try produceRef()
                    for lane in self.lanes { try self.flush(lane); lane.process.closeInput() }
                } catch {
                    self.fail(error)
                }
                if let tick = tickRef {
                    while done.load(ordering: .acquiring) < self.lanes.count {
                        tick()
                        usleep(100_000)
                    }
                }
            } else {
                self.drain(worker - 1, consume)
                done.add(1, ordering: .releasing)
            }
        }
        var error = firstError.withLock { $0 }
        for lane in lanes {
            let status = lane.process.waitForExit()
            if status != 0 && error == nil {
                error = ScanError("\(lane.process.commandLine) failed (exit \(status))"
                    + (lane.process.errorText().isEmpty ? "" : ": " + lane.process.errorText()))
            }
        }
        if let error { throw error }
    }

    /// Remembers the first error and stops every git process, so no thread waits forever.
    private func fail(_ error: ScanError) {
        let first = firstError.withLock { e -> Bool in
            if e == nil { e = error; return true }
            return false
        }
        // SIGKILL: cat-file has nothing to clean up, and a blocked SIGTERM must not hang us.
        if first { for lane in lanes { kill(lane.process.pid, SIGKILL) } }
    }

    /// One lane's thread: `<id> blob <size>\n<content>\n` per request, in request order.
    private func drain(_ index: Int, _ consume: (Int, Int, String, BlobContent) -> Void) {
        let lane = lanes[index]
        let reader = PipeReader(fd: lane.process.output, source: lane.process.commandLine)
        do throws(ScanError) {
            while let header = try reader.token(until: 10) {
                guard let (tag, path) = lane.tags.withLock({ $0.pop() }) else {
                    throw ScanError("\(reader.source) answered more than was asked")
                }
                // "<id> <type> <size>" or "<id> missing".
                guard let firstSpace = header.firstIndex(of: 32) else {
                    throw ScanError("\(reader.source): unexpected output '\(header.string)'")
                }
                let rest = UnsafeBufferPointer(rebasing: header[(firstSpace + 1)...])
                guard let secondSpace = rest.firstIndex(of: 32) else {
                    let id = UnsafeBufferPointer(rebasing: header[..<firstSpace]).string
                    throw ScanError("git object \(id) is \(rest.string) (a shallow or partial clone? fetch the history first)")
                }
                let type = UnsafeBufferPointer(rebasing: rest[..<secondSpace])
                guard let size = UnsafeBufferPointer(rebasing: rest[(secondSpace + 1)...]).parseDecimal() else {
                    throw ScanError("\(reader.source): unexpected output '\(header.string)'")
                }
                if !type.hasPrefix("blob") || type.count != 4 {
                    throw ScanError("git object \(UnsafeBufferPointer(rebasing: header[..<firstSpace]).string) is a \(type.string), not a file")
                }
                if size > maxSize {
                    try reader.skip(size + 1)
                    consume(index, tag, path, .tooLarge(size))
                } else {
                    let bytes = try reader.peek(size + 1)
                    consume(index, tag, path, .bytes(UnsafeBufferPointer(rebasing: bytes[..<size])))
                    reader.advance(size + 1)
                }
            }
        } catch {
            fail(error)
        }
    }
}

/// A 1 MiB pipe lets git run ahead of the thread that scans what it wrote (Linux only).
private func enlargePipe(_ fd: Int32) {
    #if os(Linux)
    _ = fcntl(fd, 1031 /* F_SETPIPE_SZ */, Int32(1 << 20))
    #endif
}
