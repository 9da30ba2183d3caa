// swift-tools-version: 6.2
// Event decoding benchmark for AssetForge, in its own package so it stays out of the root build and `swift test`.
// Run from the repository root: swift run -c release --package-path Benchmarks/Events event-benchmark --help
import PackageDescription

let package = Package(
    name: "EventBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "event-benchmark", targets: ["EventBenchmark"]),
    ],
    dependencies: [
        // Named explicitly: a path dependency's identity is otherwise its directory's name (a checkout or worktree).
        .package(name: "AssetForge", path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Decoding and validating typical events on one core, beside the raw consume loop's cost per message.
        .executableTarget(
            name: "EventBenchmark",
            dependencies: [
                .product(name: "Events", package: "AssetForge"),
                .product(name: "Kafka", package: "AssetForge"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
