import LeakguardBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The git hooks leakguard installs.
public enum HookKind: String, CaseIterable, Sendable {
    /// Scans the staged changes (`leakguard scan --staged`).
    case preCommit = "pre-commit"
    /// Scans the commits being pushed (`leakguard scan --range …` from the refs on standard input).
    case prePush = "pre-push"
}

/// Writes and removes leakguard's hooks without ever losing a hook that was there before: that
/// one is moved to `<hook>.leakguard-chained`, runs first from leakguard's hook, and is put back
/// by `uninstall`.
public enum HookInstaller {
    /// Identifies a hook file as leakguard's.
    public static let marker = "# leakguard-hook"
    public static let chainedSuffix = ".leakguard-chained"

    /// The hooks directory git uses for `repository` (core.hooksPath, the common directory of
    /// linked worktrees and bare repositories included).
    public static func hooksDirectory(repository: String) throws(ScanError) -> String {
        let path = try Git.line(["rev-parse", "--git-path", "hooks"], in: repository)
        return path.hasPrefix("/") ? path : joinPath(repository, path)
    }

    /// Installs the hook; returns what was done, for the user.
    public static func install(_ kind: HookKind, repository: String, binary: String?, force: Bool) throws(ScanError) -> String {
        let directory = try hooksDirectory(repository: repository)
        guard makeDirectories(directory) else { throw ScanError("cannot create hooks directory '\(directory)': \(errnoDescription())") }
        let hook = joinPath(directory, kind.rawValue)
        let chained = hook + chainedSuffix
        var message = "installed leakguard \(kind.rawValue) hook: \(hook)"
        if exists(hook) {
            if isOurs(hook) {
                message = "updated leakguard \(kind.rawValue) hook: \(hook)"
            } else {
                if exists(chained) {
                    guard force else {
                        throw ScanError("""
                            \(hook) exists and is not leakguard's, and \(chained) is taken too; \
                            move one of them away, or pass --force to replace \(chained) with the current hook
                            """)
                    }
                    guard unlink(chained) == 0 else { throw ScanError("cannot remove \(chained): \(errnoDescription())") }
                }
                guard rename(hook, chained) == 0 else { throw ScanError("cannot move \(hook) to \(chained): \(errnoDescription())") }
                message = "installed leakguard \(kind.rawValue) hook: \(hook)\nthe existing hook was kept: it runs first, from \(chained)"
            }
        }
        guard writeFileAtomically(hook, Array(script(kind, binary: binary).utf8), mode: 0o755) else {
            throw ScanError("cannot write \(hook): \(errnoDescription())")
        }
        chmod(hook, 0o755)
        return message
    }

    /// Removes leakguard's hook and puts back the one it chained to.
    public static func uninstall(_ kind: HookKind, repository: String) throws(ScanError) -> String {
        let directory = try hooksDirectory(repository: repository)
        let hook = joinPath(directory, kind.rawValue)
        let chained = hook + chainedSuffix
        if exists(hook) {
            guard isOurs(hook) else { throw ScanError("\(hook) was not installed by leakguard; left as it is") }
            guard unlink(hook) == 0 else { throw ScanError("cannot remove \(hook): \(errnoDescription())") }
        } else if !exists(chained) {
            return "no leakguard \(kind.rawValue) hook in \(directory)"
        }
        if exists(chained) {
            guard rename(chained, hook) == 0 else { throw ScanError("cannot move \(chained) back to \(hook): \(errnoDescription())") }
            return "removed leakguard \(kind.rawValue) hook; restored the previous hook: \(hook)"
        }
        return "removed leakguard \(kind.rawValue) hook: \(hook)"
    }

    static func isOurs(_ path: String) -> Bool {
        guard let text = readTextFile(path) else { return false }
        return text.contains(marker)
    }

    private static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    private static func makeDirectories(_ path: String) -> Bool {
        if isDirectory(path) { return true }
        let parent = parentDirectory(of: path)
        if parent != path && !isDirectory(parent) && !makeDirectories(parent) { return false }
        return mkdir(path, 0o755) == 0 || errno == EEXIST
    }

