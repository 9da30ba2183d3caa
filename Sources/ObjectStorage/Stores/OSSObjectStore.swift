import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// An Alibaba Cloud OSS bucket over the native OSS API, signed with V4 (`OSS4-HMAC-SHA256`).
///
/// Requests use virtual-hosted URLs (`https://BUCKET.ENDPOINT/KEY`; OSS refuses path style).
/// An internal endpoint (`oss-REGION-internal.aliyuncs.com`) is used for uploads, while asset URLs
/// use the public endpoint, since AI providers and browsers cannot reach the internal one.
/// Integrity: Content-MD5 on every PUT and part, and the object's `x-oss-hash-crc64ecma`
/// compared with a CRC-64 computed while streaming.
public struct OSSObjectStore: ObjectStore {
    /// Settings beyond the bucket and credentials.
    public struct Configuration: Sendable {
        /// Asset URL style. Default ``PublicURLStyle/default`` (presigned, one day).
        public var publicURLStyle: PublicURLStyle = .default
        /// Single PUT versus multipart, part size, retries.
        public var upload = UploadConfiguration()
        /// Time limit for one request (a part upload included). Default 5 minutes.
        public var requestTimeout: TimeAmount = .minutes(5)

        /// The defaults.
        public init() {}
    }

    private let core: HTTPStoreCore<OSSDialect>

    /// The bucket.
    public var bucket: ObjectStoreBucket { core.dialect.bucket }

    /// Creates a store.
    /// - Parameter httpClient: the client to send requests with; its lifetime is the caller's.
    public init(
        bucket: ObjectStoreBucket,
        credentials: ObjectStoreCredentials,
        configuration: Configuration = .init(),
        httpClient: HTTPClient = .shared,
        logger: Logger
    ) {
        core = HTTPStoreCore(
            dialect: OSSDialect(bucket: bucket, signer: OSSV4Signer(credentials: credentials, region: bucket.region)),
            client: httpClient, upload: configuration.upload, keyPrefix: bucket.keyPrefix,
            urlStyle: configuration.publicURLStyle, requestTimeout: configuration.requestTimeout, logger: logger)
    }

    /// The public host for an internal endpoint host (`oss-cn-hangzhou-internal.aliyuncs.com` →
    /// `oss-cn-hangzhou.aliyuncs.com`, also for the `s3.` form); other hosts unchanged.
    public static func publicHost(for host: String) -> String {
        let lowered = host.lowercased()
        guard lowered.hasSuffix(".aliyuncs.com"), let range = lowered.range(of: "-internal.") else { return host }
        return lowered.replacingCharacters(in: range, with: ".")
    }

    public func put<Body: AsyncSequence>(
        _ key: String, body: Body, contentType: String, expectedSize: Int64?
    ) async throws -> StoredObject where Body.Element == ByteBuffer {
        try await core.put(key, body: body, contentType: contentType, expectedSize: expectedSize)
    }

    public func metadata(_ key: String) async throws -> ObjectMetadata? { try await core.metadata(key) }

    public func get(_ key: String, maxBytes: Int) async throws -> ByteBuffer {
        try await core.get(key, maxBytes: maxBytes)
    }

    public func delete(_ key: String) async throws { try await core.delete(key) }

    public func url(for key: String) async throws -> URL { try core.url(for: key) }
}

struct OSSDialect: HTTPStoreDialect {
    let bucket: ObjectStoreBucket
    let signer: OSSV4Signer

    var serviceName: String { "OSS" }
    var credentialVariables: String { "OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET" }
    var requestIDHeader: String { "x-oss-request-id" }
    var computesCRC64: Bool { true }
    /// OSS reports a CRC-64 for the whole object, not per part; each part keeps Content-MD5.
    var checksPartETags: Bool { false }
    var etagsAreMD5s: Bool { true }

    func target(objectKey: String?, publicHost: Bool = false) -> HTTPStoreTarget {
        let (scheme, host, port) = Self.hostAndPort(bucket.endpoint)
        let authority = Self.authority(
            host: "\(bucket.bucket).\(publicHost ? OSSObjectStore.publicHost(for: host) : host)", port: port)
        return HTTPStoreTarget(
            url: "\(scheme)://\(authority)/\(PercentEncoding.encode(objectKey ?? "", keepSlash: true))",
            host: authority)
    }

    func target(objectKey: String?) -> HTTPStoreTarget { target(objectKey: objectKey, publicHost: false) }

    func sign(_ request: inout SigningRequest, objectKey: String?, date: Date) {
        signer.signHeaders(&request, bucket: bucket.bucket, key: objectKey, date: date)
    }

    func presignedGetURL(objectKey: String, seconds: Int, date: Date) throws(ObjectStorageError) -> URL {
        var request = SigningRequest(method: "GET")
        try signer.presign(&request, bucket: bucket.bucket, key: objectKey, date: date, expires: seconds)
        return URL(string: target(objectKey: objectKey, publicHost: true).url + "?" + request.encodedQuery)!
    }

    func directURL(objectKey: String) -> URL {
        URL(string: target(objectKey: objectKey, publicHost: true).url)!
    }

    func verifyChecksums(_ headers: HTTPHeaders, md5Hex: String?, crc64: UInt64?, key: String)
        throws(ObjectStorageError)
    {
        guard let crc64 else { return }
        guard let reported = headers.first(name: "x-oss-hash-crc64ecma") else {
            throw ObjectStorageError(
                .integrityMismatch, "OSS did not report x-oss-hash-crc64ecma for the object; upload it again", key: key)
        }
        guard UInt64(reported) == crc64 else {
            throw ObjectStorageError(
                .integrityMismatch,
                "OSS reports CRC-64 \(reported) but the bytes sent have \(crc64); upload it again", key: key)
        }
    }
}
