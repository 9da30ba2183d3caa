import Foundation
import NIOHTTP1

/// Where one request goes: the URL without query, the Host header, and what the signer needs.
struct HTTPStoreTarget: Sendable {
    /// `scheme://host[:port]/encoded/path`.
    var url: String
    /// The `Host` header value (`host[:port]`).
    var host: String
}

/// What differs between the S3-shaped object APIs: addressing, signing, integrity checks and URLs.
protocol HTTPStoreDialect: Sendable {
    /// `OSS` or `S3`, for messages.
    var serviceName: String { get }
    /// The environment variables that hold the credentials, for messages.
    var credentialVariables: String { get }
    /// The response header with the store's request id.
    var requestIDHeader: String { get }
    /// Whether the store reports a CRC-64 that should be computed while reading the body.
    var computesCRC64: Bool { get }
    /// Whether a part's ETag is compared with the MD5 of the part's bytes. Such parts go without Content-MD5: the
    /// comparison already catches a damaged part (which is then sent again), and the header would only make the store
    /// hash every part a second time.
    var checksPartETags: Bool { get }
    /// Whether ETags are MD5s (a multipart ETag the MD5 of the part MD5s); `false` for S3 buckets with SSE-KMS or
    /// SSE-C, whose ETags are not, so a completed upload's ETag is not checked there.
    var etagsAreMD5s: Bool { get }

    /// The target of a request for the full object key (`nil` for a bucket-level request).
    func target(objectKey: String?) -> HTTPStoreTarget
    /// Adds the authentication headers. `request` already has `Host` and the other headers.
    func sign(_ request: inout SigningRequest, objectKey: String?, date: Date)
    /// A presigned GET URL for the object.
    func presignedGetURL(objectKey: String, seconds: Int, date: Date) throws(ObjectStorageError) -> URL
    /// The object's plain URL (for public-read buckets).
    func directURL(objectKey: String) -> URL
    /// Checks a store checksum header of a PUT, part or completion response against the bytes sent;
    /// `crc64` is the CRC of everything sent when the check covers the whole object.
    func verifyChecksums(_ headers: HTTPHeaders, md5Hex: String?, crc64: UInt64?, key: String)
        throws(ObjectStorageError)
}

extension HTTPStoreDialect {
    /// `scheme://[bucket.]host[:port]` pieces of an endpoint URL.
    static func hostAndPort(_ endpoint: URL) -> (scheme: String, host: String, port: Int?) {
        let scheme = endpoint.scheme?.lowercased() ?? "https"
        var port = endpoint.port
        if port == (scheme == "https" ? 443 : 80) { port = nil }
        return (scheme, endpoint.host ?? "", port)
    }

    /// Formats a host for a URL authority (brackets around IPv6) and adds the port if any.
    static func authority(host: String, port: Int?) -> String {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return port.map { "\(bracketed):\($0)" } ?? bracketed
    }
}
