// swift-tools-version: 6.2
// Object-storage benchmark for AssetForge, in its own package so it stays out of the root build and `swift test`.
// Run from the repository root: swift run -c release --package-path Benchmarks/Storage storage-benchmark --help
import PackageDescription

let package = Package(
    name: "AssetForgeStorageBenchmark",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "storage-benchmark", targets: ["StorageBenchmark"])
    ],
    dependencies: [
        // Named explicitly: a path dependency's identity is otherwise its directory's name (a checkout or worktree).
        .package(name: "AssetForge", path: "../.."),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Streams a large result from a local HTTP server into the S3 backend (moto) and compares with curl.
        .executableTarget(
            name: "StorageBenchmark",
            dependencies: [
                .product(name: "ObjectStorage", package: "AssetForge"),
                .product(name: "SafeFetch", package: "AssetForge"),
                .product(name: "AssetForgeConfiguration", package: "AssetForge"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
