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

    func allows(_ c: AllowlistCandidate, scratch: MatchScratch) -> Bool {
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
            results.append(regexes.contains { $0.matches(target, scratch: scratch) })
        }
        if !stopwords.isEmpty {
            let lowered = c.secret.map(asciiLower)
            results.append(lowered.withUnsafeBufferPointer { buf in stopwords.contains { contains(buf, $0) } })
        }
        if results.isEmpty { return false }
        return condition == .and ? results.allSatisfy { $0 } : results.contains(true)
    }
}
