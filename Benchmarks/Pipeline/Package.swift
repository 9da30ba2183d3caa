// swift-tools-version: 6.2
// Pipeline benchmarks for AssetForge, in their own package so they stay out of the root build and `swift test`.
// Run from the repository root: swift run -c release --package-path Benchmarks/Pipeline pipeline-benchmark --help
import PackageDescription

let package = Package(
    name: "PipelineBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pipeline-benchmark", targets: ["PipelineBenchmark"]),
    ],
    dependencies: [
        // Named explicitly: a path dependency's identity is otherwise its directory's name (a checkout or worktree).
        .package(name: "AssetForge", path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // A relay loop in plain C over librdkafka: consume one, produce N, commit. No application work.
        // <librdkafka/rdkafka.h> comes from the standard include path; the library is linked here.
        .target(
            name: "CRelayLoop",
            linkerSettings: [.linkedLibrary("rdkafka")]
        ),
        // Replay of already-published events: AssetForge's intake path against the C relay loop, interleaved.
        .executableTarget(
            name: "PipelineBenchmark",
            dependencies: [
                "CRelayLoop",
                .product(name: "Pipeline", package: "AssetForge"),
                .product(name: "EventIntake", package: "AssetForge"),
                .product(name: "Ledger", package: "AssetForge"),
                .product(name: "Events", package: "AssetForge"),
                .product(name: "Kafka", package: "AssetForge"),
                .product(name: "Providers", package: "AssetForge"),
                .product(name: "ProviderSimulator", package: "AssetForge"),
                .product(name: "AssetForgeConfiguration", package: "AssetForge"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)],
            // The allocator the service links (see the root package's AssetForgeCLI); the C relay loop runs in this
            // process too, so both sides of the replay comparison use it.
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
    ]
)
