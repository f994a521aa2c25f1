// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "leakguard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "leakguard", targets: ["leakguard"]),
        .library(name: "LeakguardCore", targets: ["LeakguardCore"]),
        // For the validate/ package (leakguard-validate): the commands and the test helpers.
        .library(name: "LeakguardCLI", targets: ["LeakguardCLI"]),
        .library(name: "TestKit", targets: ["TestKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
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
        // C library functions that Swift's Glibc module does not offer (memmem).
        .systemLibrary(name: "CLibc"),
        // What every module needs the same way: line/column positions, non-blocking file reads,
        // paths.
        .target(name: "LeakguardBase", dependencies: ["CLibc"]),
        .target(name: "GitIgnore", dependencies: ["LeakguardBase"]),
        .target(name: "PythonCheck", dependencies: ["LeakguardBase"]),
        .target(
            name: "LeakguardCore",
            dependencies: ["CPCRE2", "CLibArchive", "LeakguardBase", "GitIgnore", "PythonCheck", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // The commands, shared by `leakguard` and validate/'s `leakguard-validate`.
        .target(
            name: "LeakguardCLI",
            dependencies: ["LeakguardBase", "LeakguardCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The scanner. Live validation (`scan --validate`, the only code that talks to the network)
        // is the validate/ package's leakguard-validate, installed beside it: this package has no
        // HTTP client to build, link or start.
        .executableTarget(name: "leakguard", dependencies: ["LeakguardCLI"]),
        // Benchmarks: executables, kept out of the test targets (scripts/bench-python runs this one).
        .executableTarget(name: "bench-python-corpus", dependencies: ["PythonCheck", "TestKit"], path: "bench/PythonCorpus"),
        .executableTarget(name: "bench-walker", dependencies: ["GitIgnore", "TestKit"], path: "bench/Walker"),
        // Shared test helpers: running programs, scratch trees, git with a fixed identity, fake keys.
        .target(name: "TestKit", path: "Tests/TestKit"),
        .testTarget(
            name: "LeakguardCoreTests",
            dependencies: ["TestKit", "LeakguardBase", "LeakguardCore", "leakguard"]
        ),
        .testTarget(
            name: "GitIgnoreTests",
            dependencies: ["GitIgnore", "LeakguardBase", "TestKit"]
        ),
        .testTarget(
            name: "PythonCheckTests",
            dependencies: ["PythonCheck", "TestKit"]
        ),
    ]
)
