// swift-tools-version:6.0
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let tools = ["reg-ls", "reg-tags", "reg-manifest", "reg-diff", "reg-select", "reg-rm", "reg-copy", "reg-seed"]

let package = Package(
    name: "reg",
    platforms: [.macOS(.v13)],
    products: tools.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "RegKit",
            dependencies: ["CCurl", "COpenSSL", "CZlib", .product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: upcoming),
        .target(
            name: "RegCommands",
            dependencies: ["RegKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: upcoming),
        .testTarget(
            name: "RegKitTests",
            dependencies: ["RegKit"],
            swiftSettings: upcoming),
        .testTarget(
            name: "RegIntegrationTests",
            dependencies: ["RegKit"],
            exclude: ["Support/token-issuer.py"],
            swiftSettings: upcoming),
    ] + tools.map { tool in
        .executableTarget(
            name: tool,
            dependencies: ["RegCommands", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/\(tool)", swiftSettings: upcoming)
    }
)
