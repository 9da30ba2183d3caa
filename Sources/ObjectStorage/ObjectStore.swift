import Foundation
import NIOCore

/// A place to keep asset bytes: Alibaba Cloud OSS, an S3-compatible bucket, or a local directory.
///
/// Keys are logical keys such as ``AssetObjectKey/key``; a store adds its own key prefix. Writing
/// an existing key replaces the object, so retried uploads of the same asset leave exactly one object.
/// Every implementation streams: ``put(_:body:contentType:expectedSize:)`` holds at most a bounded
/// number of bytes (see ``UploadConfiguration``) whatever the size of the body.
public protocol ObjectStore: Sendable {
    /// Streams `body` into the object `key`, replacing any object there, and verifies it.
    ///
    /// The size and SHA-256 are computed on the fly; the store's own integrity check (Content-MD5,
    /// CRC-64, ETag) is verified, and the stored size is compared with the bytes sent (and with
    /// `expectedSize`, when given). An interrupted multipart upload is aborted, so nothing is left behind.
    /// - Throws: ``ObjectStorageError``.
    func put<Body: AsyncSequence>(
        _ key: String, body: Body, contentType: String, expectedSize: Int64?
    ) async throws -> StoredObject where Body.Element == ByteBuffer

    /// The object's size, type and ETag, or `nil` when there is no such object.
    func metadata(_ key: String) async throws -> ObjectMetadata?

    /// Reads a whole object into memory, refusing objects larger than `maxBytes`.
    /// - Throws: ``ObjectStorageError`` with ``ObjectStorageError/Code/notFound`` when absent.
    func get(_ key: String, maxBytes: Int) async throws -> ByteBuffer

    /// Deletes the object; deleting an absent object succeeds.
    func delete(_ key: String) async throws

    /// The URL to publish for the object (in `asset.ready`), according to the store's ``PublicURLStyle``.
    func url(for key: String) async throws -> URL
}

/// What a successful ``ObjectStore/put(_:body:contentType:expectedSize:)`` stored.
public struct StoredObject: Sendable, Equatable {
    /// The logical key (without the store's prefix).
    public var key: String
    /// The number of bytes stored.
    public var size: Int64
    /// Lower-case hex SHA-256 of the bytes.
    public var sha256: String
    /// The content type stored with the object.
    public var contentType: String
    /// The store's ETag, when it has one.
    public var etag: String?
    /// Whether the object went up in several parts.
    public var multipart: Bool

    /// Creates a description.
    public init(key: String, size: Int64, sha256: String, contentType: String, etag: String?, multipart: Bool) {
        self.key = key
        self.size = size
        self.sha256 = sha256
        self.contentType = contentType
        self.etag = etag
        self.multipart = multipart
    }
}

/// The metadata of a stored object.
public struct ObjectMetadata: Sendable, Equatable {
    /// Size in bytes.
    public var size: Int64
    /// The stored content type, if any.
    public var contentType: String?
    /// The ETag, if any.
    public var etag: String?

    /// Creates metadata.
    public init(size: Int64, contentType: String?, etag: String?) {
        self.size = size
        self.contentType = contentType
        self.etag = etag
    }
}

/// How asset URLs are formed for `asset.ready`.
public enum PublicURLStyle: Sendable, Equatable {
    /// The object's own URL at the store (for public-read buckets), or AssetForge's own HTTP
    /// server for a file store.
    case direct
    /// `BASE/KEY`, for a CDN or custom domain in front of the bucket (key prefix included).
    case cdn(baseURL: URL)
    /// A presigned GET URL valid for `seconds` (1 to 604 800), for private buckets. A file store
    /// has nothing to sign and uses ``direct``.
    case presigned(seconds: Int)

    /// The default: presigned URLs valid for one day. Buckets are private unless made public on
    /// purpose (new OSS buckets block public access), so this works without extra set-up.
    public static let `default` = PublicURLStyle.presigned(seconds: 86_400)
}
