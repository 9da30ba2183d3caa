import AssetForgeConfiguration
import AssetHTTPServer
import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import NIOCore
import SafeFetch
import Testing

@testable import ObjectStorage

/// The file store and AssetForge's HTTP server: round trip, content types, ranges.
@Suite struct FileStoreIntegrationTests {
    static func temporaryRoot() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent(
            "assetforge-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root.path
    }

    @Test func roundTripServedWithRangesAndContentTypes() async throws {
        let root = try Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = AssetHTTPServer(host: "127.0.0.1", port: 0, fileStoreRoot: root, logger: TestSupport.logger)
        try await TestSupport.withServer({ server.makeApplication(onRunning: $0) }) { port in
            let store = FileObjectStore(path: root, publicBaseURL: URL(string: "http://127.0.0.1:\(port)")!)
            let video = TestSupport.payload(size: 300_000, header: TestSupport.mp4Header)
            let transfer = AssetTransfer(
                store: store, fetcher: SafeFetcher(logger: TestSupport.logger))
            let asset = try await transfer.store(
                TestSupport.chunks(video), expectedSize: 300_000, sku: "MUG-1", kind: "video",
                assetId: TestSupport.assetID)
            #expect(asset.contentType == .mp4)
            #expect(asset.object.key == "assets/MUG-1/video/\(TestSupport.assetID).mp4")
            #expect(asset.object.sha256 == Hex.encode(SHA256.hash(data: video.readableBytesView)))
            #expect(
                asset.url.absoluteString == "http://127.0.0.1:\(port)/assets/MUG-1/video/\(TestSupport.assetID).mp4")
            #expect(try await store.get(asset.object.key, maxBytes: 1 << 20) == video)
            #expect(try await store.metadata(asset.object.key)?.contentType == "video/mp4")
            // No partial files are left.
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/.incoming").isEmpty)

            let full = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: asset.url.absoluteString), timeout: .seconds(10))
            #expect(full.status == .ok)
            #expect(full.headers.first(name: "Content-Type") == "video/mp4")
            #expect(full.headers.first(name: "Accept-Ranges") == "bytes")
            #expect(try await full.body.collect(upTo: 1 << 20) == video)

            var ranged = HTTPClientRequest(url: asset.url.absoluteString)
            ranged.headers.add(name: "Range", value: "bytes=100-1099")
            let partial = try await HTTPClient.shared.execute(ranged, timeout: .seconds(10))
            #expect(partial.status == .partialContent)
            #expect(partial.headers.first(name: "Content-Range") == "bytes 100-1099/300000")
            #expect(try await partial.body.collect(upTo: 1 << 20) == video.getSlice(at: 100, length: 1000))

            var tail = HTTPClientRequest(url: asset.url.absoluteString)
            tail.headers.add(name: "Range", value: "bytes=299000-")
            let end = try await HTTPClient.shared.execute(tail, timeout: .seconds(10))
            #expect(end.status == .partialContent)
            #expect(end.headers.first(name: "Content-Range") == "bytes 299000-299999/300000")
            _ = try await end.body.collect(upTo: 1 << 20)

            let image = try await transfer.store(
                TestSupport.chunks(TestSupport.payload(size: 2_000, header: TestSupport.pngHeader)), expectedSize: nil,
                sku: "MUG-1", kind: "marketing-image", assetId: TestSupport.assetID)
            let png = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: image.url.absoluteString), timeout: .seconds(10))
            #expect(png.headers.first(name: "Content-Type") == "image/png")
            _ = try await png.body.collect(upTo: 1 << 20)

            let health = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(10))
            #expect(health.status == .ok)
            _ = try await health.body.collect(upTo: 1024)

            var traversal = HTTPClientRequest(url: "http://127.0.0.1:\(port)/assets/../.incoming/x")
            traversal.method = .GET
            let refused = try await HTTPClient.shared.execute(traversal, timeout: .seconds(10))
            #expect(refused.status != .ok)
            _ = try await refused.body.collect(upTo: 1 << 20)
        }
    }

    @Test func copyFromAnAllowlistedOriginAndReplayOverwrites() async throws {
        let root = try Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await TestSupport.withServer({ onRunning in
            let router = Router()
            router.get("/result") { _, _ in
                // The provider claims text/plain; sniffing decides.
                Response(
                    status: .ok, headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: TestSupport.payload(size: 50_000, header: TestSupport.pngHeader)))
            }
            router.get("/html") { _, _ in "<html>not an image</html>" }
            return Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
        }) { port in
            var fetch = FetchConfiguration()
            fetch.allowlist = [.address(IPAddress("127.0.0.1")!)]
            let store = FileObjectStore(path: root, publicBaseURL: URL(string: "http://assets.example")!)
            let transfer = AssetTransfer(
                store: store, fetcher: SafeFetcher(configuration: fetch, logger: TestSupport.logger))
            let source = URL(string: "http://127.0.0.1:\(port)/result")!
            let first = try await transfer.copy(
                from: source, sku: "S-1", kind: "marketing-image", assetId: TestSupport.assetID)
            let second = try await transfer.copy(
                from: source, sku: "S-1", kind: "marketing-image", assetId: TestSupport.assetID)
            #expect(first == second)
            #expect(first.object.contentType == "image/png")
            let files = try FileManager.default.subpathsOfDirectory(atPath: "\(root)/assets").filter {
                $0.hasSuffix(".png")
            }
            #expect(files == ["S-1/marketing-image/\(TestSupport.assetID).png"])
            await #expect {
                _ = try await transfer.copy(
                    from: URL(string: "http://127.0.0.1:\(port)/html")!, sku: "S-1", kind: "marketing-image",
                    assetId: TestSupport.assetID)
            } throws: { ($0 as? ObjectStorageError)?.code == .unrecognizedContent }
            await #expect {
                _ = try await transfer.copy(
                    from: source, sku: "S-1", kind: "video", assetId: TestSupport.assetID,
                    accepting: [.mp4, .quickTime])
            } throws: { ($0 as? ObjectStorageError)?.code == .unrecognizedContent }
        }
    }
}
