import AssetForgeConfiguration
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import Testing

@testable import ObjectStorage

/// The S3 backend against a real S3-compatible server: moto, started by the tests on a free port.
@Suite(.serialized) struct S3MotoIntegrationTests {
    static let credentials = ObjectStoreCredentials(
        accessKeyID: Secret("AKIDTESTTESTTEST"), secretAccessKey: Secret("test-secret"))

    static func store(endpoint: URL, bucket: String, configure: (inout S3ObjectStore.Configuration) -> Void = { _ in })
        -> S3ObjectStore
    {
        var configuration = S3ObjectStore.Configuration()
        configuration.upload.singlePutThreshold = 5 << 20
        configuration.upload.partSize = 5 << 20
        configuration.upload.initialBackoff = .milliseconds(20)
        configure(&configuration)
        return S3ObjectStore(
            bucket: ObjectStoreBucket(bucket: bucket, region: "us-east-1", endpoint: endpoint),
            credentials: credentials, configuration: configuration, logger: TestSupport.logger)
    }

    /// moto with `bucket` created, behind a ``FaultInjectingProxy`` that `faults` sets up; `body` gets the proxy, a
    /// store that goes through it (made with `configure`), and moto's admin calls.
    static func withStoreBehindProxy(
        bucket: String, faults: (FaultInjectingProxy) -> Void = { _ in },
        configure: (inout S3ObjectStore.Configuration) -> Void = { _ in },
        _ body: (FaultInjectingProxy, S3ObjectStore, S3TestAdmin) async throws -> Void
    ) async throws {
        try await withMotoServer { endpoint in
            let admin = S3TestAdmin(endpoint: endpoint, credentials: credentials)
            try await admin.createBucket(bucket)
            let proxy = FaultInjectingProxy(upstreamPort: endpoint.port!)
            faults(proxy)
            try await TestSupport.withServer({ proxy.makeApplication(onRunning: $0) }) { proxyPort in
                let store = Self.store(
                    endpoint: URL(string: "http://127.0.0.1:\(proxyPort)")!, bucket: bucket, configure: configure)
                try await body(proxy, store, admin)
            }
        }
    }

    @Test func singlePutRoundTripAndURLs() async throws {
        try await withMotoServer { endpoint in
            let admin = S3TestAdmin(endpoint: endpoint, credentials: Self.credentials)
            try await admin.createBucket("assets-small")
            let store = Self.store(endpoint: endpoint, bucket: "assets-small") {
                $0.publicURLStyle = .presigned(seconds: 300)
            }
            let body = TestSupport.payload(size: 300_000, header: TestSupport.pngHeader)
            let key = try AssetObjectKey(
                sku: "MUG-1", kind: "marketing-image", assetId: TestSupport.assetID, contentType: .png
            ).key
            let stored = try await store.put(
                key, body: TestSupport.chunks(body), contentType: "image/png", expectedSize: 300_000)
            #expect(!stored.multipart)
            #expect(stored.sha256 == Hex.encode(SHA256.hash(data: body.readableBytesView)))
            #expect(try await store.metadata(key)?.size == 300_000)
            #expect(try await store.metadata(key)?.contentType == "image/png")
            #expect(try await store.get(key, maxBytes: 1 << 20) == body)

            let url = try await store.url(for: key)
            #expect(url.absoluteString.hasPrefix("\(endpoint.absoluteString)/assets-small/assets/MUG-1/"))
            #expect(url.query?.contains("X-Amz-Signature=") == true)
            let response = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: url.absoluteString), timeout: .seconds(10))
            #expect(response.status == .ok)
            #expect(try await response.body.collect(upTo: 1 << 20) == body)

