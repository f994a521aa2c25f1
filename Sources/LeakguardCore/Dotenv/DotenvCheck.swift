import LeakguardBase
import GitIgnore
#if canImport(Glibc)
import Glibc
#endif

/// The `.env` hygiene check: a `.env` file that git would commit, has committed, or is one
/// `git add .` away from committing. It judges ignores with the scanner's own gitignore engine,
/// so it agrees with git.
public enum DotenvCheck {
    public static let notIgnored = "dotenv-not-ignored"
    public static let tracked = "dotenv-tracked"
    public static let gitignoreMissing = "dotenv-gitignore-missing"

    public static let rules: [RuleMetadata] = [
        RuleMetadata(id: notIgnored, category: .dotenv, severity: .error,
                     description: "A .env file exists, is not tracked, and git would not ignore it"),
        RuleMetadata(id: tracked, category: .dotenv, severity: .error,
                     description: "A .env file is tracked, staged or committed"),
        RuleMetadata(id: gitignoreMissing, category: .dotenv, severity: .warning,
                     description: "The project uses a .env file but git would not ignore one at the root"),
    ]

    /// `.env` or `.env.<anything>`, but not a template.
    public static func isDotenvName(_ path: String) -> Bool {
        // Called for every walked file: look at the bytes of the last component only.
        let utf8 = path.utf8
        let start = utf8.lastIndex(of: UInt8(ascii: "/")).map { utf8.index(after: $0) } ?? utf8.startIndex
        let name = utf8[start...]
        guard name.starts(with: ".env".utf8) else { return false }
        let rest = name.dropFirst(4)
        guard rest.isEmpty || rest.first == UInt8(ascii: ".") else { return false }
        return !isTemplateName(String(decoding: name, as: UTF8.self))
    }

    /// `.env.example`, `.env.sample`, … and anything ending in `.example`/`.sample`/`.template`.
    public static func isTemplateName(_ path: String) -> Bool {
        let name = basename(path).lowercased()
        for suffix in [".example", ".sample", ".template", ".dist", ".defaults"] where name.hasSuffix(suffix) { return true }
        return false
    }

    /// Findings for the `.env` files found by a tree walk. `files` are paths relative to the
    /// scan root; `stack` answers ignore and index questions relative to its root.
    public static func checkTree(files: [String], scanRoot: String, stack: IgnoreStack, settings: DotenvSettings,
                                 probes: [DotenvUsage] = []) -> [Finding] {
        var findings: [Finding] = []
        let inRepo = stack.isGitRepository
        let prefix = stack.relativePath(forAbsolutePath: scanRoot) ?? ""
        for path in files where isDotenvName(path) {
            let repoPath = prefix.isEmpty ? path : prefix + "/" + path
            if inRepo && stack.isTracked(repoPath) {
                findings.append(trackedFinding(path: path, displayCommand: repoPath, staged: false))
                continue
            }
            if let decision = stack.explain(repoPath, isDirectory: false), decision.isIgnored { continue }
            findings.append(notIgnoredFinding(path: path, repoPath: repoPath, stack: stack))
        }
        if !files.contains(where: { $0.hasPrefix(".env") && !$0.contains("/") && isDotenvName($0) }),
           !stack.isIgnored(prefix.isEmpty ? ".env" : prefix + "/.env", isDirectory: false),
           let evidence = usageEvidence(files: files, probes: probes) {
            let target = gitignoreTarget(for: prefix.isEmpty ? ".env" : prefix + "/.env", stack: stack)
            findings.append(Finding(
                ruleID: gitignoreMissing, category: .dotenv, severity: .warning,
                message: "This project uses a .env file (\(evidence.reason)) but git would not ignore one: the first `git add .` would commit it. Add `.env` to \(target).",
                path: evidence.path, line: evidence.line, column: 1, endLine: evidence.line, endColumn: 1,
                lineText: evidence.lineText, help: "echo '.env' >> \(target)   (or run leakguard scan --fix)"))
        }
        return apply(settings, to: findings)
    }

    /// A staged or committed `.env` (used by the staged and history scans).
    public static func trackedFinding(path: String, displayCommand: String, staged: Bool, commit: CommitInfo? = nil) -> Finding {
        let message: String
        if let commit {
            message = "\(path) was committed in \(commit.commit.prefix(12)): its keys are in the repository's history and must be rotated, even if a later commit deleted the file."
        } else if staged {
            message = "\(path) is staged: committing it puts its keys into history. Unstage it with `git restore --staged \(displayCommand)` (or `git rm --cached \(displayCommand)`) and add it to .gitignore."
        } else {
            message = "\(path) is tracked by git, so ignoring it now does not help. Run `git rm --cached \(displayCommand)`, add it to .gitignore, and rotate the keys in it: they are in history."
        }
        return Finding(ruleID: tracked, category: .dotenv, severity: .error, message: message, path: path,
                       line: 1, column: 1, endLine: 1, endColumn: 1, commit: commit,
                       help: "git rm --cached \(shellQuote(displayCommand)) && echo '\(basename(path))' >> .gitignore")
    }

