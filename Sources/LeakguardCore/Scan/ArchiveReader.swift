import CLibArchive

/// Archives as a source of fragments: zip (and its kin .whl, .jar, .apk, …), tar, compressed
/// tars and single compressed files, read with libarchive and streamed member by member.
/// Members that are archives themselves are opened too, down to `maxDepth` levels. Every member
/// is named `outer.zip!inner/path` in findings.
///
/// Hostile archives are bounded: members larger than the file-size limit are skipped, and the
/// whole archive (all levels) may expand to at most `maxExpandedBytes` and at most `maxRatio`
/// times its own size, so a zip bomb ends in a skipped member with its reason, not in an
/// exhausted disk or memory. A corrupt archive is a warning, never a tool error.
public struct ArchiveReader {
    public struct Limits: Sendable {
        public var maxDepth = 2
        public var maxMemberSize = ScanOptions.defaultMaxFileSize
        public var maxExpandedBytes = 1 << 30
        public var maxRatio = 200
        public init() {}
    }

    /// A member read from an archive: its display path and bytes (valid during the callback).
    public typealias Visit = (_ path: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Void

    static let zipLike = [".zip", ".whl", ".jar", ".war", ".ear", ".apk", ".aar", ".nupkg", ".vsix", ".xpi", ".egg", ".ipa"]
    static let tarLike = [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst"]
    static let singleCompressed = [".gz", ".bz2", ".xz", ".zst"]

    /// Whether `path` names an archive leakguard opens.
    public static func isArchive(_ path: String) -> Bool {
        let lower = path.lowercased()
        return zipLike.contains { lower.hasSuffix($0) } || tarLike.contains { lower.hasSuffix($0) }
            || singleCompressed.contains { lower.hasSuffix($0) }
    }

    static func isSingleCompressed(_ path: String) -> Bool {
        let lower = path.lowercased()
        return singleCompressed.contains { lower.hasSuffix($0) } && !tarLike.contains { lower.hasSuffix($0) }
    }

    let limits: Limits
    /// Bytes expanded so far, across every level of the outermost archive.
    private(set) var expanded = 0
    private let compressedSize: Int
    public private(set) var skipped: [SkippedFile] = []
    public private(set) var warnings: [String] = []
    /// Members read (all levels).
    public private(set) var members = 0

    public init(limits: Limits, compressedSize: Int) {
        self.limits = limits
        self.compressedSize = max(1, compressedSize)
    }

    /// Reads the archive `bytes` named `name`, calling `visit` for every regular member that is
    /// not itself an archive opened in turn.
    public mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, name: String, depth: Int = 0, visit: Visit) {
        guard let archive = archive_read_new() else { return }
        defer { archive_read_free(archive) }
        archive_read_support_filter_all(archive)
        if Self.isSingleCompressed(name) {
            archive_read_support_format_raw(archive)
        } else {
            archive_read_support_format_all(archive)
        }
        guard let base = bytes.baseAddress,
              archive_read_open_memory(archive, UnsafeMutableRawPointer(mutating: base), bytes.count) == lg_archive_ok() else {
            warnings.append("\(name): not a readable archive (\(Self.errorText(archive))); skipped")
            skipped.append(SkippedFile(path: name, reason: .corruptArchive, detail: Self.errorText(archive)))
            return
        }
        var entry: OpaquePointer?
        var buffer: [UInt8] = []
        while true {
            let status = archive_read_next_header(archive, &entry)
            if status == lg_archive_eof() { break }
            guard status == lg_archive_ok() || status == lg_archive_warn(), let entry else {
                warnings.append("\(name): archive is damaged after \(members) member(s) (\(Self.errorText(archive))); the rest is skipped")
                skipped.append(SkippedFile(path: name, reason: .corruptArchive, detail: Self.errorText(archive)))
                return
            }
            guard archive_entry_filetype(entry) == lg_ae_ifreg() else { continue }
            var inner = "data"
            if let p = archive_entry_pathname_utf8(entry) ?? archive_entry_pathname(entry) { inner = String(cString: p) }
            if Self.isSingleCompressed(name) {
                // A single compressed file has no member name: the file's own name, less the suffix.
                inner = String(basename(name).split(separator: ".").dropLast().joined(separator: "."))
            }
            let path = name + "!" + inner
            let declared = archive_entry_size_is_set(entry) != 0 ? Int(archive_entry_size(entry)) : -1
            if declared > limits.maxMemberSize {
                skipped.append(SkippedFile(path: path, reason: .tooLarge, detail: "\(declared) bytes"))
                continue
            }
            // Read the member, within the member limit and the archive's expansion budget.
            buffer.removeAll(keepingCapacity: true)
            var overLimit: SkippedFile?
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, 65536) }
                if n == 0 { break }
                if n < 0 {
                    warnings.append("\(path): cannot be read (\(Self.errorText(archive))); skipped")
                    overLimit = SkippedFile(path: path, reason: .corruptArchive, detail: Self.errorText(archive))
                    break
                }
                expanded += n
                if buffer.count + n > limits.maxMemberSize {
                    overLimit = SkippedFile(path: path, reason: .tooLarge, detail: "over \(limits.maxMemberSize) bytes")
                    break
                }
                if expanded > limits.maxExpandedBytes || (expanded > 16 << 20 && expanded / compressedSize > limits.maxRatio) {
                    let detail = "archive expands past \(expanded > limits.maxExpandedBytes ? "\(limits.maxExpandedBytes) bytes" : "\(limits.maxRatio)× its size") (a zip bomb?); the rest is skipped"
                    skipped.append(SkippedFile(path: path, reason: .archiveLimit, detail: detail))
                    warnings.append("\(path): \(detail)")
                    return
                }
                buffer.append(contentsOf: chunk[0..<n])
            }
            if let overLimit { skipped.append(overLimit); continue }
            members += 1
            if Self.isArchive(inner) {
                if depth < limits.maxDepth {
                    buffer.withUnsafeBufferPointer { read($0, name: path, depth: depth + 1, visit: visit) }
                } else {
                    skipped.append(SkippedFile(path: path, reason: .archiveLimit, detail: "nested deeper than --max-archive-depth \(limits.maxDepth)"))
                }
                continue
            }
            buffer.withUnsafeBufferPointer { visit(path, $0) }
        }
    }

    static func errorText(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
    }
}
