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
        .library(name: "ObjectStorage", targets: ["ObjectStorage"]),
        .library(name: "SafeFetch", targets: ["SafeFetch"]),
        .library(name: "OSSSimulator", targets: ["OSSSimulator"]),
        .library(name: "AssetHTTPServer", targets: ["AssetHTTPServer"]),
        .library(name: "ProviderSimulator", targets: ["ProviderSimulator"]),
        .library(name: "Providers", targets: ["Providers"]),
        .library(name: "AssetImaging", targets: ["AssetImaging"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
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
                "ObjectStorage",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // SSRF-safe streaming downloads: scheme and address checks, pinned connections, manual redirects.
        .target(
            name: "SafeFetch",
            dependencies: [
                "AssetForgeConfiguration",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Object stores (OSS, S3, local files), request signing, key scheme and content sniffing.
        .target(
            name: "ObjectStorage",
            dependencies: [
                "AssetForgeConfiguration",
                "SafeFetch",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // An in-memory OSS endpoint (native API, V4 signature checks) for tests and the provider simulator.
        .target(
            name: "OSSSimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // AssetForge's HTTP server: file-store assets (ranges, content types) and /healthz.
        .target(
            name: "AssetHTTPServer",
            dependencies: [
                "AssetForgeConfiguration",
                "ObjectStorage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Thin system-library binding of libvips (pkg-config name `vips`); static inline shims in shim.h.
        .systemLibrary(
            name: "CVips",
            pkgConfig: "vips",
            providers: [.apt(["libvips-dev"])]
        ),
        // Image inspection and preparation (cut-outs, aspect-ratio fitting, decompression-bomb limits).
        .target(
            name: "AssetImaging",
            dependencies: ["CVips"],
            swiftSettings: strictSettings
        ),
        // A loopback HTTP server speaking the DashScope, Kling, MiniMax and Volcengine APIs, with fault injection.
        .target(
            name: "ProviderSimulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        // A value behind one shared reference, copied on write: keeps large values small in async frames.
        .target(
            name: "CopyOnWrite",
            swiftSettings: strictSettings
        ),
        // Vendor clients and the per-provider actors (limits, retries, breakers, budgets, fallback).
        .target(
            name: "Providers",
            dependencies: [
                "AssetForgeConfiguration",
                "CopyOnWrite",
                "AssetImaging",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The durable idempotency ledger: the LedgerStore protocol (leases, fencing), its SQLite and PostgreSQL backends.
        .target(
            name: "Ledger",
            dependencies: [
                "AssetForgeConfiguration",
                "CopyOnWrite",
                "Events",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Events → commands → provider actors → object storage → asset.ready, run from the ledger.
        .target(
            name: "Pipeline",
            dependencies: [
                "AssetForgeConfiguration",
                "AssetHTTPServer",
                "AssetImaging",
                "EventIntake",
                "Events",
                "Kafka",
                "Ledger",
                "ObjectStorage",
                "Providers",
                "SafeFetch",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "AssetForgeCLI",
            dependencies: [
                "Kafka",
                "Pipeline",
                "Events",
                "Providers",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "AssetForgeConfiguration",
                "ProviderSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings,
            // jemalloc (Debian's libjemalloc-dev) replaces glibc's malloc in the service process: replaying a topic
            // allocates and frees ~1 KB envelopes across threads, where glibc's allocator took a third of the CPU
            // (BENCHMARKS.md, replay).
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: [
                "Ledger",
                "Events",
                "AssetForgeConfiguration",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                "PostgresTestSupport",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "Events", "Ledger"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PipelineIntegrationTests",
            dependencies: [
                "Pipeline",
                "Ledger",
                "KafkaTestSupport",
                "PostgresTestSupport",
                "ProviderSimulator",
                "Providers",
                "Events",
                "Kafka",
                "AssetForgeConfiguration",
                "AssetImaging",
                "ObjectStorage",
                "SafeFetch",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: ["Kafka", "CRDKafka", "KafkaTestSupport"],
            swiftSettings: strictSettings
        ),
        // Shared by tests that run helper programs (Python cross-checks): child processes off the cooperative pool.
        .target(
            name: "ProcessTestSupport",
            path: "Tests/ProcessTestSupport",
            swiftSettings: strictSettings
        ),
        // Shared by the integration tests: the test broker, unique names, bounded waits.
        .target(
            name: "KafkaTestSupport",
            dependencies: ["Kafka"],
            path: "Tests/KafkaTestSupport",
            swiftSettings: strictSettings
        ),
        // Shared by the tests that need PostgreSQL: the test server (ASSETFORGE_TEST_POSTGRES_URL), a fresh
        // database per test, statements as its superuser.
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                "Ledger",
                "AssetForgeConfiguration",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/PostgresTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KafkaIntegrationTests",
            dependencies: ["Kafka", "KafkaTestSupport"],
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
                "ObjectStorage",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EventIntakeIntegrationTests",
            dependencies: [
                "EventIntake",
                "KafkaTestSupport",
                "Events",
                "Kafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ObjectStorageTests",
            // Every module the tests import is named: an undeclared (transitive) one is not rebuilt when it changes.
            dependencies: [
                "ObjectStorage", "SafeFetch", "AssetForgeConfiguration",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ObjectStorageIntegrationTests",
            dependencies: [
                "ProcessTestSupport",
                "AssetForgeConfiguration",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                "ObjectStorage",
                "SafeFetch",
                "OSSSimulator",
                "AssetHTTPServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AssetForgeConfigurationTests",
            dependencies: ["AssetForgeConfiguration"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProviderSimulatorTests",
            dependencies: [
                "ProviderSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AssetImagingTests",
            dependencies: ["AssetImaging", "ProviderSimulator"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ProvidersTests",
            dependencies: [
                "ProcessTestSupport",
                .product(name: "Logging", package: "swift-log"),
                "Providers",
                "ProviderSimulator",
                "AssetImaging",
                "AssetForgeConfiguration",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
