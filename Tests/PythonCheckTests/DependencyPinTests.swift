@testable import PythonCheck
import Testing

/// Versions read from dependency files, and the nearest file deciding.
@Suite struct DependencyPinTests {
    private func version(_ file: String, _ text: String, _ package: String) -> String? {
        DependencyFiles.pins(fileName: file, text: text, source: file)[package].map {
            ($0.isUpperBound ? "<" : "") + $0.version.map(String.init).joined(separator: ".")
        }
    }

    @Test func requirements() {
        let text = "# pinned\nreplicate==0.8.4\nopenai[datalib] >= 0.27, < 1 ; python_version > '3.8'\n-r base.txt\nmistralai~=0.4.2\nlitellm\n"
        #expect(version("requirements.txt", text, "replicate") == "0.8.4")
        #expect(version("requirements.txt", text, "openai") == "<1")
        #expect(version("requirements.txt", text, "mistralai") == "0.4.2")
        #expect(version("requirements.txt", text, "litellm") == nil)
        #expect(version("requirements-dev.txt", "Google_GenerativeAI==0.3.2\n", "google-generativeai") == "0.3.2")
    }

    @Test func pyprojectPEP621AndPoetry() {
        let pep621 = "[project]\nname = \"app\"\ndependencies = [\n  \"openai>=1.3\",\n  \"replicate==0.11.0\",\n]\n[tool.ruff]\nline-length = 100\n"
        #expect(version("pyproject.toml", pep621, "replicate") == "0.11.0")
        #expect(version("pyproject.toml", pep621, "openai") == nil, ">= only: the newest version is assumed")
        let poetry = "[tool.poetry.dependencies]\npython = \"^3.11\"\nreplicate = \"^0.8.4\"\nopenai = {version = \"^0.27.8\", extras = [\"embeddings\"]}\n[tool.poetry.group.dev.dependencies]\ntogether = \"0.2.11\"\n"
        #expect(version("pyproject.toml", poetry, "replicate") == "0.8.4")
        #expect(version("pyproject.toml", poetry, "openai") == "0.27.8")
        #expect(version("pyproject.toml", poetry, "together") == "0.2.11")
    }

    @Test func lockFilesAndSetupCfg() {
        let lock = "version = 1\n[[package]]\nname = \"replicate\"\nversion = \"0.8.4\"\nsource = { registry = \"https://pypi.org/simple\" }\n\n[[package]]\nname = \"openai\"\nversion = \"1.51.0\"\n"
        #expect(version("uv.lock", lock, "replicate") == "0.8.4")
        #expect(version("poetry.lock", lock, "openai") == "1.51.0")
        let pipfile = "{\n    \"default\": {\n        \"replicate\": {\n            \"hashes\": [\n                \"sha256:abc\"\n            ],\n            \"version\": \"==0.8.4\"\n        }\n    }\n}\n"
        #expect(version("Pipfile.lock", pipfile, "replicate") == "0.8.4")
        let cfg = "[metadata]\nname = app\n[options]\ninstall_requires =\n    replicate==0.9.0\n    openai<1\n[options.extras_require]\ndev = pytest\n"
        #expect(version("setup.cfg", cfg, "replicate") == "0.9.0")
        #expect(version("setup.cfg", cfg, "openai") == "<1")
    }

    @Test func versionRanges() {
        let old = VersionBehaviour(below: "0.14", retries: true, note: "")
        func pin(_ text: String) -> DependencyPin { DependencyFiles.pin(text, exact: false, source: "r.txt")! }
        #expect(pin("==0.8.4").isBelow(old.limit))
        #expect(pin("^0.13.2").isBelow(old.limit))
        #expect(!(pin("==0.14.0").isBelow(old.limit)))
        #expect(pin(">=0.8,<0.14").isBelow(old.limit))
        #expect(!(pin(">=0.8,<=0.14").isBelow(old.limit)))
        #expect(!(pin("==1.0.7").isBelow(old.limit)))
    }

    @Test func theNearestFileAboveAFileDecides() throws {
        let root = NSTemporaryDirectoryPath() + "/pins-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/services/images/src", withIntermediateDirectories: true)
        try "replicate==1.0.4\nopenai==0.28.1\n".write(toFile: root + "/requirements.txt", atomically: true, encoding: .utf8)
        try "[tool.poetry.dependencies]\nreplicate = \"^0.8.4\"\n".write(toFile: root + "/services/images/pyproject.toml", atomically: true, encoding: .utf8)
        let resolver = DependencyPinResolver(roots: [root])
        let deep = resolver.pins(forFile: "services/images/src/gen.py")
        #expect(deep["replicate"]?.source == "services/images/pyproject.toml")
        #expect(deep["openai"]?.source == "requirements.txt", "a package the nearest file does not name comes from further up")
        #expect(resolver.pins(forFile: "tool.py")["replicate"]?.text == "1.0.4")
    }
}

import Foundation
private func NSTemporaryDirectoryPath() -> String { (NSTemporaryDirectory() as NSString).resolvingSymlinksInPath }

@Suite struct NotebookPinTests {
    @Test func pipInstallLinesPin() {
        let cell = Array("!pip install -qU \"openai==0.28.1\" \\\n    replicate<0.14 tiktoken\n%pip install mistralai[gcp]~=0.4.2\nx = 1\n".utf8)
        let pins = IPythonSyntax.pipPins(cell)
        #expect(pins["openai"]?.version == [0, 28, 1])
        #expect(pins["replicate"]?.isUpperBound == true)
        #expect(pins["mistralai"]?.version == [0, 4, 2])
        #expect(pins["tiktoken"] == nil)
    }
}
