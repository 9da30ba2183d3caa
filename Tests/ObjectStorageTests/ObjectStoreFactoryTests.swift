import AssetForgeConfiguration
import Foundation
import Logging
import Testing

@testable import ObjectStorage

/// Choosing and building the store from `ASSETFORGE_STORE_URL` and the credentials.
@Suite struct ObjectStoreFactoryTests {
    let logger = Logger(label: "test")

    @Test func fileStoreUsesThePublicBaseURL() async throws {
        var configuration = AssetForgeConfiguration()
        configuration.store.location = .file(path: "/tmp/assetforge-factory-test")
        configuration.http.port = 0
        var options = ObjectStoreOptions()
        options.boundHTTPPort = 41_234
        let store = try configuration.makeObjectStore(options: options, logger: logger)
        let file = try #require(store as? FileObjectStore)
        #expect(
            try await file.url(for: "assets/S/video/a.mp4").absoluteString
                == "http://127.0.0.1:41234/assets/S/video/a.mp4")
        configuration.http.publicBaseURL = URL(string: "https://assets.example.com/forge")
        let behindProxy = try configuration.makeObjectStore(logger: logger)
        #expect(
            try await behindProxy.url(for: "assets/S/video/a.mp4").absoluteString
                == "https://assets.example.com/forge/assets/S/video/a.mp4")
    }

    @Test func bucketStoresNeedTheirOwnCredentials() throws {
        var configuration = AssetForgeConfiguration()
        configuration.store.location = try AssetStoreLocation(parsing: "oss://bucket-a/prefix?region=cn-hangzhou")
        configuration.store.awsAccessKeyID = Secret("aws")
        configuration.store.awsSecretAccessKey = Secret("aws")
        #expect {
            _ = try configuration.makeObjectStore(logger: logger)
        } throws: { error in
            let error = error as? ObjectStorageError
            return error?.code == .invalidConfiguration && error?.message.contains("OSS_ACCESS_KEY_ID") == true
        }
        configuration.store.ossAccessKeyID = Secret("oss")
        configuration.store.ossAccessKeySecret = Secret("oss")
        let oss = try #require(try configuration.makeObjectStore(logger: logger) as? OSSObjectStore)
        #expect(oss.bucket.keyPrefix == "prefix")

        configuration.store.location = try AssetStoreLocation(
            parsing: "s3://bucket-b?region=us-east-1&endpoint=http://127.0.0.1:9000")
        #expect(try configuration.makeObjectStore(logger: logger) is S3ObjectStore)
    }

    @Test func ossPresignedURLsUseThePublicHostOfAnInternalEndpoint() async throws {
        let store = OSSObjectStore(
            bucket: ObjectStoreBucket(
                bucket: "bucket-a", region: "cn-hangzhou",
                endpoint: URL(string: "https://oss-cn-hangzhou-internal.aliyuncs.com")!),
            credentials: ObjectStoreCredentials(accessKeyID: Secret("ak"), secretAccessKey: Secret("sk")),
            logger: logger)
        let url = try await store.url(for: "assets/S/copy/a.json")
        #expect(url.host == "bucket-a.oss-cn-hangzhou.aliyuncs.com")
        #expect(url.path == "/assets/S/copy/a.json")
        #expect(url.query?.contains("x-oss-expires=86400") == true)
        #expect(
            OSSObjectStore.publicHost(for: "s3.oss-cn-beijing-internal.aliyuncs.com")
                == "s3.oss-cn-beijing.aliyuncs.com")
        #expect(OSSObjectStore.publicHost(for: "cdn.example.com") == "cdn.example.com")
    }

    @Test func s3AddressingFollowsTheEndpoint() async throws {
        let credentials = ObjectStoreCredentials(accessKeyID: Secret("ak"), secretAccessKey: Secret("sk"))
        var configuration = S3ObjectStore.Configuration()
        configuration.publicURLStyle = .direct
        let aws = S3ObjectStore(
            bucket: ObjectStoreBucket(
                bucket: "bucket-b", region: "eu-west-1", endpoint: URL(string: "https://s3.eu-west-1.amazonaws.com")!),
            credentials: credentials, configuration: configuration, logger: logger)
        #expect(
            try await aws.url(for: "assets/a b.png").absoluteString
                == "https://bucket-b.s3.eu-west-1.amazonaws.com/assets/a%20b.png")
        let local = S3ObjectStore(
            bucket: ObjectStoreBucket(
                bucket: "bucket-b", region: "us-east-1", endpoint: URL(string: "http://localhost:9000")!),
            credentials: credentials, configuration: configuration, logger: logger)
        #expect(
            try await local.url(for: "assets/a.png").absoluteString == "http://localhost:9000/bucket-b/assets/a.png")
    }

    @Test func memoryStoreRoundTrip() async throws {
        let store = MemoryObjectStore()
        let stored = try await store.put(
            "assets/a.json",
            body: AsyncStream {
                $0.yield(.init(string: "{}"))
                $0.finish()
            },
            contentType: "application/json", expectedSize: 2)
        #expect(stored.sha256 == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        #expect(store.keys == ["assets/a.json"])
    }
}

