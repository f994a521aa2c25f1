/// The output of one `git diff --cached --raw -z -p -U0 --full-index` run: which files the
/// index changes (raw part, NUL-separated so any file name survives) and which lines of each new
/// version were added (hunk headers of the patch part).
struct StagedDiff {
    struct Change: Equatable {
        /// A (added), M, D, R (renamed), C (copied), T (type changed), U (unmerged), X.
        var status: UInt8
        var oldMode: Int
        var newMode: Int
        var oldID: ObjectID
        var newID: ObjectID
        /// Path in the index; for renames and copies, `oldPath` is where it came from.
        var path: String
        var oldPath: String?
    }

    /// What the patch says about one file pair.
    struct Patch: Equatable {
        /// 1-based line ranges of the new version that the change added.
        var added: [ClosedRange<Int>] = []
        /// git printed "Binary files … differ" (its own test, or a `-diff` attribute).
        var binary = false
    }

    struct PairKey: Hashable {
        var old: ObjectID
        var new: ObjectID
    }

    var changes: [Change] = []
    var patches: [PairKey: Patch] = [:]

    /// The patch of `change`, if git printed one. A type change (symlink to file) is printed as a
    /// deletion plus an addition, so its new side is looked up as an addition.
    func patch(for change: Change) -> Patch? {
        if let p = patches[PairKey(old: change.oldID, new: change.newID)] { return p }
        return patches[PairKey(old: change.newID.zero, new: change.newID)]
    }

    static let modeRegular = 0o100644, modeExecutable = 0o100755, modeSymlink = 0o120000, modeSubmodule = 0o160000

    static func parse(_ output: [UInt8]) throws(ScanError) -> StagedDiff {
        var diff = StagedDiff()
        try output.withUnsafeBufferPointer { (all) throws(ScanError) in
            var offset = 0
            /// The next NUL-terminated token, or nil at the end.
            func token() -> UnsafeBufferPointer<UInt8>? {
                guard offset < all.count else { return nil }
                let start = offset
                while offset < all.count && all[offset] != 0 { offset += 1 }
                let t = UnsafeBufferPointer(rebasing: all[start..<offset])
                offset += 1
                return t
            }
            // Raw part: ":<old mode> <new mode> <old id> <new id> <status>" then one path (two for
            // renames and copies). An empty token separates it from the patch.
            while offset < all.count {
                guard let entry = token() else { break }
                if entry.isEmpty { break }
                guard entry.first == UInt8(ascii: ":") else {
                    // No raw part (nothing staged) and the patch starts right away.
                    offset -= entry.count + 1
                    break
                }
                let fields = UnsafeBufferPointer(rebasing: entry[1...]).split(separator: 32)
                guard fields.count == 5,
                      let oldMode = parseOctal(fields[0]), let newMode = parseOctal(fields[1]),
                      let oldID = ObjectID(hex: UnsafeBufferPointer(rebasing: fields[2])),
                      let newID = ObjectID(hex: UnsafeBufferPointer(rebasing: fields[3])),
                      let status = fields[4].first else {
                    throw ScanError("cannot read `git diff --cached` output: unexpected entry '\(entry.string)'")
                }
                guard let first = token() else { throw ScanError("cannot read `git diff --cached` output: entry without a path") }
                var change = Change(status: status, oldMode: oldMode, newMode: newMode, oldID: oldID, newID: newID,
                                    path: first.string)
                if status == UInt8(ascii: "R") || status == UInt8(ascii: "C") {
                    guard let second = token() else { throw ScanError("cannot read `git diff --cached` output: rename without a target") }
                    change.oldPath = change.path
                    change.path = second.string
                }
                diff.changes.append(change)
            }
            if offset < all.count {
                diff.patches = try parsePatch(UnsafeBufferPointer(rebasing: all[offset...]))
            }
        }
        return diff
    }

    /// Reads the hunk headers of a `-U0 --full-index` patch. Only lines that start with
    /// "diff --git ", "index ", "Binary files " and "@@ -" matter; content lines always start with
    /// '+', '-', ' ' or '\', and file names with line breaks are quoted, so none can be mistaken.
    static func parsePatch(_ text: UnsafeBufferPointer<UInt8>) throws(ScanError) -> [PairKey: Patch] {
        var patches: [PairKey: Patch] = [:]
        var key: PairKey?
        var current = Patch()
        func store() {
            if let key {
                if var existing = patches[key] {
                    existing.added += current.added
                    existing.binary = existing.binary || current.binary
                    patches[key] = existing
                } else {
                    patches[key] = current
                }
            }
        }
        var lineStart = 0
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != 10 { lineEnd += 1 }
            let line = UnsafeBufferPointer(rebasing: text[lineStart..<lineEnd])
            lineStart = lineEnd + 1
            guard let first = line.first else { continue }
            switch first {
            case UInt8(ascii: "d") where line.hasPrefix("diff --git "):
                store()
                key = nil
                current = Patch()
            case UInt8(ascii: "i") where line.hasPrefix("index "):
                // "index <old>..<new>" or "index <old>..<new> <mode>"
                let rest = UnsafeBufferPointer(rebasing: line[6...])
                let ids = rest.split(separator: 32, maxSplits: 1).first.map { UnsafeBufferPointer(rebasing: $0) }
                if let ids, let dots = findDots(ids),
                   let old = ObjectID(hex: UnsafeBufferPointer(rebasing: ids[..<dots])),
                   let new = ObjectID(hex: UnsafeBufferPointer(rebasing: ids[(dots + 2)...])) {
                    key = PairKey(old: old, new: new)
                }
            case UInt8(ascii: "B") where line.hasPrefix("Binary files "):
                current.binary = true
            case UInt8(ascii: "@") where line.hasPrefix("@@ -"):
                guard let range = parseHunkHeader(line) else {
                    throw ScanError("cannot read `git diff --cached` output: unexpected hunk header '\(line.string)'")
                }
                if let range { current.added.append(range) }
            default:
                break
            }
        }
        store()
        return patches
    }

    /// "@@ -a[,b] +c[,d] @@…": the added lines c…c+d-1 (d defaults to 1), or nil inside when
    /// the hunk only deletes; nil outside when the header is malformed.
    static func parseHunkHeader(_ line: UnsafeBufferPointer<UInt8>) -> ClosedRange<Int>?? {
        guard let plus = line.firstIndex(of: UInt8(ascii: "+")) else { return nil }
        var i = plus + 1
        func number() -> Int? {
            var n = 0, digits = 0
            while i < line.count, line[i] >= 48, line[i] <= 57 { n = n * 10 + Int(line[i] - 48); i += 1; digits += 1 }
            return digits > 0 ? n : nil
        }
        guard let start = number() else { return nil }
        var count = 1
        if i < line.count && line[i] == UInt8(ascii: ",") {
            i += 1
            guard let c = number() else { return nil }
            count = c
        }
        return .some(count == 0 ? nil : start...(start + count - 1))
    }

    private static func findDots(_ s: UnsafeBufferPointer<UInt8>) -> Int? {
        guard s.count >= 2 else { return nil }
        for i in 0..<(s.count - 1) where s[i] == 46 && s[i + 1] == 46 { return i }
        return nil
    }
}

func parseOctal<S: Collection>(_ digits: S) -> Int? where S.Element == UInt8 {
    guard !digits.isEmpty else { return nil }
    var n = 0
    for d in digits {
        guard d >= 48 && d <= 55 else { return nil }
        n = n * 8 + Int(d - 48)
    }
    return n
}
