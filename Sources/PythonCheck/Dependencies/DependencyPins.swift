import LeakguardBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A version of a package that a project's dependency files pin or constrain.
public struct DependencyPin: Sendable, Equatable {
    /// The version the analysis assumes: the pinned one, the lower bound of a compatible-release
    /// constraint (`^0.8.4`, `~=0.8`), or the upper bound of a `<` constraint.
    public var version: [Int]
    /// Written as in the file ("0.8.4", "<1").
    public var text: String
    /// True when only an upper bound is known: the assumed version lies just below `version`.
    public var isUpperBound: Bool
    /// The file it came from, as findings name files ("platform/poetry.lock").
    public var source: String

    /// Whether the assumed version lies below `limit`.
    func isBelow(_ limit: [Int]) -> Bool {
        let order = DependencyPin.compare(version, limit)
        return isUpperBound ? order <= 0 : order < 0
    }

    static func compare(_ a: [Int], _ b: [Int]) -> Int {
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// "1.2.3rc1" → [1, 2, 3]; nil when it does not start with a number.
    static func numbers(_ text: String) -> [Int]? {
        var parts: [Int] = []
        for piece in text.split(separator: ".", omittingEmptySubsequences: false) {
            let digits = piece.prefix { $0.isASCII && $0.isNumber }
            guard let value = Int(digits) else { break }
            parts.append(value)
            if digits.count < piece.count { break }
        }
        return parts.isEmpty ? nil : parts
    }
}

/// Reads the versions a project's dependency files name: requirements*.txt, pyproject.toml
/// (PEP 621 and Poetry), setup.cfg, uv.lock, poetry.lock, Pipfile.lock. Line-based on purpose:
/// only names and versions are needed, and a damaged file must not stop a scan.
public enum DependencyFiles {
    /// Whether a file name is one of the dependency files read.
    public static func isDependencyFile(_ name: String) -> Bool {
        lockFiles.contains(name) || name == "pyproject.toml" || name == "setup.cfg" || isRequirements(name)
    }

    static let lockFiles: Set<String> = ["uv.lock", "poetry.lock", "Pipfile.lock"]

    static func isRequirements(_ name: String) -> Bool {
        name.hasPrefix("requirements") && name.hasSuffix(".txt")
    }

    /// A package name as PyPI compares it: lower case, runs of `-_.` as one `-`.
    static func normalized(_ name: some StringProtocol) -> String {
        var out = ""
        var lastWasSeparator = false
        for ch in name.lowercased() {
            if ch == "-" || ch == "_" || ch == "." {
                if !lastWasSeparator { out.append("-") }
                lastWasSeparator = true
            } else {
                out.append(ch)
                lastWasSeparator = false
            }
        }
        return out
    }

