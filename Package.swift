// swift-tools-version:6.1
import PackageDescription

/// One settings array for every target (Swift 6 language mode, strict concurrency).
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Herold",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "herold", targets: ["herold"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries, wrapped by exactly one Swift target each.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),

        .target(name: "Markup", dependencies: ["CLibXML2"], swiftSettings: settings),
        .target(name: "FeedModel", swiftSettings: settings),
        .target(
            name: "Config",
            dependencies: ["FeedModel", .product(name: "Yams", package: "Yams")],
            swiftSettings: settings
        ),
        .target(
            name: "Fetching",
            dependencies: ["CCurl", "FeedModel", .product(name: "Logging", package: "swift-log")],
            swiftSettings: settings
        ),
        .target(name: "FeedParsing", dependencies: ["Markup", "FeedModel"], swiftSettings: settings),
        .target(name: "Extraction", dependencies: ["Markup", "FeedModel", "FeedParsing"], swiftSettings: settings),
        .target(
            name: "Archive",
            dependencies: [
                "FeedModel", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: settings
        ),
        .target(name: "Syndication", dependencies: ["FeedModel", "Archive"], swiftSettings: settings),
        .target(
            name: "Pipeline",
            dependencies: [
                "FeedModel", "Config", "Fetching", "FeedParsing", "Extraction", "Archive", "Syndication",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "Serving",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .target(
            name: "Daemon",
            dependencies: [
                "Pipeline", "Archive", "Config", "Fetching", "FeedModel",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .executableTarget(
            name: "herold",
            dependencies: [
                "Pipeline", "Serving", "Daemon", "Archive", "Config", "Fetching", "FeedParsing", "Extraction", "FeedModel",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),

        .executableTarget(
            name: "herold-bench",
            dependencies: [
                "Pipeline", "Config", "Fetching", "FeedParsing", "Extraction", "Archive", "Syndication", "FeedModel",
                "Markup", "TestSupport", "Serving",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),

        // Test helpers: a loopback HTTP server, fixture lookup, a log recorder.
        .target(
            name: "TestSupport", dependencies: ["Markup", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport", swiftSettings: settings),

        .testTarget(name: "MarkupTests", dependencies: ["Markup", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "FeedModel"], swiftSettings: settings),
        .testTarget(
            name: "FetchingTests",
            dependencies: ["Fetching", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: settings),
        .testTarget(
            name: "FeedParsingTests", dependencies: ["FeedParsing", "Markup", "TestSupport"], exclude: ["Fixtures"],
            swiftSettings: settings),
        .testTarget(
            name: "ExtractionTests", dependencies: ["Extraction", "Markup", "TestSupport"], exclude: ["Fixtures"],
            swiftSettings: settings),
        .testTarget(
            name: "ArchiveTests", dependencies: ["Archive", "FeedModel", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: settings),
        .testTarget(
            name: "SyndicationTests", dependencies: ["Syndication", "Archive", "Markup", "FeedModel", "TestSupport"],
            exclude: ["Fixtures"], swiftSettings: settings),
        .testTarget(
            name: "ServingTests",
            dependencies: [
                "Serving", "Pipeline", "Syndication", "Config", "Archive", "FeedModel", "Markup", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "Pipeline", "Archive", "Config", "Fetching", "FeedModel", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Config", "Archive", "Markup", "Fetching", "FeedModel", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
    ]
)
