import LeakguardBase
import PythonCheck

/// Every AI call of a tree, grouped by provider: what `leakguard ai inventory` prints and the
/// HTML report's inventory section shows. Built by the same analysis as the AI rules.
public struct AIInventory: Sendable {
    /// One call, with the file it is in.
    public struct Entry: Sendable {
        public var path: String
        public var call: AIInventoryCall
    }

    /// One provider's calls, with its usage-policy and rate-limit documentation.
    public struct Provider: Sendable {
        public var name: String
        public var docs: ProviderDocs?
        public var entries: [Entry]
    }

    public var entries: [Entry] = []
    /// Files read (Python sources and notebooks).
    public var files = 0
    public var warnings: [String] = []

    public init(entries: [Entry] = [], files: Int = 0, warnings: [String] = []) {
        self.entries = entries
        self.files = files
        self.warnings = warnings
    }

    /// The providers called, by name, each with its calls in file and line order.
    public var providers: [Provider] {
        let grouped = Dictionary(grouping: entries, by: \.call.provider)
        return grouped.keys.sorted().map { name in
            Provider(name: name, docs: ProviderDocs.byProvider[name],
                     entries: grouped[name]!.sorted { ($0.path, $0.call.line, $0.call.column) < ($1.path, $1.call.line, $1.call.column) })
        }
    }

    /// Files with at least one AI call.
    public var filesWithCalls: Int { Set(entries.map(\.path)).count }
}

/// Builds an inventory: walks the paths as a tree scan does (the same ignore rules, size limit
/// and config), reading only Python sources and notebooks.
public enum AIInventoryScan {
    public static func run(paths: [String], configPath: String? = nil, options: ScanOptions = ScanOptions()) throws -> (AIInventory, Configuration) {
        var request = ScanRequest()
        request.paths = paths.isEmpty ? ["."] : paths
        request.configPath = configPath
        request.options = options
        request.options.maxArchiveDepth = 0
        // The scan pipeline (source, plan, wrap-up) with the collector as its only check.
        var collector: InventoryCollector?
        let (report, configuration) = try ScanSession.run(request) { configuration, roots in
            let made = InventoryCollector(settings: configuration.ai, scanRoots: roots)
            collector = made
            return [made]
        }
        var inventory = AIInventory()
        inventory.warnings = report.warnings
        inventory.files = report.summary.files
        inventory.entries = collector?.entries.withLock { $0 } ?? []
        return (inventory, configuration)
    }
}

/// The content check behind the inventory: the AI analysis with inventory collection on.
final class InventoryCollector: ContentCheck {
    let config: PythonCheckConfig
    let entries = Locked<[AIInventory.Entry]>([])

    init(settings: AISettings, scanRoots: [String]) {
        var config = AIBackoffCheck(settings: settings, scanRoots: scanRoots).config
        config.collectInventory = true
        self.config = config
    }

    func wants(path: String) -> Bool {
        path.hasSuffix(".py") || path.hasSuffix(".ipynb") || path.hasSuffix(".pyw")
    }

    func check(_ fragment: Fragment, scratch: DetectorScratch) -> FragmentResult {
        let result = fragment.path.hasSuffix(".ipynb")
            ? PythonCheck.checkNotebook(json: fragment.bytes, path: fragment.path, config: config)
            : PythonCheck.check(source: fragment.bytes, path: fragment.path, config: config)
        var out = FragmentResult()
        if let note = result.parseNote { out.warnings.append("\(fragment.path): AI inventory skipped part of the file: \(note)") }
        if let note = result.limitNote { out.warnings.append("\(fragment.path): AI inventory stopped early: \(note)") }
        if !result.inventory.isEmpty {
            let found = result.inventory.map { AIInventory.Entry(path: fragment.path, call: $0) }
            entries.withLock { $0 += found }
        }
        return out
    }
}
