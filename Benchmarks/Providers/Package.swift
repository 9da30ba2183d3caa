// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A path dependency's identity is its folder name, which differs between checkouts (worktrees, CI clones).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let assetForge = root.lastPathComponent

let package = Package(
    name: "ProvidersBenchmark",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "ProvidersBenchmark",
            dependencies: [
                .product(name: "Providers", package: assetForge),
                .product(name: "ProviderSimulator", package: assetForge),
                .product(name: "AssetForgeConfiguration", package: assetForge),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