    /// The hook script: plain POSIX sh. `binary` is tried first when set; otherwise (and when it
    /// has gone) `$LEAKGUARD` and then `leakguard` on PATH. `hooks/pre-commit` and
    /// `hooks/pre-push` in this repository are this text with no binary, for copying by hand.
    public static func script(_ kind: HookKind, binary: String?) -> String {
        let find = """
            leakguard=${LEAKGUARD:-\(binary.map(shellQuote) ?? "")}
            if [ ! -x "$leakguard" ]; then
                leakguard=$(command -v "${LEAKGUARD:-leakguard}" 2>/dev/null) || leakguard=
            fi
            if [ -z "$leakguard" ]; then
                echo "leakguard: not found; install it on PATH or set LEAKGUARD=/path/to/leakguard" >&2
                echo "leakguard: to go ahead without the secret scan: git \(kind == .preCommit ? "commit" : "push") --no-verify" >&2
                exit 1
            fi
            """
        let verdict = """
            status=$?
            if [ "$status" -eq 1 ]; then
                echo "" >&2
                echo "leakguard: \(kind == .preCommit ? "commit" : "push") blocked: the secrets above would be \(kind == .preCommit ? "committed" : "pushed")." >&2
                echo "leakguard: remove them\(kind == .preCommit ? " and stage the fix" : ", rewrite the commits that add them"), or accept known ones in .gitleaksignore." >&2
                echo "leakguard: to \(kind == .preCommit ? "commit" : "push") anyway: git \(kind == .preCommit ? "commit" : "push") --no-verify (or LEAKGUARD_SKIP=1)" >&2
            elif [ "$status" -ne 0 ]; then
                echo "leakguard: the secret scan failed (exit $status), so nothing was \(kind == .preCommit ? "committed" : "pushed"); bypass: git \(kind == .preCommit ? "commit" : "push") --no-verify" >&2
            fi
            exit "$status"
            """
        let skip = """
            if [ "${LEAKGUARD_SKIP:-}" = 1 ]; then
                echo "leakguard: LEAKGUARD_SKIP=1: secret scan skipped" >&2
                exit 0
            fi
            """
        switch kind {
        case .preCommit:
            return """
                #!/bin/sh
                \(marker) pre-commit: blocks commits whose staged changes add secrets.
                # Installed by `leakguard hook install`; `leakguard hook uninstall` removes it and
                # restores the hook that was here before. Bypass once: git commit --no-verify,
                # or LEAKGUARD_SKIP=1 git commit ...

                # A hook that was here before leakguard runs first; if it fails, the commit stops.
                chained="$(dirname "$0")/pre-commit\(chainedSuffix)"
                if [ -x "$chained" ]; then
                    "$chained" "$@" || exit $?
                fi

                \(skip)

                \(find)

                # Reports go to standard error, as git expects of hooks.
                "$leakguard" scan --staged >&2
                \(verdict)

                """
        case .prePush:
            return """
                #!/bin/sh
                \(marker) pre-push: blocks pushes of commits that add secrets.
                # Installed by `leakguard hook install --type pre-push`; `leakguard hook uninstall
                # --type pre-push` removes it. Bypass once: git push --no-verify, or LEAKGUARD_SKIP=1.
                # git passes the remote's name and URL as arguments, and one line per pushed ref
                # on standard input: <local ref> <local id> <remote ref> <remote id>.

                remote=$1
                refs=$(cat)

                # A hook that was here before leakguard runs first, with the same input.
                chained="$(dirname "$0")/pre-push\(chainedSuffix)"
                if [ -x "$chained" ]; then
                    printf '%s\\n' "$refs" | "$chained" "$@" || exit $?
                fi

                \(skip)

                \(find)

                # The commits being pushed: reachable from the pushed ids, but not from what the
                # remote has (its old tips; for a new branch, every branch of that remote we know).
                set --
                while read -r local_ref local_id remote_ref remote_id; do
                    [ -n "$local_id" ] || continue
                    case $local_id in *[!0]*) ;; *) continue ;; esac    # a deletion: nothing to scan
                    set -- "$@" --range "$local_id"
                    case $remote_id in
                    *[!0]*)
                        if git cat-file -e "$remote_id^{commit}" 2>/dev/null; then
                            set -- "$@" --range "^$remote_id"
                            continue
                        fi ;;
                    esac
                    for known in $(git for-each-ref --format='%(objectname)' "refs/remotes/$remote/"); do
                        set -- "$@" --range "^$known"
                    done
                done <<EOF
                $refs
                EOF
                [ "$#" -gt 0 ] || exit 0

                "$leakguard" scan "$@" >&2
                \(verdict)

                """
        }
    }

    static func shellQuote(_ s: String) -> String {
        "'" + s.replacingAll("'", with: "'\\''") + "'"
    }
}
