/// The repository enclosing a directory, found the way git does it: walk up until a `.git`
/// directory, or a `.git` file holding `gitdir: <path>` (linked worktrees, submodules).
public struct GitRepository: Sendable, Equatable {
    /// Top of the work tree (symlinks resolved).
    public let workTreeRoot: String
    /// This work tree's git directory (`.git`, or `.git/worktrees/<name>` for a linked worktree).
    public let gitDirectory: String
    /// The directory shared by all worktrees: holds `config` and `info/exclude`.
    public let commonDirectory: String

    public init(workTreeRoot: String, gitDirectory: String, commonDirectory: String) {
        self.workTreeRoot = workTreeRoot
        self.gitDirectory = gitDirectory
        self.commonDirectory = commonDirectory
    }

    /// Finds the repository whose work tree contains `directory`, or nil. A directory inside a
    /// git directory (or a bare repository) has no work tree and yields nil.
    public static func discover(from directory: String) -> GitRepository? {
        let absolute = FileSystem.absolute(directory)
        var current = FileSystem.realPath(absolute) ?? absolute
        if !FileSystem.isDirectory(current) { current = FileSystem.parent(current) }
        while true {
            let dotGit = FileSystem.join(current, ".git")
            switch FileSystem.kind(dotGit) {
            case .directory where isGitDirectory(dotGit):
                return make(workTree: current, gitDirectory: dotGit)
            case .regular:
                if let target = readGitFile(dotGit), isGitDirectory(target) {
                    return make(workTree: current, gitDirectory: target)
                }
            default:
                break
            }
            if isGitDirectory(current) { return nil }
            if current == "/" { return nil }
            current = FileSystem.parent(current)
        }
    }

    private static func make(workTree: String, gitDirectory: String) -> GitRepository {
        let gitDirectory = FileSystem.realPath(gitDirectory) ?? gitDirectory
        var common = gitDirectory
        if let text = FileSystem.readText(FileSystem.join(gitDirectory, "commondir")) {
            let relative = text.trimmingTrailingNewlines()
            if !relative.isEmpty {
                let joined = FileSystem.join(gitDirectory, relative)
                common = FileSystem.realPath(joined) ?? joined
            }
        }
        return GitRepository(workTreeRoot: workTree, gitDirectory: gitDirectory, commonDirectory: common)
    }

    /// `gitdir: <path>` in a `.git` file; a relative path is relative to the file's directory.
    static func readGitFile(_ path: String) -> String? {
        guard let text = FileSystem.readText(path), text.hasPrefix("gitdir: ") else { return nil }
        let target = String(text.dropFirst("gitdir: ".count)).trimmingTrailingNewlines()
        if target.isEmpty { return nil }
        return FileSystem.join(FileSystem.parent(path), target)
    }

    /// Cheap version of git's `is_git_directory`: a HEAD, and objects and refs here or in the
    /// common directory.
    static func isGitDirectory(_ path: String) -> Bool {
        guard FileSystem.exists(FileSystem.join(path, "HEAD")) else { return false }
        if FileSystem.exists(FileSystem.join(path, "commondir")) { return true }
        return FileSystem.isDirectory(FileSystem.join(path, "objects"))
            && FileSystem.isDirectory(FileSystem.join(path, "refs"))
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var s = Substring(self)
        while let last = s.last, last == "\n" || last == "\r" || last == " " || last == "\t" || last == "\r\n" {
            s = s.dropLast()
        }
        return String(s)
    }
}
