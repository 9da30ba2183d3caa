// swift-tools-version: 6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "AssetForge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "assetforge", targets: ["AssetForgeCLI"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .library(name: "AssetForgeConfiguration", targets: ["AssetForgeConfiguration"]),
        .library(name: "Events", targets: ["Events"]),
        .library(name: "EventIntake", targets: ["EventIntake"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
    ],
    targets: [
        // Thin system-library binding of librdkafka (pkg-config name `rdkafka`, >= 2.2).
        .systemLibrary(
            name: "CRDKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // Async, Sendable Kafka producer and consumer over librdkafka.
        .target(
            name: "Kafka",
            dependencies: [
                "CRDKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),
        // One configuration file plus environment overrides, validated at start.
        .target(
            name: "AssetForgeConfiguration",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: strictSettings
        ),
        // The event contract in Swift: models, decoding and validation, encoding, dead-letter headers. No Kafka.
        .target(
            name: "Events",
            swiftSettings: strictSettings
        ),
        // Consumes the input topics, hands valid events to the application, dead-letters the rest.
        .target(
            name: "EventIntake",
            dependencies: [
                "Kafka",
                "Events",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "AssetForgeCLI",
            dependencies: [
                "Kafka",
                "AssetForgeConfiguration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: ["Kafka"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KafkaIntegrationTests",
            dependencies: ["Kafka"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EventsTests",
            dependencies: ["Events"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EventIntakeTests",
            dependencies: [
                "EventIntake",
                "Events",
                "Kafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EventIntakeIntegrationTests",
            dependencies: [
                "EventIntake",
                "Events",
                "Kafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AssetForgeConfigurationTests",
            dependencies: ["AssetForgeConfiguration"],
            swiftSettings: strictSettings
        ),
    ]
)
