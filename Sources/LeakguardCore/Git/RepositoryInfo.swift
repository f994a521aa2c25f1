extension RepositoryInfo {
    /// The repository at `directory` as code scanning names it; nil outside a work tree or
    /// before the first commit.
    public static func read(_ directory: String) -> RepositoryInfo? {
        guard let revision = Git.tryLine(["rev-parse", "--verify", "-q", "HEAD"], in: directory), !revision.isEmpty,
              let top = Git.tryLine(["rev-parse", "--show-toplevel"], in: directory), !top.isEmpty else { return nil }
        var uri = withoutUserInfo(Git.tryLine(["remote", "get-url", "origin"], in: directory) ?? "")
        if uri.isEmpty { uri = "file://" + top }
        let branch = Git.tryLine(["symbolic-ref", "-q", "--short", "HEAD"], in: directory)
        return RepositoryInfo(uri: uri, revision: revision, branch: branch.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// A shallow clone lacks the older history a `--git` scan means to read.
    public static func isShallow(_ directory: String) -> Bool {
        Git.tryLine(["rev-parse", "--is-shallow-repository"], in: directory) == "true"
    }

    /// `https://user:token@host/x` → `https://host/x`: a remote URL can carry a credential, and
    /// a report must not.
    static func withoutUserInfo(_ url: String) -> String {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // "https:", "", "user:token@host", "path…"
        guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty,
              let at = parts[2].lastIndex(of: "@") else { return url }
        var cleaned = parts
        cleaned[2] = parts[2][parts[2].index(after: at)...]
        return cleaned.joined(separator: "/")
    }
}
