// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "leakguard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "leakguard", targets: ["leakguard"]),
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
        .target(name: "GitIgnore"),
        .target(name: "PythonCheck"),
        .target(
            name: "LeakguardCore",
            dependencies: ["CPCRE2", "CLibArchive", "GitIgnore", "PythonCheck", .product(name: "TOMLKit", package: "TOMLKit")]
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
        .executableTarget(
            name: "leakguard",
            dependencies: ["LeakguardCore", "Validation", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "LeakguardCoreTests",
            dependencies: ["LeakguardCore", "Validation", "leakguard"]
        ),
        .testTarget(
            name: "GitIgnoreTests",
            dependencies: ["GitIgnore"]
        ),
        .testTarget(
            name: "PythonCheckTests",
            dependencies: ["PythonCheck"]
        ),
    ]
)
