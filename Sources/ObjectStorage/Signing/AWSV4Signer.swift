import AssetForgeConfiguration
import Crypto
import Foundation

/// Signs requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`), for S3 and S3-compatible stores.
///
/// S3 rules apply: the path is encoded once (segments keep `/`), and the payload hash is the
/// `x-amz-content-sha256` header (``unsignedPayload`` when not set).
public struct AWSV4Signer: Sendable {
    /// The algorithm name.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash for bodies that are not hashed into the signature.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The longest lifetime SigV4 accepts for a presigned URL (7 days).
    public static let maximumPresignSeconds = 604_800

    /// The access key pair and optional session token.
    public var credentials: ObjectStoreCredentials
    /// The region, e.g. `us-east-1`.
    public var region: String
    /// The service, `s3`.
    public var service: String

    /// Creates a signer.
    public init(credentials: ObjectStoreCredentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Adds `x-amz-date`, `x-amz-content-sha256` (if absent, as `UNSIGNED-PAYLOAD`),
    /// `x-amz-security-token` (with a session token) and `Authorization`.
    ///
    /// Signs `host` and every `x-amz-*`, `content-type` and `content-md5` header, plus any header
    /// named in `additionalHeaders` that is present. `request` must carry a `Host` header.
    /// - Parameter path: the URL path, unencoded (e.g. `/bucket/my key.png`).
    public func signHeaders(_ request: inout SigningRequest, path: String, date: Date, additionalHeaders: [String] = [])
    {
        let time = SigningTime(epochSeconds: Int(date.timeIntervalSince1970.rounded(.down)))
        request.setHeader("x-amz-date", time.timestamp)
        if request.header("x-amz-content-sha256") == nil {
            request.setHeader("x-amz-content-sha256", Self.unsignedPayload)
        }
        if let token = credentials.sessionToken {
            request.setHeader("x-amz-security-token", token.unredactedValue)
        }
        let signed = signedHeaderNames(request, additional: additionalHeaders)
        let payload = request.header("x-amz-content-sha256")!
        let signature = self.signature(request, path: path, time: time, signedHeaders: signed, payloadHash: payload)
        request.setHeader(
            "Authorization",
            "\(Self.algorithm) Credential=\(credentials.accessKeyID.unredactedValue)/\(scope(time)), "
                + "SignedHeaders=\(signed.joined(separator: ";")), Signature=\(signature)")
    }

    /// Adds the SigV4 query-signing parameters (ending with `X-Amz-Signature`); signs `host` only
    /// plus `additionalHeaders` that are present. `request` must carry a `Host` header.
    /// - Parameter expires: lifetime in seconds, 1 to ``maximumPresignSeconds``.
    public func presign(
        _ request: inout SigningRequest, path: String, date: Date, expires: Int, additionalHeaders: [String] = []
    ) throws(ObjectStorageError) {
        guard (1...Self.maximumPresignSeconds).contains(expires) else {
            throw ObjectStorageError(
                .invalidConfiguration,
                "a SigV4 presigned URL lifetime must be 1 to \(Self.maximumPresignSeconds) seconds (7 days); got \(expires)"
            )
        }
        let time = SigningTime(epochSeconds: Int(date.timeIntervalSince1970.rounded(.down)))
        let wanted = Set(additionalHeaders.map { $0.lowercased() } + ["host"])
        let signed = Set(request.headers.map { $0.name.lowercased() }).intersection(wanted).sorted()
        request.query.append(.init("X-Amz-Algorithm", Self.algorithm))
        request.query.append(.init("X-Amz-Credential", "\(credentials.accessKeyID.unredactedValue)/\(scope(time))"))
        request.query.append(.init("X-Amz-Date", time.timestamp))
        request.query.append(.init("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken {
            request.query.append(.init("X-Amz-Security-Token", token.unredactedValue))
        }
        request.query.append(.init("X-Amz-SignedHeaders", signed.joined(separator: ";")))
        let signature = self.signature(
            request, path: path, time: time, signedHeaders: signed, payloadHash: Self.unsignedPayload)
        request.query.append(.init("X-Amz-Signature", signature))
    }

    // MARK: - The algorithm

    func scope(_ time: SigningTime) -> String {
        "\(time.date)/\(region)/\(service)/aws4_request"
    }

    func signedHeaderNames(_ request: SigningRequest, additional: [String]) -> [String] {
        let extra = Set(additional.map { $0.lowercased() })
        let names = request.headers.map { $0.name.lowercased() }.filter {
            $0 == "host" || $0.hasPrefix("x-amz-") || $0 == "content-type" || $0 == "content-md5" || extra.contains($0)
        }
        return Set(names).sorted()
    }

    func signature(
        _ request: SigningRequest, path: String, time: SigningTime, signedHeaders: [String], payloadHash: String
    ) -> String {
        let canonical = Self.canonicalRequest(
            request, path: path, signedHeaders: signedHeaders, payloadHash: payloadHash)
        let stringToSign =
            "\(Self.algorithm)\n\(time.timestamp)\n\(scope(time))\n\(Hex.encode(SHA256.hash(data: Data(canonical.utf8))))"
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey.unredactedValue)".utf8))
        for part in [time.date, region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key))
        }
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    static func canonicalRequest(
        _ request: SigningRequest, path: String, signedHeaders: [String], payloadHash: String
    ) -> String {
        let uri = PercentEncoding.encode(path.isEmpty ? "/" : path, keepSlash: true)
        let query = CanonicalQuery.make(request.query, bareEmptyValues: false)
        let wanted = Set(signedHeaders)
        var values: [String: String] = [:]
        for (name, value) in request.headers {
            let lowered = name.lowercased()
            guard wanted.contains(lowered) else { continue }
            let normalized = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            values[lowered] = values[lowered].map { "\($0),\(normalized)" } ?? normalized
        }
        let headerBlock = signedHeaders.map { "\($0):\(values[$0] ?? "")\n" }.joined()
        return [
            request.method.uppercased(), uri, query, headerBlock, signedHeaders.joined(separator: ";"), payloadHash,
        ]
        .joined(separator: "\n")
    }
}
