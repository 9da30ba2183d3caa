import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// An Amazon S3 or S3-compatible bucket (MinIO, moto, OSS's S3 endpoint, …), signed with SigV4.
///
/// Uploads stream: one PUT up to ``UploadConfiguration/singlePutThreshold``, a multipart upload above it
/// (parts retried one by one, aborted on failure; the stored size is checked). Integrity: ETags (each part's and
/// the final one) are compared with the MD5 of the bytes sent, and a buffered PUT carries Content-MD5; with
/// ``Configuration/verifiesETag`` off (SSE-KMS, SSE-C) every part carries Content-MD5 for the store to check.
public struct S3ObjectStore: ObjectStore {
    /// How the bucket appears in request URLs.
    public enum AddressingStyle: Sendable, Equatable {
        /// Path style (`http://host/bucket/key`) for loopback, IP-address and `localhost` endpoints
        /// (moto, MinIO), virtual-hosted style otherwise. The default.
        case automatic
        /// `https://bucket.host/key`.
        case virtualHosted
        /// `https://host/bucket/key`.
        case path
    }

    /// Settings beyond the bucket and credentials.
    public struct Configuration: Sendable {
        /// Bucket addressing. Default ``AddressingStyle/automatic``.
        public var addressing: AddressingStyle = .automatic
        /// Asset URL style. Default ``PublicURLStyle/default`` (presigned, one day).
        public var publicURLStyle: PublicURLStyle = .default
        /// Single PUT versus multipart, part size, retries.
        public var upload = UploadConfiguration()
        /// Compare ETags with the MD5 of what was sent. Turn off for buckets with SSE-KMS or SSE-C,
        /// whose ETags are not MD5s. Default `true`.
        public var verifiesETag = true
        /// Time limit for one request (a part upload included). Default 5 minutes.
        public var requestTimeout: TimeAmount = .minutes(5)

        /// The defaults.
        public init() {}
    }

    private let core: HTTPStoreCore<S3Dialect>

    /// The bucket.
    public var bucket: ObjectStoreBucket { core.dialect.bucket }

    /// Creates a store.
    /// - Parameters:
    ///   - httpClient: the client to send requests with; its lifetime is the caller's (default: the shared client).
    ///   - logger: the logger for retries and multipart events.
    public init(
        bucket: ObjectStoreBucket,
        credentials: ObjectStoreCredentials,
        configuration: Configuration = .init(),
        httpClient: HTTPClient = .shared,
        logger: Logger
    ) {
        let pathStyle: Bool
        switch configuration.addressing {
        case .path: pathStyle = true
        case .virtualHosted: pathStyle = false
        case .automatic: pathStyle = Self.isLocalHost(bucket.endpoint.host ?? "") || bucket.bucket.contains(".")
        }
        core = HTTPStoreCore(
            dialect: S3Dialect(
                bucket: bucket, signer: AWSV4Signer(credentials: credentials, region: bucket.region),
                pathStyle: pathStyle, verifiesETag: configuration.verifiesETag),
            client: httpClient, upload: configuration.upload, keyPrefix: bucket.keyPrefix,
            urlStyle: configuration.publicURLStyle, requestTimeout: configuration.requestTimeout, logger: logger)
    }

    static func isLocalHost(_ host: String) -> Bool {
        let lowered = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return lowered == "localhost" || lowered.hasSuffix(".localhost") || IPAddress(lowered) != nil
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

struct S3Dialect: HTTPStoreDialect {
    let bucket: ObjectStoreBucket
    let signer: AWSV4Signer
    let pathStyle: Bool
    let verifiesETag: Bool

    var serviceName: String { "S3" }
    var checksPartETags: Bool { verifiesETag }
    var etagsAreMD5s: Bool { verifiesETag }
    var credentialVariables: String { "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" }
    var requestIDHeader: String { "x-amz-request-id" }
    var computesCRC64: Bool { false }

    /// The unencoded path and the authority.
    func location(objectKey: String?) -> (scheme: String, authority: String, path: String) {
        let (scheme, host, port) = Self.hostAndPort(bucket.endpoint)
        if pathStyle {
            return (scheme, Self.authority(host: host, port: port), "/\(bucket.bucket)/" + (objectKey ?? ""))
        }
        return (scheme, Self.authority(host: "\(bucket.bucket).\(host)", port: port), "/" + (objectKey ?? ""))
    }

    func target(objectKey: String?) -> HTTPStoreTarget {
        let location = location(objectKey: objectKey)
        return HTTPStoreTarget(
            url: "\(location.scheme)://\(location.authority)\(PercentEncoding.encode(location.path, keepSlash: true))",
            host: location.authority)
    }

    func sign(_ request: inout SigningRequest, objectKey: String?, date: Date) {
        signer.signHeaders(&request, path: location(objectKey: objectKey).path, date: date)
    }

    func presignedGetURL(objectKey: String, seconds: Int, date: Date) throws(ObjectStorageError) -> URL {
        let location = location(objectKey: objectKey)
        var request = SigningRequest(method: "GET", headers: [("Host", location.authority)])
        try signer.presign(&request, path: location.path, date: date, expires: seconds)
        return URL(
            string:
                "\(location.scheme)://\(location.authority)\(PercentEncoding.encode(location.path, keepSlash: true))"
                + "?\(request.encodedQuery)")!
    }

    func directURL(objectKey: String) -> URL {
        URL(string: target(objectKey: objectKey).url)!
    }

    func verifyChecksums(_ headers: HTTPHeaders, md5Hex: String?, crc64: UInt64?, key: String)
        throws(ObjectStorageError)
    {
        guard verifiesETag, let md5Hex, let etag = headers.first(name: "ETag") else { return }
        let trimmed = etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
        guard trimmed.count == 32, trimmed != md5Hex else { return }
        throw ObjectStorageError(
            .integrityMismatch,
            "S3 reports ETag \(trimmed) but the MD5 of the bytes sent is \(md5Hex); upload it again (or set "
                + "verifiesETag to false for SSE-KMS/SSE-C buckets)",
            key: key)
    }
}
