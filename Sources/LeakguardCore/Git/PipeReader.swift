import LeakguardBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered reading from a pipe. Tokens and object contents are handed out as views into the
/// buffer, valid until the next call: git's output is parsed and scanned where it lands.
final class PipeReader {
    private let fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Unread bytes are `start..<end`.
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// Names the other end in error messages.
    let source: String

    init(fd: Int32, source: String, capacity: Int = 1 << 20) {
        self.fd = fd
        self.source = source
        self.capacity = max(capacity, 4096)
        buffer = .allocate(capacity: self.capacity)
    }

    deinit { buffer.deallocate() }

    /// Bytes read but not yet handed out.
    var buffered: Int { end - start }

    /// Reads more input; false at end of input.
    private func fill() throws(ScanError) -> Bool {
        if atEOF { return false }
        if end == capacity {
            if start > 0 {
                buffer.update(from: buffer + start, count: end - start)
                end -= start
                start = 0
            } else {
                grow(to: capacity * 2)
            }
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw ScanError("reading from \(source): \(errnoDescription())")
            }
            if n == 0 { atEOF = true; return false }
            end += n
            return true
        }
    }

    private func grow(to size: Int) {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: buffer + start, count: end - start)
        buffer.deallocate()
        buffer = bigger
        end -= start
        start = 0
        capacity = size
    }

    /// The bytes before the next `delimiter` (which is consumed); nil at end of input. Input that
    /// ends without a delimiter is returned as a last token.
    func token(until delimiter: UInt8) throws(ScanError) -> UnsafeBufferPointer<UInt8>? {
        var searched = 0
        while true {
            let from = start + searched
            if from < end, let p = memchr(buffer + from, Int32(delimiter), end - from) {
                let at = p.assumingMemoryBound(to: UInt8.self) - buffer
                let token = UnsafeBufferPointer(start: buffer + start, count: at - start)
                start = at + 1
                return token
            }
            searched = end - start
            if try !fill() {
                if start == end { return nil }
                let token = UnsafeBufferPointer(start: buffer + start, count: end - start)
                start = end
                return token
            }
        }
    }

    /// The next `count` bytes, in place (the buffer grows to hold them); consumed by `advance`.
    func peek(_ count: Int) throws(ScanError) -> UnsafeBufferPointer<UInt8> {
        if capacity - start < count {
            if capacity < count { grow(to: max(count, capacity * 2)) } else {
                buffer.update(from: buffer + start, count: end - start)
                end -= start
                start = 0
            }
        }
        while end - start < count {
            if try !fill() { throw ScanError("\(source) ended in the middle of an object") }
        }
        return UnsafeBufferPointer(start: buffer + start, count: count)
    }

    func advance(_ count: Int) { start += count }

    /// Drops `count` bytes without keeping them (objects too large to scan).
    func skip(_ count: Int) throws(ScanError) {
        var left = count
        while left > 0 {
            if start == end, try !fill() { throw ScanError("\(source) ended in the middle of an object") }
            let n = min(left, end - start)
            start += n
            left -= n
        }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Decimal number in these bytes, or nil.
    func parseDecimal() -> Int? {
        guard !isEmpty else { return nil }
        var n = 0
        for b in self {
            guard b >= 48 && b <= 57 else { return nil }
            n = n &* 10 &+ Int(b - 48)
        }
        return n
    }

    func hasPrefix(_ prefix: StaticString) -> Bool {
        guard count >= prefix.utf8CodeUnitCount else { return false }
        return memcmp(baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    var string: String { String(decoding: self, as: UTF8.self) }
}
