/// Git's `wildmatch`: shell-style glob matching on bytes, with git's rules for `**`.
///
/// Written to behave exactly like git's matcher, including its corner cases (an unterminated
/// `[` aborts the match, a trailing `\` never matches, `[:class:]` names are ASCII only), because
/// a scanner that disagrees with git about what is ignored either scans build output or misses
/// files that will be committed.
enum Wildmatch {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt8
        /// `*` and `?` do not match `/`; `**` between slashes matches any number of directories.
        static let pathname = Flags(rawValue: 1)
        /// ASCII case-insensitive (only used for `includeIf "gitdir/i:"`).
        static let caseFold = Flags(rawValue: 2)
    }

    private enum Outcome {
        case match, noMatch, abortAll, abortToStarStar
        /// The call budget ran out; the match is redone with `Search.memo`.
        case gaveUp
    }

    /// Bounds the work on hostile patterns: git's algorithm backtracks exponentially on patterns
    /// such as `**/**/**/…/x` against deep paths (a `.gitignore` in a scanned repository could hang
    /// the scan). Matching from pattern offset p and text offset t has one outcome whatever led
    /// there, so past the budget the match is redone remembering each (p, t): the same answers in
    /// polynomial time, and no allocation for ordinary patterns.
    private struct Search {
        var callsLeft = 10_000
        var memo: [Int: Outcome]?
    }

    static func matches(_ pattern: [UInt8], _ text: [UInt8], flags: Flags) -> Bool {
        pattern.withUnsafeBufferPointer { p in
            text.withUnsafeBufferPointer { t in matches(p, t, flags: flags) }
        }
    }

    @inline(__always)
    static func matches(_ pattern: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>, flags: Flags) -> Bool {
        var search = Search()
        var outcome = run(pattern, 0, text, 0, flags, &search)
        if outcome == .gaveUp {
            search.memo = [:]
            outcome = run(pattern, 0, text, 0, flags, &search)
        }
        return outcome == .match
    }

    /// Reads a byte, treating the end of the buffer as the C string terminator.
    @inline(__always)
    private static func at(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> UInt8 {
        index < buffer.count ? buffer[index] : 0
    }

    @inline(__always)
    private static func isGlobSpecial(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "*") || c == UInt8(ascii: "?") || c == UInt8(ascii: "[") || c == UInt8(ascii: "\\")
    }

    @inline(__always)
    private static func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
    @inline(__always)
    private static func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    @inline(__always)
    private static func lowered(_ c: UInt8) -> UInt8 { isUpper(c) ? c | 0x20 : c }

    private static func run(
        _ pat: UnsafeBufferPointer<UInt8>, _ patternStart: Int,
        _ txt: UnsafeBufferPointer<UInt8>, _ textStart: Int,
        _ flags: Flags, _ search: inout Search
    ) -> Outcome {
        if search.memo != nil {
            let key = patternStart &* (txt.count &+ 1) &+ textStart
            if let known = search.memo![key] { return known }
            let outcome = step(pat, patternStart, txt, textStart, flags, &search)
            search.memo![key] = outcome
            return outcome
        }
        search.callsLeft -= 1
        if search.callsLeft < 0 { return .gaveUp }
        return step(pat, patternStart, txt, textStart, flags, &search)
    }

    private static func step(
        _ pat: UnsafeBufferPointer<UInt8>, _ patternStart: Int,
        _ txt: UnsafeBufferPointer<UInt8>, _ textStart: Int,
        _ flags: Flags, _ search: inout Search
    ) -> Outcome {
        let pathname = flags.contains(.pathname)
        let caseFold = flags.contains(.caseFold)
        var p = patternStart
        var t = textStart
        while true {
            var pCh = at(pat, p)
            if pCh == 0 { break }
            var tCh = at(txt, t)
            if tCh == 0 && pCh != UInt8(ascii: "*") { return .abortAll }
            if caseFold {
                tCh = lowered(tCh)
                pCh = lowered(pCh)
            }
            switch pCh {
            case UInt8(ascii: "\\"):
                // The escaped byte is compared as is; a trailing backslash compares against
                // the terminator and therefore never matches.
                p += 1
                if tCh != at(pat, p) { return .noMatch }
            case UInt8(ascii: "?"):
                if pathname && tCh == UInt8(ascii: "/") { return .noMatch }
            case UInt8(ascii: "*"):
                let matchSlash: Bool
                p += 1
                if at(pat, p) == UInt8(ascii: "*") {
                    let previous = p - 2
                    p += 1
                    while at(pat, p) == UInt8(ascii: "*") { p += 1 }
                    let next = at(pat, p)
                    if !pathname {
                        matchSlash = true
                    } else if (previous < patternStart || pat[previous] == UInt8(ascii: "/"))
                        && (next == 0 || next == UInt8(ascii: "/")
                            || (next == UInt8(ascii: "\\") && at(pat, p + 1) == UInt8(ascii: "/")))
                    {
                        // "foo/**/bar" also matches "foo/bar": try the rest with zero directories.
                        if next == UInt8(ascii: "/") {
                            let outcome = run(pat, p + 1, txt, t, flags, &search)
                            if outcome == .match || outcome == .gaveUp { return outcome }
                        }
                        matchSlash = true
                    } else {
                        matchSlash = false
                    }
                } else {
                    matchSlash = !pathname
                }
                let next = at(pat, p)
                if next == 0 {
                    if !matchSlash {
                        var i = t
                        while i < txt.count {
                            if txt[i] == UInt8(ascii: "/") { return .noMatch }
                            i += 1
                        }
                    }
                    return .match
                } else if !matchSlash && next == UInt8(ascii: "/") {
                    // A single star followed by a slash consumes exactly one directory name.
                    var i = t
                    while i < txt.count && txt[i] != UInt8(ascii: "/") { i += 1 }
                    if i >= txt.count { return .noMatch }
                    t = i
                    break
                }
                while true {
                    if tCh == 0 { break }
                    let literal = at(pat, p)
                    if !isGlobSpecial(literal) {
                        // Skip ahead to the next occurrence of the literal that follows the star.
                        let want = caseFold ? lowered(literal) : literal
                        while true {
                            tCh = at(txt, t)
                            if tCh == 0 || (!matchSlash && tCh == UInt8(ascii: "/")) { break }
                            if caseFold { tCh = lowered(tCh) }
                            if tCh == want { break }
                            t += 1
                        }
                        if tCh != want { return .noMatch }
                    }
                    let outcome = run(pat, p, txt, t, flags, &search)
                    if outcome == .gaveUp { return outcome }
                    if outcome != .noMatch {
                        if !matchSlash || outcome != .abortToStarStar { return outcome }
                    } else if !matchSlash && tCh == UInt8(ascii: "/") {
                        return .abortToStarStar
                    }
                    t += 1
                    tCh = at(txt, t)
                }
                return .abortAll
            case UInt8(ascii: "["):
                p += 1
                pCh = at(pat, p)
                if pCh == UInt8(ascii: "^") { pCh = UInt8(ascii: "!") }
                let negated = pCh == UInt8(ascii: "!")
                if negated {
                    p += 1
                    pCh = at(pat, p)
                }
                var previousCh: UInt8 = 0
                var matched = false
                // The first byte after "[" or "[!" is taken literally even if it is "]".
                while true {
                    if pCh == 0 { return .abortAll }
                    if pCh == UInt8(ascii: "\\") {
                        p += 1
                        pCh = at(pat, p)
                        if pCh == 0 { return .abortAll }
                        if tCh == pCh { matched = true }
                    } else if pCh == UInt8(ascii: "-") && previousCh != 0
                        && at(pat, p + 1) != 0 && at(pat, p + 1) != UInt8(ascii: "]")
                    {
                        p += 1
                        pCh = at(pat, p)
                        if pCh == UInt8(ascii: "\\") {
                            p += 1
                            pCh = at(pat, p)
                            if pCh == 0 { return .abortAll }
                        }
                        if tCh <= pCh && tCh >= previousCh {
                            matched = true
                        } else if caseFold && isLower(tCh) {
                            let upper = tCh & ~0x20
                            if upper <= pCh && upper >= previousCh { matched = true }
                        }
                        pCh = 0  // a range cannot be the start of another range
                    } else if pCh == UInt8(ascii: "[") && at(pat, p + 1) == UInt8(ascii: ":") {
                        p += 2
                        let nameStart = p
                        while at(pat, p) != 0 && at(pat, p) != UInt8(ascii: "]") { p += 1 }
                        pCh = at(pat, p)
                        if pCh == 0 { return .abortAll }
                        let nameLength = p - nameStart - 1
                        if nameLength < 0 || pat[p - 1] != UInt8(ascii: ":") {
                            // Not "[:name:]": the "[" is an ordinary member of the set.
                            p = nameStart - 2
                            pCh = UInt8(ascii: "[")
                            if tCh == pCh { matched = true }
                        } else {
                            let name = UnsafeBufferPointer(rebasing: pat[nameStart..<(nameStart + nameLength)])
                            guard let member = CharacterClass.test(name, tCh, caseFold: caseFold) else {
                                return .abortAll
                            }
                            if member { matched = true }
                            pCh = 0
                        }
                    } else if tCh == pCh {
                        matched = true
                    }
                    previousCh = pCh
                    p += 1
                    pCh = at(pat, p)
                    if pCh == UInt8(ascii: "]") { break }
                }
                if matched == negated || (pathname && tCh == UInt8(ascii: "/")) { return .noMatch }
            default:
                if tCh != pCh { return .noMatch }
            }
            p += 1
            t += 1
        }
        return t < txt.count ? .noMatch : .match
    }
}

/// The POSIX `[:name:]` classes as git defines them (ASCII only).
private enum CharacterClass {
    static func test(_ name: UnsafeBufferPointer<UInt8>, _ c: UInt8, caseFold: Bool) -> Bool? {
        let isDigit = c >= 0x30 && c <= 0x39
        let isUpper = c >= 0x41 && c <= 0x5A
        let isLower = c >= 0x61 && c <= 0x7A
        let isAlpha = isUpper || isLower
        switch String(decoding: name, as: UTF8.self) {
        case "alnum": return isAlpha || isDigit
        case "alpha": return isAlpha
        case "blank": return c == 0x20 || c == 0x09
        case "cntrl": return c < 0x20 || c == 0x7F
        case "digit": return isDigit
        case "graph": return c > 0x20 && c < 0x7F
        case "lower": return isLower
        case "print": return c >= 0x20 && c < 0x7F
        case "punct": return c > 0x20 && c < 0x7F && !isAlpha && !isDigit
        // git's own ctype: space, tab, LF and CR (not VT or FF).
        case "space": return c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
        case "upper": return isUpper || (caseFold && isLower)
        case "xdigit": return isDigit || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
        default: return nil
        }
    }
}
