import AssetForgeConfiguration
import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import NIOCore
import OSSSimulator
import Testing

@testable import ObjectStorage

/// The OSS backend against the Hummingbird OSS simulator on loopback (virtual-hosted names are
/// pinned to 127.0.0.1 with the HTTP client's DNS override).
@Suite struct OSSSimulatorIntegrationTests {
    static let bucketName = "assetforge-test"
    static let region = "cn-hangzhou"
    static let good = ObjectStoreCredentials(accessKeyID: Secret("test-ak"), secretAccessKey: Secret("test-sk"))

    struct Fixture {
        var simulator: OSSSimulator
        var client: HTTPClient
        var port: Int
        var endpointHost: String

        func store(
            credentials: ObjectStoreCredentials = OSSSimulatorIntegrationTests.good,
            configure: (inout OSSObjectStore.Configuration) -> Void = { _ in }
        ) -> OSSObjectStore {
            var configuration = OSSObjectStore.Configuration()
            configuration.upload.singlePutThreshold = 256 << 10
            configuration.upload.partSize = 128 << 10
            configuration.upload.initialBackoff = .milliseconds(10)
            configure(&configuration)
            return OSSObjectStore(
                bucket: ObjectStoreBucket(
                    bucket: OSSSimulatorIntegrationTests.bucketName, region: OSSSimulatorIntegrationTests.region,
                    endpoint: URL(string: "http://\(endpointHost):\(port)")!, keyPrefix: "it"),
                credentials: credentials, configuration: configuration, httpClient: client,
                logger: TestSupport.logger)
        }
    }

    /// Runs `body` with a simulator and a client that sends every OSS host name to it.
    func withSimulator(
        endpointHost: String = "oss-cn-hangzhou.aliyuncs.com", _ body: (Fixture) async throws -> Void
    ) async throws {
        let simulator = OSSSimulator(
            credentials: ["test-ak": "test-sk"], region: Self.region, buckets: [Self.bucketName])
        try await TestSupport.withServer({ simulator.makeApplication(onRunning: $0) }) { port in
            var configuration = HTTPClient.Configuration()
            let publicHost = OSSObjectStore.publicHost(for: endpointHost)
            configuration.dnsOverride["\(Self.bucketName).\(endpointHost)"] = "127.0.0.1"
            configuration.dnsOverride["\(Self.bucketName).\(publicHost)"] = "127.0.0.1"
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                try await body(Fixture(simulator: simulator, client: client, port: port, endpointHost: endpointHost))
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }

    @Test func singlePutRoundTripWithVerifiedChecksums() async throws {
        try await withSimulator { fixture in
            let store = fixture.store()
            let body = TestSupport.payload(size: 100_000, header: TestSupport.pngHeader)
            let stored = try await store.put(
                "assets/MUG-1/marketing-image/a.png", body: TestSupport.chunks(body, chunkSize: 7_000),
                contentType: "image/png", expectedSize: 100_000)
            #expect(!stored.multipart)
            #expect(stored.size == 100_000)
            #expect(stored.sha256 == Hex.encode(SHA256.hash(data: body.readableBytesView)))
            #expect(fixture.simulator.keys(in: Self.bucketName) == ["it/assets/MUG-1/marketing-image/a.png"])
            let metadata = try await store.metadata("assets/MUG-1/marketing-image/a.png")
            #expect(metadata?.size == 100_000)
            #expect(metadata?.contentType == "image/png")
            #expect(try await store.get("assets/MUG-1/marketing-image/a.png", maxBytes: 1 << 20) == body)
            #expect(try await store.metadata("assets/none.png") == nil)
            await #expect {
                _ = try await store.get("assets/none.png", maxBytes: 10)
            } throws: { ($0 as? ObjectStorageError)?.code == .notFound }
        }
    }

    @Test func multipartWithAPartRetriedOnce() async throws {
        try await withSimulator { fixture in
            let store = fixture.store()
            fixture.simulator.inject(.init(.uploadPart(3), status: 503, times: 1))
            let body = TestSupport.payload(size: 1_000_000, header: TestSupport.mp4Header)
            let stored = try await store.put(
                "assets/MUG-1/video/b.mp4", body: TestSupport.chunks(body), contentType: "video/mp4", expectedSize: nil)
            #expect(stored.multipart)
            #expect(stored.size == 1_000_000)
            #expect(fixture.simulator.object("it/assets/MUG-1/video/b.mp4", in: Self.bucketName)?.body == body)
            #expect(fixture.simulator.uploadsInProgress(in: Self.bucketName).isEmpty)
            // A replay overwrites the same object.
            _ = try await store.put(
                "assets/MUG-1/video/b.mp4", body: TestSupport.chunks(body), contentType: "video/mp4", expectedSize: nil)
            #expect(fixture.simulator.keys(in: Self.bucketName) == ["it/assets/MUG-1/video/b.mp4"])
        }
    }

