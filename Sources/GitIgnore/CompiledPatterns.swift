#if canImport(Glibc)
import Glibc
#endif

/// The patterns of one file laid out for matching: every pattern's bytes in one allocation and
/// plain-value descriptors, so the per-entry loop does no reference counting or copying.
///
/// Matching follows git's `match_basename` and `match_pathname`, fast paths included: a pattern
/// without wildcards is a length check and `memcmp`, `*literal` a suffix compare, and the
/// literal prefix of a path pattern is compared before `wildmatch` runs on the rest.
final class CompiledPatterns: @unchecked Sendable {
    private struct Descriptor {
        /// Offset and length of the pattern (no `!`, no trailing `/`) in `bytes`.
        var start: Int
        var count: Int
        var literalPrefix: Int
        /// Same for the path form (leading `/` dropped).
        var pathStart: Int
        var pathCount: Int
        var pathLiteralPrefix: Int
        var kind: Kind
        var directoryOnly: Bool
    }

    private enum Kind: UInt8 {
        /// File-name patterns.
        case literalName, suffixName, globName
        /// Patterns matched against the path below the base directory.
        case path
    }

    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let descriptors: UnsafeMutableBufferPointer<Descriptor>
    private let base: UnsafeMutableBufferPointer<UInt8>

    init(patterns: [IgnorePattern], base baseBytes: [UInt8]) {
        let total = patterns.reduce(0) { $0 + $1.body.count + $1.pathBody.count }
        bytes = .allocate(capacity: max(total, 1))
        descriptors = .allocate(capacity: max(patterns.count, 1))
        base = .allocate(capacity: max(baseBytes.count, 1))
        _ = base.initialize(from: baseBytes)
        var offset = 0
        for (i, pattern) in patterns.enumerated() {
            let start = offset
            for b in pattern.body { bytes[offset] = b; offset += 1 }
            let pathStart = offset
            for b in pattern.pathBody { bytes[offset] = b; offset += 1 }
            let kind: Kind
            if !pattern.matchesFileNameOnly {
                kind = .path
            } else if pattern.literalPrefixLength == pattern.body.count {
                kind = .literalName
            } else if pattern.isStarLiteral {
                kind = .suffixName
            } else {
                kind = .globName
            }
            (descriptors.baseAddress! + i).initialize(to: Descriptor(
                start: start, count: pattern.body.count, literalPrefix: pattern.literalPrefixLength,
                pathStart: pathStart, pathCount: pattern.pathBody.count,
                pathLiteralPrefix: pattern.pathLiteralPrefixLength,
                kind: kind, directoryOnly: pattern.isDirectoryOnly))
        }
        count = patterns.count
        baseCount = baseBytes.count
    }

    private let count: Int
    private let baseCount: Int

    deinit {
        bytes.deallocate()
        descriptors.deallocate()
        base.deallocate()
    }

    /// Index of the last pattern matching `path`, or nil. File-name patterns do not check that
    /// `path` is below the base: as in git, the caller only asks about such paths.
    @inline(__always)
    func lastMatch(_ path: UnsafeBufferPointer<UInt8>, fileNameStart: Int, isDirectory: Bool) -> Int? {
        guard count > 0, let pathBase = path.baseAddress else { return nil }
        let patternBytes = UnsafePointer(bytes.baseAddress!)
        let name = pathBase + fileNameStart
        let nameCount = path.count - fileNameStart
        var i = count - 1
        while i >= 0 {
            let d = descriptors[i]
            if d.directoryOnly && !isDirectory {
                i -= 1
                continue
            }
            let matched: Bool
            switch d.kind {
            case .literalName:
                matched = d.count == nameCount && memcmp(patternBytes + d.start, name, nameCount) == 0
            case .suffixName:
                let suffix = d.count - 1
                matched = suffix <= nameCount && memcmp(patternBytes + d.start + 1, name + nameCount - suffix, suffix) == 0
            case .globName:
                matched = Wildmatch.matches(
                    UnsafeBufferPointer(start: patternBytes + d.start, count: d.count),
                    UnsafeBufferPointer(start: name, count: nameCount), flags: [])
            case .path:
                matched = matchesPath(d, patternBytes, pathBase, path.count)
            }
            if matched { return i }
            i -= 1
        }
        return nil
    }

    /// git's `match_pathname`, including its quirk of comparing the literal prefix separately:
    /// the rest of the pattern then starts fresh, so `a/b**` matches `a/bc/d`.
    @inline(__always)
    private func matchesPath(_ d: Descriptor, _ patternBytes: UnsafePointer<UInt8>, _ path: UnsafePointer<UInt8>, _ pathCount: Int) -> Bool {
        if pathCount < baseCount + 1 { return false }
        if baseCount > 0 {
            if path[baseCount] != UInt8(ascii: "/") || memcmp(path, base.baseAddress!, baseCount) != 0 { return false }
        }
        let nameStart = baseCount > 0 ? baseCount + 1 : 0
        let nameCount = pathCount - nameStart
        let prefix = d.pathLiteralPrefix
        let pattern = patternBytes + d.pathStart
        if prefix > 0 {
            if prefix > nameCount { return false }
            if memcmp(pattern, path + nameStart, prefix) != 0 { return false }
            if prefix == d.pathCount && prefix == nameCount { return true }
        }
        return Wildmatch.matches(
            UnsafeBufferPointer(start: pattern + prefix, count: d.pathCount - prefix),
            UnsafeBufferPointer(start: path + nameStart + prefix, count: nameCount - prefix),
            flags: .pathname)
    }
}