            try await store.delete(key)
            #expect(try await store.metadata(key) == nil)
        }
    }

    @Test func fiftyMegabyteMultipartSurvivesAFailedPart() async throws {
        try await Self.withStoreBehindProxy(bucket: "assets-big", faults: { $0.failPart(2, times: 1) }) {
            proxy, store, admin in
            let body = TestSupport.payload(size: 50 << 20, header: TestSupport.mp4Header)
            let stored = try await store.put(
                "assets/SKU-9/video/big.mp4", body: TestSupport.chunks(body, chunkSize: 256 << 10),
                contentType: "video/mp4", expectedSize: Int64(50 << 20))
            #expect(stored.multipart)
            #expect(stored.size == Int64(50 << 20))
            #expect(stored.etag?.contains("-10") == true)
            #expect(stored.sha256 == Hex.encode(SHA256.hash(data: body.readableBytesView)))
            #expect(proxy.failuresServed.withLock { $0 } == 1)
            let back = try await store.get("assets/SKU-9/video/big.mp4", maxBytes: 64 << 20)
            #expect(back == body)
            #expect(try await admin.multipartUploadsInProgress("assets-big").isEmpty)
        }
    }

    /// Parts go without Content-MD5 when their ETags are checked: a part damaged on the way is caught by its ETag and
    /// sent again.
    @Test func aPartDamagedOnTheWayIsCaughtByItsETagAndSentAgain() async throws {
        try await Self.withStoreBehindProxy(bucket: "assets-damaged", faults: { $0.corruptPart(2, times: 1) }) {
            proxy, store, _ in
            let body = TestSupport.payload(size: 12 << 20, header: TestSupport.mp4Header)
            let stored = try await store.put(
                "assets/SKU-9/video/damaged.mp4", body: TestSupport.chunks(body), contentType: "video/mp4",
                expectedSize: nil)
            #expect(stored.multipart)
            #expect(proxy.corruptionsServed.withLock { $0 } == 1)
            // Parts 1, 2 (damaged), 2 again, 3; none with Content-MD5.
            #expect(proxy.partContentMD5s.withLock { $0 } == [nil, nil, nil, nil])
            #expect(try await store.get("assets/SKU-9/video/damaged.mp4", maxBytes: 16 << 20) == body)
        }
    }

    /// With ETag checks off (SSE-KMS or SSE-C buckets), each part carries its Content-MD5 for the store to check.
    @Test func withoutETagChecksPartsCarryContentMD5() async throws {
        try await Self.withStoreBehindProxy(bucket: "assets-kms", configure: { $0.verifiesETag = false }) {
            proxy, store, _ in
            let body = TestSupport.payload(size: 12 << 20, header: TestSupport.mp4Header)
            _ = try await store.put(
                "assets/SKU-9/video/kms.mp4", body: TestSupport.chunks(body), contentType: "video/mp4",
                expectedSize: nil)
            let partSize = 5 << 20
            let expected = stride(from: 0, to: body.readableBytes, by: partSize).map { offset in
                let part = body.getSlice(at: offset, length: min(partSize, body.readableBytes - offset))!
                return Data(Insecure.MD5.hash(data: part.readableBytesView)).base64EncodedString()
            }
            #expect(Set(proxy.partContentMD5s.withLock { $0 }.compactMap { $0 }) == Set(expected))
            #expect(proxy.partContentMD5s.withLock { $0 }.count == 3)
            #expect(try await store.get("assets/SKU-9/video/kms.mp4", maxBytes: 16 << 20) == body)
        }
    }

    @Test func knownSizeBelowTheThresholdStreamsInOnePut() async throws {
        try await withMotoServer { endpoint in
            let admin = S3TestAdmin(endpoint: endpoint, credentials: Self.credentials)
            try await admin.createBucket("assets-stream")
            let store = Self.store(endpoint: endpoint, bucket: "assets-stream") {
                $0.upload.singlePutThreshold = 64 << 20
            }
            let body = TestSupport.payload(size: 12 << 20, header: TestSupport.mp4Header)
            let stored = try await store.put(
                "assets/SKU-9/video/one.mp4", body: TestSupport.chunks(body), contentType: "video/mp4",
                expectedSize: Int64(12 << 20))
            #expect(!stored.multipart)
            #expect(stored.etag?.contains("-") == false)
            #expect(try await store.get("assets/SKU-9/video/one.mp4", maxBytes: 16 << 20) == body)
        }
    }

    @Test func permanentPartFailureAbortsTheMultipartUpload() async throws {
        try await Self.withStoreBehindProxy(
            bucket: "assets-fail", faults: { $0.failPart(2, times: nil) }, configure: { $0.upload.maxAttempts = 3 }
        ) { proxy, store, admin in
            let body = TestSupport.payload(size: 12 << 20, header: TestSupport.mp4Header)
            await #expect {
                _ = try await store.put(
                    "assets/SKU-9/video/broken.mp4", body: TestSupport.chunks(body), contentType: "video/mp4",
                    expectedSize: nil)
            } throws: { error in
                let error = error as? ObjectStorageError
                return error?.code == .serviceError && error?.httpStatus == 500 && error?.isRetriable == true
            }
            #expect(proxy.failuresServed.withLock { $0 } == 3)
            let inProgress = try await admin.multipartUploadsInProgress("assets-fail")
            #expect(inProgress.isEmpty)
            let leftover = try await store.metadata("assets/SKU-9/video/broken.mp4")
            #expect(leftover == nil)
        }
    }

    @Test func missingBucketSaysWhatToDo() async throws {
        try await withMotoServer { endpoint in
            let store = Self.store(endpoint: endpoint, bucket: "no-such-bucket")
            await #expect {
                _ = try await store.put(
                    "assets/x.json", body: TestSupport.chunks(ByteBuffer(string: "{}")),
                    contentType: "application/json",
                    expectedSize: nil)
            } throws: { error in
                let error = error as? ObjectStorageError
                return error?.code == .notFound && error?.serviceCode == "NoSuchBucket"
                    && error?.description.contains("create the bucket") == true
            }
        }
    }
}
