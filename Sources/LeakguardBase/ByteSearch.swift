#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibc

/// Offset of the first `needle` in `hay` at or after `from`: the one byte search every module
/// uses. C's `memmem` (linear, and vectorised in glibc) rather than `memchr` on the first byte
/// and a compare, which stops at every occurrence of that byte: a line thick with `l`s made the
/// search for `leakguard:allow` crawl.
public func byteOffset(of needle: [UInt8], in hay: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
    guard let base = hay.baseAddress, !needle.isEmpty, from >= 0, hay.count - from >= needle.count else { return nil }
    return needle.withUnsafeBytes { n -> Int? in
        guard let p = lg_memmem(base + from, hay.count - from, n.baseAddress, n.count) else { return nil }
        return UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
    }
}