@Suite("Store options from the configuration")
struct StoreOptionsFromConfigurationTests {
    @Test func defaultsAreOneDayPresignedURLsAnd64MiBSinglePuts() throws {
        let options = try ObjectStoreOptions(store: AssetForgeConfiguration.Store())
        #expect(options.publicURLStyle == .presigned(seconds: 86_400))
        #expect(options.upload == UploadConfiguration())
    }

    @Test func environmentSettingsReachTheStore() async throws {
        let configuration = try await AssetForgeConfiguration.load(environment: [
            "ASSETFORGE_STORE_PUBLIC_URL_STYLE": "cdn", "ASSETFORGE_STORE_CDN_BASE_URL": "https://cdn.example.com/a",
            "ASSETFORGE_STORE_MULTIPART_THRESHOLD_BYTES": "1048576", "ASSETFORGE_STORE_PART_SIZE_BYTES": "5242880",
            "ASSETFORGE_STORE_PART_CONCURRENCY": "3",
        ])
        let options = try ObjectStoreOptions(store: configuration.store)
        #expect(options.publicURLStyle == .cdn(baseURL: try #require(URL(string: "https://cdn.example.com/a"))))
        #expect(options.upload.singlePutThreshold == 1 << 20)
        #expect(options.upload.partSize == 5 << 20)
        #expect(options.upload.partConcurrency == 3)
        let presigned = try await AssetForgeConfiguration.load(environment: ["ASSETFORGE_STORE_PRESIGN_SECONDS": "600"])
        #expect(try ObjectStoreOptions(store: presigned.store).publicURLStyle == .presigned(seconds: 600))
    }

    @Test func badValuesAreRefusedNamingTheVariable() async throws {
        for (variable, value) in [
            ("ASSETFORGE_STORE_PUBLIC_URL_STYLE", "public"), ("ASSETFORGE_STORE_PRESIGN_SECONDS", "0"),
            ("ASSETFORGE_STORE_PRESIGN_SECONDS", "604801"), ("ASSETFORGE_STORE_PART_SIZE_BYTES", "1024"),
            ("ASSETFORGE_STORE_PART_CONCURRENCY", "0"), ("ASSETFORGE_STORE_CDN_BASE_URL", "ftp://cdn"),
        ] {
            do {
                _ = try await AssetForgeConfiguration.load(environment: [variable: value])
                Issue.record("\(variable)=\(value) was accepted")
            } catch {
                #expect(error.description.contains(variable), "\(error.description)")
            }
        }
        var store = AssetForgeConfiguration.Store()
        store.publicURLStyle = .cdn
        #expect(throws: ObjectStorageError.self) { try ObjectStoreOptions(store: store) }
    }
}
