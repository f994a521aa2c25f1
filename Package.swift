// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "leakguard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "leakguard", targets: ["leakguard"]),
        .executable(name: "leakguard-validate", targets: ["leakguard-validate"]),
        .library(name: "LeakguardCore", targets: ["LeakguardCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .systemLibrary(
            name: "CLibArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        // What every module needs the same way: line/column positions, non-blocking file reads,
        // paths.
        .target(name: "LeakguardBase"),
        .target(name: "GitIgnore", dependencies: ["LeakguardBase"]),
        .target(name: "PythonCheck", dependencies: ["LeakguardBase"]),
        .target(
            name: "LeakguardCore",
            dependencies: ["CPCRE2", "CLibArchive", "LeakguardBase", "GitIgnore", "PythonCheck", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // Live validation (`scan --validate`): the only code that talks to the network, kept out
        // of LeakguardCore so the scan path neither links nor starts an HTTP client.
        .target(
            name: "Validation",
            dependencies: [
                "LeakguardCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The commands, shared by both executables.
        .target(
            name: "LeakguardCLI",
            dependencies: ["LeakguardBase", "LeakguardCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The scanner: no network code linked (a `--validate` run is handed to leakguard-validate).
        .executableTarget(name: "leakguard", dependencies: ["LeakguardCLI"]),
        // The same commands with live validation; installed beside `leakguard`.
        .executableTarget(name: "leakguard-validate", dependencies: ["LeakguardCLI", "Validation"]),
        // Benchmarks: executables, kept out of the test targets (scripts/bench-python runs this one).
        .executableTarget(name: "bench-python-corpus", dependencies: ["PythonCheck"], path: "bench/PythonCorpus"),
        .executableTarget(name: "bench-walker", dependencies: ["GitIgnore", "TestKit"], path: "bench/Walker"),
        // Shared test helpers: running programs, scratch trees, git with a fixed identity, fake keys.
        .target(name: "TestKit", path: "Tests/TestKit"),
        .testTarget(
            name: "LeakguardCoreTests",
            dependencies: ["TestKit", "LeakguardBase", "LeakguardCore", "Validation", "leakguard", "leakguard-validate"]
        ),
        .testTarget(
            name: "GitIgnoreTests",
            dependencies: ["GitIgnore", "LeakguardBase", "TestKit"]
        ),
        .testTarget(
            name: "PythonCheckTests",
            dependencies: ["PythonCheck"]
        ),
    ]
)
