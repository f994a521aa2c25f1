#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Offset of the first `needle` in `hay` at or after `from` (memchr on the first byte, then a
/// compare): the one byte search every module uses.
public func byteOffset(of needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
    guard let base = hay.baseAddress, !needle.isEmpty, hay.count >= needle.count else { return nil }
    let last = hay.count - needle.count
    var i = from
    while i <= last {
        guard let p = memchr(base + i, Int32(needle[0]), last - i + 1) else { return nil }
        let at = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
        var j = 1
        while j < needle.count && base[at + j] == needle[j] { j += 1 }
        if j == needle.count { return at }
        i = at + 1
    }
    return nil
}
