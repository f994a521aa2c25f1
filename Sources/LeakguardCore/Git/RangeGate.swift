import LeakguardBase
#if canImport(Glibc)
import Glibc
#endif

/// Gate integrity for CI ranges (`--range BASE..HEAD`, `--since-commit BASE`).
///
/// The files that configure the gate (`.leakguard.toml` / `.gitleaks.toml`, a `--config` or
/// `--baseline` inside the repository, `.gitleaksignore`) are read as they are in the range's
/// base commit, not from the checked-out head: otherwise a pull request could add an allowlist
/// of `'.*'` and pass the gate that judges it. A change to any of them inside the range is
/// reported as a `config-changed` finding, so the change itself gets a reviewer's eyes.
/// `--config-from head` opts out (a maintainer applying a reviewed change).
struct RangeGate {
    static let ruleID = "config-changed"
    static let rule = RuleMetadata(
        id: ruleID, category: .config, severity: .warning,
        description: "A file that configures the scan (config, baseline, .gitleaksignore) changed in the scanned range",
        tags: ["config", "gate"])

    /// Commit ids of the range's base and tip.
    let base: String
    let tip: String
    let directory: String
    let root: String

    /// The gate for `revisions`, or nil when the scan is not a range (a whole-history audit).
    static func resolve(_ revisions: GitRevisions, source: ScanRequest.ConfigSource, directory: String,
                        root: String) throws(ScanError) -> RangeGate? {
        guard source == .base else { return nil }
        var baseRevision: String?
        var tipRevision = "HEAD"
        for r in revisions.ranges {
            if let dots = r.range(of: "..") {
                var left = String(r[..<dots.lowerBound])
                var right = String(r[dots.upperBound...])
                if right.hasPrefix(".") { right.removeFirst() }  // A...B
                if left.isEmpty { left = "HEAD" }
                if baseRevision == nil { baseRevision = left }
                if !right.isEmpty { tipRevision = right }
            } else if r.hasPrefix("^") {
                if baseRevision == nil { baseRevision = String(r.dropFirst()) }
            } else {
                tipRevision = r
            }
        }
        if baseRevision == nil { baseRevision = revisions.sinceCommit }
        guard let baseRevision else { return nil }
        // Name the range as it was given: in CI it is built from variables the user never sees.
        let given = revisions.ranges.isEmpty ? "--since-commit \(revisions.sinceCommit ?? "")"
            : revisions.ranges.map { "--range \($0)" }.joined(separator: " ")
        guard let base = Git.tryLine(["rev-parse", "--verify", "-q", "--end-of-options", baseRevision + "^{commit}"], in: directory) else {
            throw ScanError("\(given): the base '\(baseRevision)' is not a commit in this repository (fetch it, or deepen a shallow clone with `git fetch --deepen=N`)")
        }
        guard let tip = Git.tryLine(["rev-parse", "--verify", "-q", "--end-of-options", tipRevision + "^{commit}"], in: directory) else {
            throw ScanError("\(given): the tip '\(tipRevision)' is not a commit in this repository")
        }
        return RangeGate(base: base, tip: tip, directory: directory, root: root)
    }

    /// `path` (absolute or relative to the current directory) as a repository path, when it
    /// lies inside the repository.
    func repositoryPath(_ path: String) -> String? {
        let top = resolvedPath(root)
        var full = path.hasPrefix("/") ? path : joinPath(currentDirectory(), path)
        full = resolvedPath(full)
        if full.hasPrefix(top + "/") { return String(full.dropFirst(top.count + 1)) }
        // A file that does not exist in the work tree cannot be resolved; compare lexically.
        let lexical = path.hasPrefix("/") ? path : joinPath(currentDirectory(), path)
        if lexical.hasPrefix(top + "/") { return String(lexical.dropFirst(top.count + 1)) }
        return nil
    }

    /// The base commit's copy of a repository file, or nil when it has none.
    func baseText(_ repositoryPath: String) -> String? {
        guard let bytes = try? Git.output(["cat-file", "blob", "\(base):\(repositoryPath)"], in: directory) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The configuration as the base commit has it; files outside the repository (a CI-owned
    /// `--config`) are read as they are.
    func configuration(explicitPath: String?) throws(ConfigError) -> Configuration {
        if let explicitPath {
            guard let repoPath = repositoryPath(explicitPath) else {
                return try ConfigLoader.load(explicitPath: explicitPath, root: root)
            }
            guard let text = baseText(repoPath) else {
                // New in this range: nothing at the base to trust; the built-in pack judges,
                // and the change is reported.
                return try ConfigLoader.builtIn()
            }
            return try ConfigLoader.loadText(text, path: joinPath(root, repoPath))
        }
        for name in ConfigLoader.defaultFileNames {
            if let text = baseText(name) { return try ConfigLoader.loadText(text, path: joinPath(root, name)) }
        }
        return try ConfigLoader.builtIn()
    }

    /// Baselines as the base commit has them (`--baseline` inside the repository and
    /// `.gitleaksignore`); a baseline outside the repository is read from disk.
    func baselines(explicit: String?) throws(ConfigError) -> [Baseline] {
        var out: [Baseline] = []
        if let explicit {
            if let repoPath = repositoryPath(explicit) {
                if let text = baseText(repoPath) { out.append(try Baseline.parse(text, file: explicit)) }
            } else {
                out.append(try Baseline.load(explicit))
            }
        }
        if let text = baseText(".gitleaksignore") { out.append(try Baseline.parse(text, file: ".gitleaksignore")) }
        return out
    }

    /// One finding per gate file that differs between base and tip.
    func changes(explicitConfig: String?, explicitBaseline: String?) throws(ScanError) -> [Finding] {
        var paths = ConfigLoader.defaultFileNames + [".gitleaksignore"]
        for p in [explicitConfig, explicitBaseline].compactMap({ $0 }) {
            if let r = repositoryPath(p), !paths.contains(r) { paths.append(r) }
        }
        let output = try Git.output(["diff", "--name-only", "-z", "--no-renames", base, tip, "--"] + paths, in: directory)
        return output.split(separator: 0).map { raw in
            let path = String(decoding: raw, as: UTF8.self)
            return Finding(
                ruleID: Self.ruleID, category: .config, severity: .warning,
                message: "\(path) changes in this range. The scan used the base commit's version, so a change here cannot loosen the gate that judges it; review it, and once it is merged it applies (a maintainer can apply it now with --config-from head).",
                path: path, line: 1, column: 1, endLine: 1, endColumn: 1,
                fingerprint: Finding.fingerprint(rule: Self.ruleID, path: path, content: base + ".." + tip))
        }
    }
}

func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(cString: buffer)
}