    /// The pins of one file, by normalized package name.
    public static func pins(fileName: String, text: String, source: String) -> [String: DependencyPin] {
        var result: [String: DependencyPin] = [:]
        func add(_ name: String, _ constraint: String, _ exact: Bool) {
            let key = normalized(name.trimmingCharacters())
            guard !key.isEmpty, result[key] == nil,
                  let pin = pin(constraint, exact: exact, source: source) else { return }
            result[key] = pin
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        switch fileName {
        case "uv.lock", "poetry.lock":
            // [[package]] / name = "x" / version = "1.2.3"
            var name: Substring?
            for line in lines {
                let t = line.trimmingCharacters()
                if t.hasPrefix("[") { name = nil; if t == "[[package]]" { name = "" }; continue }
                guard name != nil else { continue }
                if let v = tomlString(t, key: "name") { name = Substring(v) }
                if let v = tomlString(t, key: "version"), let n = name, !n.isEmpty { add(String(n), v, true); name = nil }
            }
        case "Pipfile.lock":
            // "openai": {"hashes": [...], "version": "==0.28.1"}: the version follows the name.
            var name: String?
            for line in lines {
                let t = line.trimmingCharacters()
                if t.hasSuffix("{"), t.hasPrefix("\""), let end = t.dropFirst().firstIndex(of: "\"") {
                    name = String(t[t.index(after: t.startIndex)..<end])
                } else if let n = name, t.hasPrefix("\"version\""), let colon = t.firstIndex(of: ":") {
                    let value = t[t.index(after: colon)...].filter { $0 != "\"" && $0 != "," && $0 != " " }
                    add(n, String(value), false)
                    name = nil
                }
            }
        case "pyproject.toml":
            var section = ""
            var inArray = false
            for line in lines {
                let t = line.trimmingCharacters()
                if t.hasPrefix("[") && !inArray { section = t; continue }
                if section == "[project]" || section == "[project.optional-dependencies]" || section == "[dependency-groups]" {
                    // dependencies = ["openai>=1", ...], possibly over several lines.
                    if t.contains("= [") || t.hasSuffix("=[") { inArray = true }
                    if inArray {
                        for requirement in quotedStrings(t) { addRequirement(requirement, add) }
                        if t.hasSuffix("]") || t.contains("]") && !t.hasSuffix("[") { inArray = t.hasSuffix("[") }
                    }
                } else if section.hasPrefix("[tool.poetry") && section.hasSuffix("dependencies]") {
                    // openai = "^1.0" or openai = {version = "^1.0", extras = [...]}
                    guard let eq = t.firstIndex(of: "="), !t.hasPrefix("#") else { continue }
                    let name = t[..<eq].trimmingCharacters().filter { $0 != "\"" }
                    let value = t[t.index(after: eq)...].trimmingCharacters()
                    if value.hasPrefix("\"") {
                        if let v = quotedStrings(value).first { add(name, v, false) }
                    } else if let clause = value.filter({ $0 != "{" && $0 != "}" }).split(separator: ",").first(where: { $0.contains("version") }),
                              let v = tomlString(clause, key: "version") {
                        add(name, v, false)
                    }
                }
            }
        case "setup.cfg":
            var inRequires = false
            for line in lines {
                let t = line.trimmingCharacters()
                if t.hasPrefix("install_requires") { inRequires = true; if let eq = t.firstIndex(of: "=") { addRequirement(t[t.index(after: eq)...], add) }; continue }
                if inRequires {
                    if !line.hasPrefix(" ") && !line.hasPrefix("\t") && !t.isEmpty { inRequires = false; continue }
                    addRequirement(t, add)
                }
            }
        default:
            if isRequirements(fileName) { for line in lines { addRequirement(line, add) } }
        }
        return result
    }

    /// A PEP 508 requirement: `openai[extra]==0.28.1 ; python_version > "3"`.
    private static func addRequirement(_ line: some StringProtocol, _ add: (String, String, Bool) -> Void) {
        var t = Substring(line)
        if let hash = t.firstIndex(of: "#") { t = t[..<hash] }
        if let semi = t.firstIndex(of: ";") { t = t[..<semi] }
        t = Substring(t.trimmingCharacters())
        guard let first = t.first, first.isLetter || first.isNumber else { return }
        let nameEnd = t.firstIndex { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") } ?? t.endIndex
        var rest = t[nameEnd...]
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: close)...] }
        let constraint = rest.filter { $0 != " " && $0 != "(" && $0 != ")" }
        add(String(t[..<nameEnd]), constraint, false)
    }

    /// The assumed version of a constraint ("==1.2.3", "^0.8.4", ">=0.2,<1", "1.2.3" in a lock).
    static func pin(_ constraint: String, exact: Bool, source: String) -> DependencyPin? {
        if exact || constraint.first.map({ $0.isNumber }) == true {
            return DependencyPin.numbers(constraint).map { DependencyPin(version: $0, text: constraint, isUpperBound: false, source: source) }
        }
        var lower: [Int]?
        var upper: [Int]?
        var upperInclusive = false
        for clause in constraint.split(separator: ",") {
            let op = clause.prefix { "<>=!~^*".contains($0) }
            let version = DependencyPin.numbers(String(clause.dropFirst(op.count)))
            switch op {
            case "==", "===": return version.map { DependencyPin(version: $0, text: String(clause.dropFirst(op.count)), isUpperBound: false, source: source) }
            case "^", "~", "~=": lower = version
            case "<": upper = version
            case "<=": upper = version; upperInclusive = true
            default: break
            }
        }
        if let upper {
            return DependencyPin(version: upper, text: constraint, isUpperBound: !upperInclusive, source: source)
        }
        if let lower { return DependencyPin(version: lower, text: constraint, isUpperBound: false, source: source) }
        return nil
    }

    private static func tomlString(_ line: some StringProtocol, key: String) -> String? {
        let t = line.trimmingCharacters()
        guard t.hasPrefix(key), let eq = t.firstIndex(of: "=") else { return nil }
        guard t[t.startIndex..<eq].trimmingCharacters() == key else { return nil }
        return quotedStrings(t[t.index(after: eq)...]).first
    }

