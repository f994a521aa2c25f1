import LeakguardBase
import GitIgnore
#if canImport(Glibc)
import Glibc
#endif

/// `leakguard scan --fix` for the two ignore problems: appends `.env` (and `.env.*` with
/// exceptions for templates) to the right `.gitignore`. It never deletes, untracks or rewrites
/// history; for tracked files it only says what to run.
public enum DotenvFix {
    public struct Change: Sendable, CustomStringConvertible {
        public var file: String
        public var added: [String]
        public var created: Bool
        public var description: String {
            "\(created ? "created" : "updated") \(file): added \(added.map { "`\($0)`" }.joined(separator: ", "))"
        }
    }

    /// Applies the fixes for `findings` (from `DotenvCheck.checkTree`) below `scanRoot`.
    public static func apply(findings: [Finding], files: [String], scanRoot: String, stack: IgnoreStack) throws(ScanError) -> [Change] {
        let prefix = stack.relativePath(forAbsolutePath: scanRoot) ?? ""
        // Lines wanted, per .gitignore (relative to the ignore root).
        var wanted: [String: [String]] = [:]
        func want(_ target: String, _ line: String) {
            if !(wanted[target]?.contains(line) ?? false) { wanted[target, default: []].append(line) }
        }
        for f in findings where f.ruleID == DotenvCheck.notIgnored || f.ruleID == DotenvCheck.gitignoreMissing {
            let path = f.ruleID == DotenvCheck.gitignoreMissing ? ".env" : f.path
            let repoPath = prefix.isEmpty ? path : prefix + "/" + path
            let target = DotenvCheck.gitignoreTarget(for: repoPath, stack: stack)
            if basename(path) == ".env" {
                want(target, ".env")
            } else {
                want(target, ".env.*")
                // Templates next to it must stay committable.
                let dir = target == ".gitignore" ? "" : String(target.dropLast("/.gitignore".count))
                for t in files where DotenvCheck.isTemplateName(t) && basename(t).hasPrefix(".env.") {
                    let repoT = prefix.isEmpty ? t : prefix + "/" + t
                    if dir.isEmpty || repoT.hasPrefix(dir + "/") { want(target, "!" + basename(t)) }
                }
            }
        }
        var changes: [Change] = []
        for (target, lines) in wanted.sorted(by: { $0.key < $1.key }) {
            let path = joinPath(stack.rootPath, target)
            // Never write through a symlink: git itself refuses a symlinked .gitignore, and
            // replacing the link would copy its target (any file) into the repository.
            var lst = stat()
            if lstat(path, &lst) == 0 {
                if (lst.st_mode & S_IFMT) == S_IFLNK {
                    throw ScanError("--fix: \(target) is a symbolic link (git does not read it, and leakguard will not write through it). Replace it with a regular file, e.g. `rm \(target)` and run --fix again, or add these lines yourself: \(lines.joined(separator: ", "))")
                }
                if (lst.st_mode & S_IFMT) != S_IFREG {
                    throw ScanError("--fix: \(target) is not a regular file (\(fileKindName(lst.st_mode))); add these lines to a real .gitignore yourself: \(lines.joined(separator: ", "))")
                }
            }
            let existing: [UInt8]?
            switch readRegularFile(path, followSymlinks: false) {
            case .success(let bytes): existing = bytes
            case .failure(let error):
                if lstat(path, &lst) == 0 { throw ScanError("--fix: cannot read \(target): \(error)") }
                existing = nil
            }
            let text = existing.map { String(decoding: $0, as: UTF8.self) } ?? ""
            let present = Set(text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { String($0).trimmingLineBreak().trimmed() })
            let missing = lines.filter { !present.contains($0) }
            if missing.isEmpty { continue }
            let newline = text.contains("\r\n") ? "\r\n" : "\n"
            var out = text
            // Byte test: in Swift "\r\n" is one Character, so hasSuffix("\n") misses a CRLF ending.
            if !out.isEmpty && out.utf8.last != 10 { out += newline }
            if !out.isEmpty { out += newline }
            out += "# Local environment files hold secrets (added by leakguard --fix)" + newline
            for line in missing { out += line + newline }
            var mode: mode_t = 0o644
            var st = stat()
            if stat(path, &st) == 0 { mode = st.st_mode & 0o7777 }
            guard writeFileAtomically(path, Array(out.utf8), mode: mode) else {
                throw ScanError("--fix: cannot write \(path): \(errnoDescription())")
            }
            changes.append(Change(file: target, added: missing, created: existing == nil))
        }
        return changes
    }
}
