/// The SDK specs of a run, indexed for the lookups the analysis makes on every call: by module,
/// and by constructor path. Built once per configuration.
final class SDKTable: Sendable {
    let specs: [AISDKSpec]
    /// Spec indices by module ("openai" → [openai ≥1, openai 0.x]).
    private let byModule: [String: [Int]]
    /// Spec indices by full constructor path ("openai.OpenAI").
    private let byConstructor: [String: [Int]]
    let modules: [String]

    static let builtIn = SDKTable(AISDKSpec.builtIn)

    init(_ specs: [AISDKSpec]) {
        self.specs = specs
        var byModule: [String: [Int]] = [:]
        var byConstructor: [String: [Int]] = [:]
        for (i, spec) in specs.enumerated() where !spec.module.isEmpty {
            byModule[spec.module, default: []].append(i)
            for constructor in spec.constructors { byConstructor[spec.module + "." + constructor, default: []].append(i) }
        }
        self.byModule = byModule
        self.byConstructor = byConstructor
        modules = byModule.keys.sorted()
    }

    subscript(_ index: Int) -> AISDKSpec { specs[index] }

    func specs(constructedBy path: String) -> [Int] { byConstructor[path] ?? [] }

    func specs(ofModule module: String) -> [Int] { byModule[module] ?? [] }

    /// The specs whose module is a dotted prefix of `path`, each with the rest of the path
    /// ("openai.chat.completions.create" → openai specs with "chat.completions.create").
    func specs(prefixing path: String) -> [(spec: Int, rest: String)] {
        var result: [(Int, String)] = []
        var index = path.startIndex
        while let dot = path[index...].firstIndex(of: ".") {
            if let found = byModule[String(path[..<dot])] {
                let rest = String(path[path.index(after: dot)...])
                for spec in found { result.append((spec, rest)) }
            }
            index = path.index(after: dot)
        }
        return result
    }

    /// Whether an imported dotted path reaches one of the SDK modules.
    func reaches(_ imported: String) -> Bool {
        modules.contains { imported == $0 || imported.hasPrefix($0 + ".") || $0.hasPrefix(imported + ".") }
    }
}
