// Placeholder until the real ignore engine lands.
import Foundation
public struct WalkedFile: Sendable { public var relativePath: String; public var absolutePath: String; public var size: Int }
public struct SkippedEntry: Sendable { public var path: String; public var reason: String }
public struct WalkResult: Sendable { public var files: [WalkedFile] = []; public var warnings: [String] = []; public var skipped: [SkippedEntry] = [] }
public struct WalkError: Error, CustomStringConvertible { public var description: String }
public enum Walker {
    public static func walk(root: String, followSymlinks: Bool, useGitIgnore: Bool) throws -> WalkResult {
        var r = WalkResult()
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: root) else { throw WalkError(description: "cannot read \(root)") }
        while let p = e.nextObject() as? String {
            if p.hasPrefix(".git") { continue }
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: root + "/" + p, isDirectory: &isDir), !isDir.boolValue {
                r.files.append(WalkedFile(relativePath: p, absolutePath: root + "/" + p, size: 0))
            }
        }
        return r
    }
}
