import Foundation
import Testing
@testable import LeakguardCore

/// The inputs beyond files (issue 10): archives (nested, wheels, bombs, corrupt), standard input.
@Suite struct InputSourcesTests {
    /// Builds the archive fixtures with Python's zipfile/tarfile, holding fake keys made now.
    static func makeArchives(in dir: String, github: String, aws: String) throws {
        let script = """
            import gzip, io, os, sys, tarfile, zipfile
            d, gh, aws = sys.argv[1:4]
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("conf/settings.py", 'TOKEN = "%s"\\n' % gh)
            mid = io.BytesIO()
            with tarfile.open(fileobj=mid, mode="w:gz") as t:
                data = inner.getvalue(); info = tarfile.TarInfo("inner.zip"); info.size = len(data)
                t.addfile(info, io.BytesIO(data))
            with zipfile.ZipFile(os.path.join(d, "outer.zip"), "w") as z:
                z.writestr("mid.tar.gz", mid.getvalue())
            with zipfile.ZipFile(os.path.join(d, "pkg-1.0-py3-none-any.whl"), "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("pkg/keys.py", 'aws = "%s"\\n' % aws)
                z.writestr("pkg/__init__.py", "")
            # A bomb whose members each pass the member limit but together expand 1000:1.
            with zipfile.ZipFile(os.path.join(d, "bomb.zip"), "w", zipfile.ZIP_DEFLATED) as z:
                for i in range(60):
                    z.writestr("part%02d.txt" % i, b"0" * (5 << 20))
            with open(os.path.join(d, "corrupt.zip"), "wb") as f:
                f.write(b"PK\\x03\\x04" + bytes(range(256)) * 2)
            with open(os.path.join(d, "notes.txt.gz"), "wb") as f:
                f.write(gzip.compress(("key=%s\\n" % gh).encode()))
            """
        let out = try TestSupport.run("/usr/bin/env", ["python3", "-c", script, dir, github, aws])
        #expect(out.status == 0, "\(out.stderr)")
    }

