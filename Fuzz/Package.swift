// swift-tools-version:6.0
// libFuzzer harnesses for leakguard's parsers, kept out of the main package so `swift build` and
// `swift test` there never compile them. Build and run them through `scripts/fuzz`, which passes
// `-sanitize=fuzzer,address` and `-parse-as-library` (libFuzzer supplies `main`).
import PackageDescription

let package = Package(
    name: "leakguard-fuzz",
    dependencies: [
        .package(path: "../.build-fuzz/leakguard"),
    ],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        .executableTarget(
            name: "FuzzPython",
            dependencies: ["FuzzSupport", .product(name: "LeakguardCore", package: "leakguard")]
        ),
        .executableTarget(
            name: "FuzzNotebook",
            dependencies: ["FuzzSupport", .product(name: "LeakguardCore", package: "leakguard")]
        ),
        .executableTarget(
            name: "FuzzConfig",
            dependencies: ["FuzzSupport", .product(name: "LeakguardCore", package: "leakguard")]
        ),
        .executableTarget(
            name: "FuzzDetector",
            dependencies: ["FuzzSupport", .product(name: "LeakguardCore", package: "leakguard")]
        ),
        .executableTarget(
            name: "FuzzGitignore",
            dependencies: ["FuzzSupport", .product(name: "LeakguardCore", package: "leakguard")]
        ),
    ]
)
