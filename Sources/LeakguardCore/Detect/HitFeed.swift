import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The keyword hits of a large fragment, collected on a second thread a chunk or two ahead of
/// the detector's hit loop, which reads them chunk by chunk: the automaton's pass and the hit
/// loop each take about a fifth of the time on text dense in keywords, and this way they overlap.
///
/// Two slots change hands: the collecting thread fills slot `i % 2` with chunk i's hits; `take`
/// swaps them into the reader's buffer (handing the reader's old buffer back to be refilled),
/// so each buffer is only ever touched by one thread at a time and memory stays two chunks' worth.
final class HitFeed: @unchecked Sendable {
    private final class Slot { var hits: [UInt64] = [] }
    private let slots = [Slot(), Slot()]
    private let filled = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
    private let free = [DispatchSemaphore(value: 1), DispatchSemaphore(value: 1)]
    private let matcher: KeywordMatcher
    private let bytes: UnsafeBufferPointer<UInt8>
    let chunks: [Range<Int>]
    private var thread = pthread_t()
    private var started = false

    /// Starts collecting. The caller must `take` every chunk in order, then `finish`.
    init(matcher: KeywordMatcher, bytes: UnsafeBufferPointer<UInt8>, chunks: [Range<Int>]) {
        self.matcher = matcher
        self.bytes = bytes
        self.chunks = chunks
        let unmanaged = Unmanaged.passRetained(self).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        let rc = pthread_create(&thread, &attr, { raw in
            let feed = Unmanaged<HitFeed>.fromOpaque(raw!).takeRetainedValue()
            feed.collectAll()
            return nil
        }, unmanaged)
        pthread_attr_destroy(&attr)
        if rc == 0 {
            started = true
        } else {
            // No thread to be had: collect each chunk when it is taken instead.
            Unmanaged<HitFeed>.fromOpaque(unmanaged).release()
        }
    }

    private func collectAll() {
        for (i, chunk) in chunks.enumerated() {
            free[i & 1].wait()
            let slot = slots[i & 1]
            slot.hits.removeAll(keepingCapacity: true)
            matcher.collect(bytes, endingIn: chunk, into: &slot.hits)
            filled[i & 1].signal()
        }
    }

    /// Chunk `i`'s hits, in order of end offset, replacing what `hits` held.
    func take(_ i: Int, into hits: inout [UInt64]) {
        guard started else {
            hits.removeAll(keepingCapacity: true)
            matcher.collect(bytes, endingIn: chunks[i], into: &hits)
            return
        }
        filled[i & 1].wait()
        swap(&hits, &slots[i & 1].hits)
        free[i & 1].signal()
    }

    /// Waits for the collecting thread to end (after the last chunk was taken).
    func finish() {
        if started { pthread_join(thread, nil); started = false }
    }
}
