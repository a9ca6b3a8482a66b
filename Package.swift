// swift-tools-version:6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Each tool: its executable, and the module that holds its command. A command module depends on
/// what that tool alone needs (reg-probe's HTTP server, say), so no other tool builds it; what
/// every command shares (option groups, `RegTool`) is `RegCommands`. As SwiftPM splits its own
/// command modules.
let tools: [(name: String, command: String, dependencies: [Target.Dependency])] = [
    ("reg-ls", "RegLsCommand", []),
    ("reg-tags", "RegTagsCommand", []),
    ("reg-manifest", "RegManifestCommand", []),
    ("reg-diff", "RegDiffCommand", []),
    ("reg-select", "RegSelectCommand", []),
    ("reg-rm", "RegRmCommand", []),
    ("reg-copy", "RegCopyCommand", []),
    ("reg-seed", "RegSeedCommand", []),
    ("reg-scrape", "RegScrapeCommand", []),
    (
        "reg-probe", "RegProbeCommand",
        [
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]
    ),
]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "reg",
    platforms: [.macOS(.v13)],
    products: tools.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // reg-probe's alone (its command module): the HTTP endpoints and the Prometheus exposition.
        // Hummingbird's default traits pull in swift-configuration, which reg-probe does not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Hummingbird's own floor: reg-probe hands the server and the service group a logger that drops everything.
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
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
            dependencies: ["RegKit", argumentParser],
            swiftSettings: upcoming),
        .testTarget(
            name: "RegKitTests",
            dependencies: ["RegKit"],
            swiftSettings: upcoming),
        .testTarget(
            name: "RegIntegrationTests",
            dependencies: ["RegKit"],
            exclude: ["Support/token-issuer.py", "Support/stall-proxy.py"],
            swiftSettings: upcoming),
    ]
        + tools.map { tool in
            .target(
                name: tool.command,
                dependencies: ["RegCommands", "RegKit", argumentParser] + tool.dependencies,
                swiftSettings: upcoming)
        }
        + tools.map { tool in
            .executableTarget(
                name: tool.name,
                dependencies: [.target(name: tool.command), "RegCommands"],
                path: "Sources/\(tool.name)", swiftSettings: upcoming)
        }
)