    @Test func archivesAreOpenedAndBounded() throws {
        let dir = TestSupport.makeTempDirectory("archives")
        defer { TestSupport.removeTree(dir) }
        var keys = RandomKeys()
        let github = keys.githubToken(), aws = keys.awsKeyID()
        try Self.makeArchives(in: dir, github: github, aws: aws)
        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        #expect(out.status == 1, "findings in archives: exit \(out.status) \(out.stderr)")
        let doc = try TestSupport.parseJSON(out.stdout)
        let findings = try #require(doc["findings"] as? [[String: Any]])
        let files = Set(findings.compactMap { $0["file"] as? String })
        #expect(files.contains("outer.zip!mid.tar.gz!inner.zip!conf/settings.py"), "\(files)")
        #expect(files.contains("pkg-1.0-py3-none-any.whl!pkg/keys.py"), "\(files)")
        #expect(files.contains("notes.txt.gz!notes.txt"), "\(files)")
        let skipped = try #require(doc["skipped"] as? [[String: Any]])
        #expect(skipped.contains { ($0["file"] as? String)?.hasPrefix("bomb.zip!") == true && $0["reason"] as? String == "archive limit" }, "\(skipped)")
        #expect(skipped.contains { $0["file"] as? String == "corrupt.zip" && $0["reason"] as? String == "corrupt archive" }, "\(skipped)")
        #expect(out.stderr.contains("corrupt.zip"))
        #expect(!out.stdout.contains(github) && !out.stdout.contains(aws))
        // Depth 1: the nested zip is skipped with its reason; 0: archives are not opened.
        let shallow = try TestSupport.parseJSON(try TestSupport.leakguard(["scan", "--format", "json", "--max-archive-depth", "1", dir]).stdout)
        let shallowFiles = Set((shallow["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String })
        #expect(!shallowFiles.contains("outer.zip!mid.tar.gz!inner.zip!conf/settings.py"))
        #expect((shallow["skipped"] as? [[String: Any]] ?? []).contains { $0["file"] as? String == "outer.zip!mid.tar.gz!inner.zip" })
        let off = try TestSupport.leakguard(["scan", "--max-archive-depth", "0", dir])
        #expect(off.status == 0, "\(off.stdout)")
    }

    @Test func archivesInHistory() throws {
        let dir = TestSupport.makeTempDirectory("archive-git")
        defer { TestSupport.removeTree(dir) }
        var keys = RandomKeys()
        try TestSupport.git(["init", "-q"], cwd: dir)
        try Self.makeArchives(in: dir, github: keys.githubToken(), aws: keys.awsKeyID())
        try FileManager.default.removeItem(atPath: dir + "/bomb.zip")
        try TestSupport.git(["add", "-A"], cwd: dir)
        try TestSupport.git(["commit", "-qm", "archives"], cwd: dir)
        let out = try TestSupport.leakguard(["scan", "--git", "--format", "json", dir])
        #expect(out.status == 1)
        let files = Set(((try TestSupport.parseJSON(out.stdout))["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String })
        #expect(files.contains("pkg-1.0-py3-none-any.whl!pkg/keys.py"), "\(files)")
        // The archive limits are the plan's in every source: depth 0 leaves history's archives shut.
        let shut = try TestSupport.leakguard(["scan", "--git", "--max-archive-depth", "0", "--format", "json", dir])
        let shutFiles = ((try TestSupport.parseJSON(shut.stdout))["findings"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        #expect(!shutFiles.contains { $0.contains("!") }, "\(shutFiles)")
    }

    @Test func standardInput() throws {
        var keys = RandomKeys()
        let token = keys.githubToken()
        let found = try TestSupport.run(TestSupport.binary, ["scan", "-"], stdin: "key=\(token)\n")
        #expect(found.status == 1, "\(found.stderr)")
        #expect(found.stdout.contains("stdin") && found.stdout.contains("github-personal-access-token"))
        #expect(!found.stdout.contains(token))
        let clean = try TestSupport.run(TestSupport.binary, ["scan", "-"], stdin: "hello\n")
        #expect(clean.status == 0)
        // Rule selection applies to stdin as to files.
        let disabled = try TestSupport.run(TestSupport.binary, ["scan", "--disable-rule", "github-personal-access-token", "-"], stdin: "key=\(token)\n")
        #expect(!disabled.stdout.contains("github-personal-access-token"), "\(disabled.stdout)")
        // The name picks the checks: as a Python file, the AI check runs too.
        let python = "import openai\nclient = openai.OpenAI(max_retries=0)\nclient.chat.completions.create(model='gpt-4o', messages=[])\n"
        let named = try TestSupport.run(TestSupport.binary, ["scan", "--stdin-name", "app/llm.py", "--format", "json", "-"], stdin: python)
        let rules = ((try TestSupport.parseJSON(named.stdout))["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(rules.contains("ai-backoff-missing"), "\(rules)")
        let mixed = try TestSupport.run(TestSupport.binary, ["scan", "-", "."], stdin: "")
        #expect(mixed.status == 2)
    }
}

/// Encoded secrets (issue 10): a Kubernetes Secret, a docker config, an .npmrc, double base64,
/// hex and percent-encoding; found at the encoded text, tagged, never printed, never twice.
@Suite struct DecodingTests {
    @Test func encodedSecretsAreFoundOnceAndTagged() throws {
        let dir = TestSupport.makeTempDirectory("decode")
        defer { TestSupport.removeTree(dir) }
        var keys = RandomKeys()
        let github = keys.githubToken(), openai = keys.openAIKey()
        func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
        TestSupport.write("""
            apiVersion: v1
            kind: Secret
            metadata:
              name: app
            type: Opaque
            data:
              OPENAI_API_KEY: \(b64(openai))
              PLAIN_NOTE: \(b64("this is just a note, not a key"))

            """, to: dir + "/k8s/secret.yaml")
        TestSupport.write("{\"auths\": {\"ghcr.io\": {\"auth\": \"\(b64("bot:" + github))\"}}}\n", to: dir + "/docker/config.json")
        TestSupport.write("_auth=\(b64("ci:" + github))\n", to: dir + "/npm/.npmrc")
        TestSupport.write("blob: \(b64(b64("GITHUB_TOKEN=" + github)))\n", to: dir + "/double.txt")
        TestSupport.write("h=\(Array(("token=" + github).utf8).map { String(format: "%02x", $0) }.joined())\n", to: dir + "/hex.txt")
        let percent = "key=\"\(github)\"".utf8.map { b -> String in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) ? String(UnicodeScalar(b)) : String(format: "%%%02X", b)
        }.joined()
        TestSupport.write("url=https://x.example/cb?state=\(percent)\n", to: dir + "/url.txt")
        // The same key plain and encoded in one file: one finding.
        TestSupport.write("TOKEN=\(github)\nTOKEN_B64=\(b64("TOKEN=" + github))\n", to: dir + "/both.env.example")

        let out = try TestSupport.leakguard(["scan", "--format", "json", dir])
        #expect(out.status == 1, "\(out.stderr)")
        for secret in [github, openai] { #expect(!out.stdout.contains(secret)) }
        let findings = try #require(try TestSupport.parseJSON(out.stdout)["findings"] as? [[String: Any]])
        func rules(_ f: [String: Any]) -> [String] { [f["rule"] as? String ?? ""] + (f["alsoMatched"] as? [String] ?? []) }
        func at(_ file: String) -> [[String: Any]] { findings.filter { $0["file"] as? String == file } }
        let k8s = at("k8s/secret.yaml")
        #expect(k8s.count == 1 && rules(k8s[0]).contains("openai-project-key") && k8s[0]["line"] as? Int == 7, "\(k8s)")
        #expect((k8s.first?["decoded"] as? [String]) == ["base64"])
        for file in ["docker/config.json", "npm/.npmrc", "hex.txt", "url.txt"] {
            let here = at(file)
            #expect(here.count == 1 && here.contains { rules($0).contains("github-personal-access-token") }, "\(file): \(here.map(rules))")
        }
        #expect((at("double.txt").first?["decoded"] as? [String]) == ["base64", "base64"], "\(at("double.txt"))")
        #expect(at("both.env.example").filter { rules($0).contains("github-personal-access-token") }.count == 1, "\(at("both.env.example").map(rules))")
        // Off: nothing encoded is found.
        let off = try TestSupport.leakguard(["scan", "--format", "json", "--max-decode-depth", "0", dir + "/k8s"])
        #expect(off.status == 0 || !(off.stdout.contains("openai-project-key")), "\(off.stdout)")
    }
}
