/// The parts of a candidate finding an allowlist can look at.
struct AllowlistCandidate {
    var ruleID: String
    var path: String
    var secret: UnsafeBufferPointer<UInt8>
    var match: UnsafeBufferPointer<UInt8>
    var line: UnsafeBufferPointer<UInt8>
    var commit: String?
}

/// An `Allowlist` with its regexes compiled.
struct CompiledAllowlist {
    let condition: Allowlist.Condition
    let regexTarget: RegexTarget
    let regexes: [Pattern]
    let paths: [Pattern]
    /// Lower-cased; matched as substrings of the lower-cased secret.
    let stopwords: [[UInt8]]
    let commits: Set<String>
    let targetRules: Set<String>
    /// For an allowlist whose regexes look at the whole line: its slot in `LineAllowlistResults`,
    /// where the answer for the current line is kept (-1: not cached).
    var lineSlot = -1

    init(_ a: Allowlist, context: String, file: String) throws(ConfigError) {
        func compile(_ sources: [String], _ what: String) throws(ConfigError) -> [Pattern] {
            var out: [Pattern] = []
            for source in sources {
                do { out.append(try Pattern(source)) } catch {
                    throw ConfigError(file: file, message: "\(context): allowlist \(what) '\(source)' does not compile: \(error)")
                }
            }
            return out
        }
        condition = a.condition
        regexTarget = a.regexTarget
        regexes = try compile(a.regexes, "regex")
        paths = try compile(a.paths, "path")
        stopwords = a.stopwords.map { Array($0.utf8).map(asciiLower) }
        commits = Set(a.commits)
        targetRules = Set(a.targetRules)
    }

    /// True when only paths are listed and one matches: the whole file is allowed.
    func allowsWholePath(_ path: String, scratch: MatchScratch) -> Bool {
        guard !paths.isEmpty else { return false }
        if condition == .and && (!regexes.isEmpty || !stopwords.isEmpty || !commits.isEmpty) { return false }
        return paths.contains { $0.matches(path, scratch: scratch) }
    }

    /// - Parameter lineResults: answers of line-target regexes for the candidate's line; a line
    ///   has one answer per allowlist however many candidates it holds, and searching a long
    ///   line once per candidate would make the scan quadratic in its length.
    func allows(_ c: AllowlistCandidate, scratch: MatchScratch, lineResults: LineAllowlistResults? = nil) -> Bool {
        if !targetRules.isEmpty && !targetRules.contains(c.ruleID) { return false }
        var results: [Bool] = []
        if !commits.isEmpty { results.append(c.commit.map { commits.contains($0) } ?? false) }
        if !paths.isEmpty { results.append(paths.contains { $0.matches(c.path, scratch: scratch) }) }
        if !regexes.isEmpty {
            let target: UnsafeBufferPointer<UInt8>
            switch regexTarget {
            case .secret: target = c.secret
            case .match: target = c.match
            case .line: target = c.line
            }
            if regexTarget == .line, lineSlot >= 0, let lineResults {
                if lineResults.values[lineSlot] == 0 {
                    lineResults.values[lineSlot] = regexes.contains { $0.matches(target, scratch: scratch) } ? 2 : 1
                }
                results.append(lineResults.values[lineSlot] == 2)
            } else {
                results.append(regexes.contains { $0.matches(target, scratch: scratch) })
            }
        }
        if !stopwords.isEmpty {
            let lowered = c.secret.map(asciiLower)
            results.append(lowered.withUnsafeBufferPointer { buf in stopwords.contains { contains(buf, $0) } })
        }
        if results.isEmpty { return false }
        return condition == .and ? results.allSatisfy { $0 } : results.contains(true)
    }
}

/// What each line-target allowlist answered for one line (0: not asked yet, 1: no, 2: yes).
final class LineAllowlistResults {
    var values: [Int8] = []
    /// The line the values are for, in the fragment at `base`.
    var line = -1
    var base: UnsafePointer<UInt8>?

    /// Forgets the answers unless they are for this line.
    @inline(__always) func use(line: Int, base: UnsafePointer<UInt8>, slots: Int) {
        if line == self.line && base == self.base && values.count == slots { return }
        self.line = line; self.base = base
        if values.count != slots { values = Array(repeating: 0, count: slots) } else { for i in values.indices { values[i] = 0 } }
    }
}
