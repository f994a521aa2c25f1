/// The SDK specs of a run, indexed for the lookups the analysis makes on every call: by module,
/// and by constructor path. Built once per configuration.
final class SDKTable: Sendable {
    let specs: [AISDKSpec]
    /// Spec indices by module ("openai" → [openai ≥1, openai 0.x]).
    private let byModule: [String: [Int]]
    /// Spec indices by full constructor path ("openai.OpenAI").
    private let byConstructor: [String: [Int]]
    let modules: [String]
    /// Per spec, what every call site of it needs, worked out once here instead of per site: its
    /// calls as a set, the rate-limit exceptions by last name, and the exception a fix names.
    private let callSets: [Set<String>]
    let rateLimitErrors: [RateLimitErrors]
    let suggestedExceptions: [String]
    /// The first dotted segment of every module ("google" for "google.genai"): a path starting
    /// with anything else has no spec prefixing it.
    private let moduleHeads: Set<Substring>

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
        callSets = specs.map { Set($0.calls) }
        rateLimitErrors = specs.map { spec in
            RateLimitErrors(names: spec.rateLimitErrors.map { String($0.split(separator: ".").last ?? "") }, label: spec.label)
        }
        suggestedExceptions = specs.map(\.suggestedException)
        moduleHeads = Set(byModule.keys.map { $0.split(separator: ".", maxSplits: 1).first ?? Substring($0) })
    }

    /// Whether spec `index` lists `call` among its calls.
    func spec(_ index: Int, calls call: String) -> Bool { callSets[index].contains(call) }

    subscript(_ index: Int) -> AISDKSpec { specs[index] }

    func specs(constructedBy path: String) -> [Int] { byConstructor[path] ?? [] }

    func specs(ofModule module: String) -> [Int] { byModule[module] ?? [] }

    /// The specs whose module is a dotted prefix of `path`, each with the rest of the path
    /// ("openai.chat.completions.create" → openai specs with "chat.completions.create").
    func specs(prefixing path: String) -> [(spec: Int, rest: String)] {
        var result: [(Int, String)] = []
        guard let firstDot = path.utf8.firstIndex(of: UInt8(ascii: ".")), moduleHeads.contains(path[..<firstDot]) else { return result }
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
