// swift-tools-version: 6.2
// Benchmarks for AssetForge, kept in their own package so they stay out of the root build and `swift test`.
// Run from the repository root: swift run -c release --package-path Benchmarks kafka-benchmark --help
import PackageDescription

let package = Package(
    name: "AssetForgeBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kafka-benchmark", targets: ["KafkaBenchmark"]),
    ],
    dependencies: [
        // Named explicitly: a path dependency's identity is otherwise its directory's name (a checkout or worktree).
        .package(name: "AssetForge", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // librdkafka's own produce and consume loops in plain C: the reference the Swift binding is measured against.
        // The header <librdkafka/rdkafka.h> comes from the compiler's standard include path (/usr/local/include or
        // /usr/include); the library is linked here and, with pkg-config's -L, through the Kafka product.
        .target(
            name: "CKafkaLoops",
            linkerSettings: [.linkedLibrary("rdkafka")]
        ),
        // Produce and consume throughput of the Swift binding against the C loops, interleaved, against one broker.
        .executableTarget(
            name: "KafkaBenchmark",
            dependencies: [
                "CKafkaLoops",
                .product(name: "Kafka", package: "AssetForge"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