    private static func quotedStrings(_ text: some StringProtocol) -> [String] {
        var out: [String] = []
        var current: String?
        var quote: Character = "\""
        for ch in text {
            if var c = current {
                if ch == quote { out.append(c); current = nil } else { c.append(ch); current = c }
            } else if ch == "\"" || ch == "'" {
                quote = ch
                current = ""
            } else if ch == "#" {
                break
            }
        }
        return out
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}

/// Finds the pins that apply to a file of a scan: for each package, the nearest dependency file
/// at or above the file's directory (up to the scan root) that names it. Directories are read
/// once and shared between threads.
public final class DependencyPinResolver: Sendable {
    private struct Root {
        /// What findings' paths under this root start with.
        var prefix: String
        var directory: String
        var isFile: Bool
    }
    private let roots: [Root]
    private let cache = Locked<[String: [String: DependencyPin]]>([:])

    /// `roots` are the scanned paths; with more than one, findings' paths start with the root
    /// followed by `/` (a file root is the finding's path itself).
    public init(roots: [String]) {
        var list: [Root] = []
        for root in roots {
            let isFile = DependencyPinResolver.isFile(root)
            let prefix = isFile ? (roots.count > 1 ? root : "") : roots.count > 1 ? (root.hasSuffix("/") ? root : root + "/") : ""
            list.append(Root(prefix: prefix, directory: root, isFile: isFile))
        }
        self.roots = list.sorted { $0.prefix.count > $1.prefix.count }
    }

    /// The pins that apply to the file findings call `path`.
    public func pins(forFile path: String) -> [String: DependencyPin] {
        guard let root = roots.first(where: { $0.isFile ? path == $0.prefix || $0.prefix.isEmpty : path.hasPrefix($0.prefix) }) else { return [:] }
        var result: [String: DependencyPin] = [:]
        func merge(_ pins: [String: DependencyPin]) {
            for (name, pin) in pins where result[name] == nil { result[name] = pin }
        }
        if root.isFile {
            // A file named on the command line (a pre-commit hook): look in its directory and
            // above, up to the repository's top (the directory holding .git).
            guard var directory = realPath(DependencyPinResolver.parent(of: root.directory)) else { return [:] }
            for _ in 0..<64 {
                merge(pins(inDirectory: directory, display: directory + "/"))
                if access(directory + "/.git", F_OK) == 0 || directory == "/" { break }
                directory = DependencyPinResolver.parent(of: directory)
            }
            return result
        }
        // A file under a scanned directory: its directory and those above it, up to the root.
        var parts = path.dropFirst(root.prefix.count).split(separator: "/").dropLast().map(String.init)
        while true {
            let sub = parts.joined(separator: "/")
            merge(pins(inDirectory: sub.isEmpty ? root.directory : root.directory + "/" + sub,
                       display: root.prefix + (sub.isEmpty ? "" : sub + "/")))
            if parts.isEmpty { break }
            parts.removeLast()
        }
        return result
    }

    /// The pins of the dependency files in one directory; `display` is how findings name it.
    private func pins(inDirectory directory: String, display: String) -> [String: DependencyPin] {
        if let known = cache.withLock({ $0[directory] }) { return known }
        var merged: [String: DependencyPin] = [:]
        // Locks first: they say what is installed; then requirements files; then declarations.
        let names = listing(directory).filter(DependencyFiles.isDependencyFile).sorted { rank($0) < rank($1) || rank($0) == rank($1) && $0 < $1 }
        for name in names {
            guard let text = readSmallFile(directory + "/" + name) else { continue }
            for (package, pin) in DependencyFiles.pins(fileName: name, text: text, source: display + name) where merged[package] == nil {
                merged[package] = pin
            }
        }
        cache.withLock { $0[directory] = merged }
        return merged
    }

    private func rank(_ name: String) -> Int {
        if DependencyFiles.lockFiles.contains(name) { return 0 }
        if DependencyFiles.isRequirements(name) { return name == "requirements.txt" ? 1 : 2 }
        return 3
    }

    private static func isFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private func listing(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// A dependency file's text (lock files can be large, but not larger than 32 MiB); never
    /// blocks on a FIFO or device named like one.
    private func readSmallFile(_ path: String) -> String? {
        guard case .success(let bytes) = readRegularFile(path, maxBytes: 32 << 20) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
