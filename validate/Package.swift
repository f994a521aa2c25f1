// swift-tools-version:6.0
import PackageDescription

// leakguard-validate: leakguard's commands plus live validation (`scan --validate`), the only
// code that talks to the network. A package of its own so that building leakguard (pre-commit's
// `language: swift`, the GitHub Action, `swift build`) never compiles an HTTP client; `leakguard
// scan --validate` hands its command line to the leakguard-validate installed beside it.
let package = Package(
    name: "leakguard-validate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "leakguard-validate", targets: ["leakguard-validate"]),
    ],
    dependencies: [
        .package(name: "leakguard", path: ".."),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(
            name: "Validation",
            dependencies: [
                .product(name: "LeakguardCore", package: "leakguard"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "leakguard-validate",
            dependencies: ["Validation", .product(name: "LeakguardCLI", package: "leakguard")]
        ),
        .testTarget(
            name: "ValidationTests",
            dependencies: ["Validation", "leakguard-validate", .product(name: "TestKit", package: "leakguard")]
        ),
    ]
)
