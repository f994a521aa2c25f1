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
        .executableTarget(
            name: "leakguard",
            dependencies: ["LeakguardCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "LeakguardCoreTests",
            dependencies: ["LeakguardCore", "leakguard"]
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