    static func notIgnoredFinding(path: String, repoPath: String, stack: IgnoreStack) -> Finding {
        let target = gitignoreTarget(for: repoPath, stack: stack)
        let line = basename(path) == ".env" ? ".env" : ".env.*"
        var message = "\(path) is not ignored by git: the next `git add .` would commit it."
        if let decision = stack.explain(repoPath, isDirectory: false), decision.isNegated {
            message += " It is re-included by `\(decision.pattern)` (\(decision.sourcePath):\(decision.lineNumber))."
        }
        message += " Add `\(line)` to \(target)."
        if !stack.isGitRepository { message += " (Not in a git repository: judged by the .gitignore files alone.)" }
        return Finding(ruleID: notIgnored, category: .dotenv, severity: .error, message: message, path: path,
                       line: 1, column: 1, endLine: 1, endColumn: 1,
                       help: "echo '\(line)' >> \(target)   (or run leakguard scan --fix)")
    }

    /// The `.gitignore` a fix belongs in: the one whose negation re-includes the file, else the
    /// root's.
    static func gitignoreTarget(for repoPath: String, stack: IgnoreStack) -> String {
        if let decision = stack.explain(repoPath, isDirectory: false), decision.isNegated,
           decision.source == .perDirectory {
            return decision.baseDirectory.isEmpty ? ".gitignore" : decision.baseDirectory + "/.gitignore"
        }
        return ".gitignore"
    }

    struct Evidence { var path: String; var line: Int; var reason: String; var lineText: String }

    /// Signs that the project loads a `.env`: a template at the root, or (found by
    /// `DotenvUsageProbe` during the content pass, so no file is read twice) python-dotenv in the
    /// dependencies or Python code calling load_dotenv/dotenv_values/find_dotenv.
    static func usageEvidence(files: [String], probes: [DotenvUsage]) -> Evidence? {
        if let template = files.first(where: { $0.hasPrefix(".env") && !$0.contains("/") && isTemplateName($0) }) {
            return Evidence(path: template, line: 1, reason: "\(template) is a template for it", lineText: "")
        }
        if let probe = probes.min(by: { ($0.path.count, $0.path) < ($1.path.count, $1.path) }) {
            return Evidence(path: probe.path, line: probe.line, reason: probe.reason, lineText: probe.lineText)
        }
        return nil
    }

    static func findLine(_ path: String, containing needles: [String]) -> (Int, String)? {
        guard let bytes = readFileBytes(path), bytes.count < 4 << 20 else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard needles.contains(where: { text.contains($0) }) else { return nil }
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("#") { continue }
            if needles.contains(where: { line.contains($0) }) { return (i + 1, String(line).trimmingLineBreak()) }
        }
        return nil
    }

    static func apply(_ settings: DotenvSettings, to findings: [Finding]) -> [Finding] {
        findings.compactMap { f in
            if !settings.enabled || settings.disabledRules.contains(f.ruleID) { return nil }
            var f = f
            if let s = settings.severity[f.ruleID] { f.severity = s }
            return f
        }
    }
}

/// The last path component. Called per walked file, so no split into an array.
func basename(_ path: String) -> String {
    guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
    return String(path[path.index(after: slash)...])
}

func shellQuote(_ s: String) -> String {
    if s.allSatisfy({ $0.isLetter || $0.isNumber || "._-/".contains($0) }) { return s }
    return "'" + s.replacingAll("'", with: "'\\''") + "'"
}

/// Notes, during the content pass, files that show the project loads a `.env`. Its findings are
/// evidence for `dotenv-gitignore-missing`, never reported themselves.
public struct DotenvUsageProbe: ContentCheck {
    static let dependencyFiles: Set<String> = ["requirements.txt", "requirements-dev.txt", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg", "environment.yml"]
    static let callNeedles: [[UInt8]] = ["load_dotenv(", "dotenv_values(", "find_dotenv("].map { Array($0.utf8) }
    static let dependencyNeedle = Array("python-dotenv".utf8)
    static let dotenv = Array("dotenv".utf8)

    /// Where "dotenv" sits among the detector's extra keywords, when the detector looks for it.
    var triggerOffset: Int?

    public init() {}

    public func wants(path: String) -> Bool {
        path.hasSuffix(".py") || Self.dependencyFiles.contains(basename(path))
    }

    public func check(_ fragment: Fragment, scratch: DetectorScratch) -> FragmentResult {
        var out = FragmentResult()
        // The common case: no mention of dotenv at all (known from the keyword pass if it ran).
        if let offset = triggerOffset, let seen = scratch.extraKeywordsSeen(for: fragment.bytes) {
            guard seen[offset] else { return out }
        } else {
            guard contains(fragment.bytes, Self.dotenv) else { return out }
        }
        let isPython = fragment.path.hasSuffix(".py")
        let needles = isPython ? Self.callNeedles : [Self.dependencyNeedle]
        var lines = LineIndex(fragment.bytes)
        let base = fragment.bytes.baseAddress!
        for needle in needles {
            guard let offset = byteOffset(of: needle, in: fragment.bytes) else { continue }
            let (line, _) = lines.position(of: offset)
            let range = lines.lineRange(containing: offset)
            let text = String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
            if text.trimmed().hasPrefix("#") { continue }
            out.facts.append(.dotenvUsage(DotenvUsage(path: fragment.path, line: line,
                                                      reason: isPython ? "\(fragment.path) loads it" : "python-dotenv is a dependency",
                                                      lineText: text)))
            break
        }
        return out
    }
}