    @Test func knownSizeBelowTheThresholdStreamsInOnePut() async throws {
        try await withSimulator { fixture in
            let store = fixture.store { $0.upload.singlePutThreshold = 2 << 20 }
            let body = TestSupport.payload(size: 900_000, header: TestSupport.mp4Header)
            let stored = try await store.put(
                "assets/MUG-1/video/s.mp4", body: TestSupport.chunks(body), contentType: "video/mp4",
                expectedSize: 900_000)
            #expect(!stored.multipart)
            #expect(fixture.simulator.object("it/assets/MUG-1/video/s.mp4", in: Self.bucketName)?.body == body)
            #expect(fixture.simulator.uploadsInProgress(in: Self.bucketName).isEmpty)

            // A source that stops short of its announced size leaves nothing behind.
            await #expect {
                _ = try await store.put(
                    "assets/MUG-1/video/t.mp4", body: TestSupport.chunks(body), contentType: "video/mp4",
                    expectedSize: 1_000_000)
            } throws: { ($0 as? ObjectStorageError)?.code == .sourceFailed }
            #expect(fixture.simulator.object("it/assets/MUG-1/video/t.mp4", in: Self.bucketName) == nil)
        }
    }

    @Test func permanentPartFailureAbortsTheUpload() async throws {
        try await withSimulator { fixture in
            let store = fixture.store { $0.upload.maxAttempts = 2 }
            fixture.simulator.inject(.init(.uploadPart(2), status: 500, times: nil))
            let body = TestSupport.payload(size: 700_000, header: TestSupport.mp4Header)
            await #expect {
                _ = try await store.put(
                    "assets/MUG-1/video/c.mp4", body: TestSupport.chunks(body), contentType: "video/mp4",
                    expectedSize: nil)
            } throws: { error in
                (error as? ObjectStorageError)?.code == .serviceError
                    && (error as? ObjectStorageError)?.httpStatus == 500
            }
            #expect(fixture.simulator.uploadsInProgress(in: Self.bucketName).isEmpty)
            #expect(fixture.simulator.keys(in: Self.bucketName).isEmpty)
        }
    }

    @Test func truncatedSourceAbortsTheUpload() async throws {
        try await withSimulator { fixture in
            let store = fixture.store()
            let body = TestSupport.payload(size: 600_000, header: TestSupport.mp4Header)
            await #expect {
                _ = try await store.put(
                    "assets/MUG-1/video/d.mp4", body: TestSupport.chunks(body), contentType: "video/mp4",
                    expectedSize: 700_000)
            } throws: { ($0 as? ObjectStorageError)?.code == .sizeMismatch }
            #expect(fixture.simulator.uploadsInProgress(in: Self.bucketName).isEmpty)
            #expect(fixture.simulator.keys(in: Self.bucketName).isEmpty)
        }
    }

    @Test func wrongSecretIsRejected() async throws {
        try await withSimulator { fixture in
            let store = fixture.store(
                credentials: ObjectStoreCredentials(accessKeyID: Secret("test-ak"), secretAccessKey: Secret("wrong")))
            await #expect {
                _ = try await store.put(
                    "assets/x.json", body: TestSupport.chunks(ByteBuffer(string: "{}")),
                    contentType: "application/json",
                    expectedSize: nil)
            } throws: { error in
                let error = error as? ObjectStorageError
                return error?.code == .accessDenied && error?.serviceCode == "SignatureDoesNotMatch"
                    && error?.requestID != nil
            }
            let unknown = fixture.store(
                credentials: ObjectStoreCredentials(accessKeyID: Secret("nobody"), secretAccessKey: Secret("test-sk")))
            await #expect {
                _ = try await unknown.get("assets/x.json", maxBytes: 1024)
            } throws: { ($0 as? ObjectStorageError)?.serviceCode == "InvalidAccessKeyId" }
            // HEAD answers carry no body, so only the status tells.
            await #expect {
                _ = try await unknown.metadata("assets/x.json")
            } throws: { ($0 as? ObjectStorageError)?.code == .accessDenied }
        }
    }

    @Test func presignedURLFromAnInternalEndpointUsesThePublicHostAndVerifies() async throws {
        try await withSimulator(endpointHost: "oss-cn-hangzhou-internal.aliyuncs.com") { fixture in
            let store = fixture.store { $0.publicURLStyle = .presigned(seconds: 600) }
            let body = ByteBuffer(string: "{\"title\":\"mug\"}")
            _ = try await store.put(
                "assets/MUG-1/copy/e.json", body: TestSupport.chunks(body), contentType: "application/json",
                expectedSize: nil)
            let url = try await store.url(for: "assets/MUG-1/copy/e.json")
            #expect(url.host == "\(Self.bucketName).oss-cn-hangzhou.aliyuncs.com")
            #expect(url.query?.contains("x-oss-signature=") == true)
            let response = try await fixture.client.execute(
                HTTPClientRequest(url: url.absoluteString), timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(try await response.body.collect(upTo: 1 << 20) == body)

            var tampered = HTTPClientRequest(url: url.absoluteString.replacingOccurrences(of: "e.json", with: "f.json"))
            tampered.method = .GET
            let refused = try await fixture.client.execute(tampered, timeout: .seconds(10))
            #expect(refused.status == .forbidden)
            _ = try await refused.body.collect(upTo: 1 << 20)
        }
    }

    @Test func directAndCDNURLs() async throws {
        try await withSimulator { fixture in
            let direct = fixture.store { $0.publicURLStyle = .direct }
            let directURL = try await direct.url(for: "assets/S/video/x.mp4")
            #expect(
                directURL.absoluteString
                    == "http://\(Self.bucketName).oss-cn-hangzhou.aliyuncs.com:\(fixture.port)/it/assets/S/video/x.mp4")
            let cdn = fixture.store { $0.publicURLStyle = .cdn(baseURL: URL(string: "https://cdn.example.com/")!) }
            let cdnURL = try await cdn.url(for: "assets/S/video/x.mp4")
            #expect(
                cdnURL.absoluteString
                    == "https://cdn.example.com/it/assets/S/video/x.mp4")
        }
    }
}
