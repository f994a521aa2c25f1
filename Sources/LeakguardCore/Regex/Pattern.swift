import LeakguardBase
import CPCRE2
import Synchronization

/// A PCRE2 pattern compiled once (with JIT when the platform has it) and shared by every worker.
///
/// Matching needs per-thread state (match data, a JIT stack); that lives in `MatchScratch`, which
/// each worker allocates once and reuses for every pattern and file.
public final class Pattern: @unchecked Sendable {
    public let source: String
    let code: OpaquePointer
    public let captureCount: Int
    /// JIT compilation happens on first use: most rules never see a keyword in a pre-commit
    /// run, and compiling 130 patterns to machine code up front costs more than the scan.
    private let jitDone = Atomic<Bool>(false)
    private let jitLock = Locked(false)
    public var isJIT: Bool { prepare(); return jitLock.withLock { $0 } }

    public struct CompileError: Error, CustomStringConvertible {
        public var message: String
        public var offset: Int
        public var description: String { "\(message) at offset \(offset)" }
    }

    /// - Parameter anchored: the pattern only matches at the start offset it is given. Compiled
    ///   in, because JIT code serves only the anchoring it was compiled for.
    public init(_ source: String, caseInsensitive: Bool = false, anchored: Bool = false) throws(CompileError) {
        self.source = source
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        var options: UInt32 = caseInsensitive ? UInt32(PCRE2_CASELESS) : 0
        if anchored { options |= lg_pcre2_anchored() }
        let compiled: OpaquePointer? = source.utf8CString.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: buf.count) { ptr in
                pcre2_compile_8(ptr, buf.count - 1, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            var message = [UInt8](repeating: 0, count: 256)
            let length = pcre2_get_error_message_8(errorCode, &message, 256)
            let text = length > 0 ? String(decoding: message[0..<Int(length)], as: UTF8.self) : "error \(errorCode)"
            throw CompileError(message: text, offset: errorOffset)
        }
        code = compiled
        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, lg_pcre2_info_capturecount(), &count)
        captureCount = Int(count)
    }

    deinit { pcre2_code_free_8(code) }

    /// JIT-compiles the pattern once, whichever thread asks first; the others wait for it.
    @inline(__always)
    func prepare() {
        if !jitDone.load(ordering: .acquiring) { compileJIT() }
    }

    private func compileJIT() {
        jitLock.withLock { succeeded in
            guard !jitDone.load(ordering: .relaxed) else { return }
            succeeded = pcre2_jit_compile_8(code, lg_pcre2_jit_complete()) == 0
            jitDone.store(true, ordering: .releasing)
        }
    }

    public enum MatchOutcome {
        case match
        case noMatch
        /// The match or heap limit was reached: the pattern backtracked too much on this subject.
        case limitExceeded
        case error(Int32)
    }

    /// Searches `subject[start..<subject.count]`. Lookbehind may look before `start`; nothing past
    /// `subject.count` is read, so passing a slice that ends at a line end keeps matches in the line.
    @inline(__always)
    func match(_ subject: UnsafePointer<UInt8>, length: Int, start: Int, options: UInt32 = 0,
               scratch: MatchScratch) -> MatchOutcome {
        prepare()
        let rc = pcre2_match_8(code, subject, length, start, options, scratch.matchData, scratch.context)
        // rc is one more than the highest group set (0: the ovector was too small, all pairs set).
        scratch.setPairs = rc == 0 ? Int(MatchScratch.maxPairs) : Int(max(rc, 0))
        if rc >= 0 { return .match }
        if rc == lg_pcre2_error_nomatch() { return .noMatch }
        if rc == lg_pcre2_error_matchlimit() || rc == lg_pcre2_error_heaplimit()
            || rc == lg_pcre2_error_depthlimit() || rc == lg_pcre2_error_jit_stacklimit() {
            return .limitExceeded
        }
        return .error(rc)
    }

    /// Convenience for cold paths (config validation, tests): does `text` match anywhere?
    public func matches(_ text: String, scratch: MatchScratch? = nil) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { matches($0, scratch: scratch ?? MatchScratch()) }
    }

    /// Does the pattern match anywhere in `bytes` (which may be empty)?
    func matches(_ bytes: UnsafeBufferPointer<UInt8>, scratch: MatchScratch) -> Bool {
        var empty: UInt8 = 0
        // PCRE2 needs a valid pointer even for an empty subject.
        let outcome = bytes.baseAddress.map { match($0, length: bytes.count, start: 0, scratch: scratch) }
            ?? withUnsafePointer(to: &empty) { match($0, length: 0, start: 0, scratch: scratch) }
        if case .match = outcome { return true }
        return false
    }
}

/// Per-worker PCRE2 state, allocated once and reused for every match the worker makes.
public final class MatchScratch {
    /// Enough ovector pairs for any pattern we compile; patterns with more groups still match,
    /// only their higher groups are not reported.
    static let maxPairs: UInt32 = 64
    let matchData: OpaquePointer
    let context: OpaquePointer
    let jitStack: OpaquePointer?
    let ovector: UnsafeMutablePointer<Int>
    /// How many ovector pairs the last match set; higher pairs hold stale data.
    var setPairs = 0

    /// - Parameter matchLimit: PCRE2's backtracking budget per match attempt. The default is far
    ///   above what any sane secret pattern needs and low enough that a runaway pattern on a hostile
    ///   line returns in well under a second.
    public init(matchLimit: UInt32 = 2_000_000) {
        matchData = pcre2_match_data_create_8(Self.maxPairs, nil)
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, 10_000)
        pcre2_set_heap_limit_8(context, 64 * 1024) // KiB
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
        ovector = pcre2_get_ovector_pointer_8(matchData)
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// Byte range of capture group `group` of the last successful match, or nil when unset.
    @inline(__always)
    func range(_ group: Int) -> Range<Int>? {
        guard group < setPairs else { return nil }
        let lower = ovector[2 * group], upper = ovector[2 * group + 1]
        if lower == lg_pcre2_unset() || upper < lower { return nil }
        return lower..<upper
    }
}
