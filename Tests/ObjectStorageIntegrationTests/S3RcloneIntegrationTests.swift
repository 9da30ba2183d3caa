import AssetForgeConfiguration
import Crypto
import Foundation
import NIOCore
import Testing

@testable import ObjectStorage

/// The S3 backend against a second real S3-compatible server, `rclone serve s3`, which checks every request's
/// signature (moto accepts any).
@Suite(.serialized) struct S3RcloneIntegrationTests {
    static let accessKey = "AKIDRCLONETEST"
    static let secretKey = "rclone-test-secret"

    static func credentials(_ secretKey: String = secretKey) -> ObjectStoreCredentials {
        ObjectStoreCredentials(accessKeyID: Secret(accessKey), secretAccessKey: Secret(secretKey))
    }

    static func store(endpoint: URL, bucket: String, secretKey: String = secretKey) -> S3ObjectStore {
        var configuration = S3ObjectStore.Configuration()
        configuration.upload.singlePutThreshold = 5 << 20
        configuration.upload.partSize = 5 << 20
        configuration.upload.initialBackoff = .milliseconds(20)
        configuration.upload.maxAttempts = 2
        return S3ObjectStore(
            bucket: ObjectStoreBucket(bucket: bucket, region: "us-east-1", endpoint: endpoint),
            credentials: credentials(secretKey), configuration: configuration, logger: TestSupport.logger)
    }

    @Test func signedSinglePutAndMultipartRoundTrip() async throws {
        try await withRcloneS3Server(accessKey: Self.accessKey, secretKey: Self.secretKey) { endpoint in
            try await S3TestAdmin(endpoint: endpoint, credentials: Self.credentials()).createBucket("assets")
            let store = Self.store(endpoint: endpoint, bucket: "assets")

            let small = TestSupport.payload(size: 300_000, header: TestSupport.pngHeader)
            let one = try await store.put(
                "assets/MUG-1/marketing-image/one.png", body: TestSupport.chunks(small), contentType: "image/png",
                expectedSize: 300_000)
            #expect(!one.multipart)
            #expect(try await store.get("assets/MUG-1/marketing-image/one.png", maxBytes: 1 << 20) == small)

            let big = TestSupport.payload(size: 12 << 20, header: TestSupport.mp4Header)
            let many = try await store.put(
                "assets/MUG-1/video/many.mp4", body: TestSupport.chunks(big), contentType: "video/mp4",
                expectedSize: nil)
            #expect(many.multipart)
            #expect(many.size == Int64(12 << 20))
            #expect(many.sha256 == Hex.encode(SHA256.hash(data: big.readableBytesView)))
            #expect(try await store.get("assets/MUG-1/video/many.mp4", maxBytes: 16 << 20) == big)
            #expect(try await store.metadata("assets/MUG-1/video/many.mp4")?.size == Int64(12 << 20))
        }
    }

    @Test func aWrongSecretIsRefusedWithAClearError() async throws {
        try await withRcloneS3Server(accessKey: Self.accessKey, secretKey: Self.secretKey) { endpoint in
            try await S3TestAdmin(endpoint: endpoint, credentials: Self.credentials()).createBucket("assets")
            let store = Self.store(endpoint: endpoint, bucket: "assets", secretKey: "not-the-secret")
            let body = TestSupport.payload(size: 1_000, header: TestSupport.pngHeader)
            await #expect {
                _ = try await store.put(
                    "assets/MUG-1/marketing-image/x.png", body: TestSupport.chunks(body), contentType: "image/png",
                    expectedSize: 1_000)
            } throws: { error in
                let error = error as? ObjectStorageError
                return error?.httpStatus == 403 && error?.isRetriable == false
                    && error?.description.contains("AWS_ACCESS_KEY_ID") == true
            }
        }
    }
}
