import AssetForgeConfiguration
import Crypto
import Foundation

/// Signs Alibaba Cloud OSS requests with signature V4 (`OSS4-HMAC-SHA256`), in a header or in the query.
///
/// The canonical URI is built from the bucket and key given here, not from the URL that is sent,
/// so virtual-hosted, internal and custom-domain hosts all sign alike.
public struct OSSV4Signer: Sendable {
    /// The algorithm name in the `Authorization` header and in presigned URLs.
    public static let algorithm = "OSS4-HMAC-SHA256"
    /// The payload hash OSS expects: the body is never hashed into the signature.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The longest lifetime OSS accepts for a presigned URL (7 days).
    public static let maximumPresignSeconds = 604_800

    /// The access key pair and optional STS token.
    public var credentials: ObjectStoreCredentials
    /// The region id, e.g. `cn-hangzhou` (for CloudBox, the CloudBox id).
    public var region: String
    /// The product in the scope: `oss`, or `oss-cloudbox` for CloudBox.
    public var product: String

    /// Creates a signer.
    public init(credentials: ObjectStoreCredentials, region: String, product: String = "oss") {
        self.credentials = credentials
        self.region = region
        self.product = product
    }

    /// Adds `x-oss-date`, `x-oss-content-sha256` (if absent), `x-oss-security-token` (with STS) and
    /// `Authorization` to `request`.
    ///
    /// - Parameters:
    ///   - bucket: the bucket, or `nil` for a service-level request.
    ///   - key: the object key (unencoded), or `nil` for a bucket-level request.
    ///   - additionalHeaders: other headers to sign besides `x-oss-*`, `content-type` and `content-md5`;
    ///     names of absent or always-signed headers are ignored.
    public func signHeaders(
        _ request: inout SigningRequest,
        bucket: String?,
        key: String?,
        date: Date,
        additionalHeaders: [String] = []
    ) {
        let time = SigningTime(epochSeconds: Int(date.timeIntervalSince1970.rounded(.down)))
        request.setHeader("x-oss-date", time.timestamp)
        if request.header("x-oss-content-sha256") == nil {
            request.setHeader("x-oss-content-sha256", Self.unsignedPayload)
        }
        if let token = credentials.sessionToken {
            request.setHeader("x-oss-security-token", token.unredactedValue)
        }
        let additional = Self.additionalHeaderNames(additionalHeaders, present: request)
        let signature = self.signature(request: request, bucket: bucket, key: key, time: time, additional: additional)
        var authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyID.unredactedValue)/\(scope(time))"
        if !additional.isEmpty {
            authorization += ",AdditionalHeaders=\(additional.joined(separator: ";"))"
        }
        authorization += ",Signature=\(signature)"
        request.setHeader("Authorization", authorization)
    }

    /// Adds the V4 query-signing parameters (ending with `x-oss-signature`) to `request.query`.
    ///
    /// Whoever uses the URL must send the signed headers (e.g. `Content-Type`) with the same values.
    /// - Parameter expires: lifetime in seconds, 1 to ``maximumPresignSeconds``.
    public func presign(
        _ request: inout SigningRequest,
        bucket: String?,
        key: String?,
        date: Date,
        expires: Int,
        additionalHeaders: [String] = []
    ) throws(ObjectStorageError) {
        guard (1...Self.maximumPresignSeconds).contains(expires) else {
            throw ObjectStorageError(
                .invalidConfiguration,
                "an OSS presigned URL lifetime must be 1 to \(Self.maximumPresignSeconds) seconds (7 days); got \(expires)"
            )
        }
        let time = SigningTime(epochSeconds: Int(date.timeIntervalSince1970.rounded(.down)))
        let additional = Self.additionalHeaderNames(additionalHeaders, present: request)
        request.query.append(.init("x-oss-signature-version", Self.algorithm))
        request.query.append(.init("x-oss-date", time.timestamp))
        request.query.append(.init("x-oss-expires", String(expires)))
        request.query.append(.init("x-oss-credential", "\(credentials.accessKeyID.unredactedValue)/\(scope(time))"))
        if !additional.isEmpty {
            request.query.append(.init("x-oss-additional-headers", additional.joined(separator: ";")))
        }
        if let token = credentials.sessionToken {
            request.query.append(.init("x-oss-security-token", token.unredactedValue))
        }
        let signature = self.signature(request: request, bucket: bucket, key: key, time: time, additional: additional)
        request.query.append(.init("x-oss-signature", signature))
    }

    // MARK: - The algorithm

    func scope(_ time: SigningTime) -> String {
        "\(time.date)/\(region)/\(product)/aliyun_v4_request"
    }

    func signature(
        request: SigningRequest, bucket: String?, key: String?, time: SigningTime, additional: [String]
    ) -> String {
        let canonical = Self.canonicalRequest(request, bucket: bucket, key: key, additional: additional)
        let stringToSign = Self.stringToSign(canonicalRequest: canonical, timestamp: time.timestamp, scope: scope(time))
        let signingKey = Self.signingKey(
            secret: credentials.secretAccessKey.unredactedValue, date: time.date, region: region, product: product)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey)
        return Hex.encode(mac)
    }

    static func stringToSign(canonicalRequest: String, timestamp: String, scope: String) -> String {
        let digest = SHA256.hash(data: Data(canonicalRequest.utf8))
        return "\(algorithm)\n\(timestamp)\n\(scope)\n\(Hex.encode(digest))"
    }

    static func signingKey(secret: String, date: String, region: String, product: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("aliyun_v4\(secret)".utf8))
        for part in [date, region, product, "aliyun_v4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key))
        }
        return key
    }

    static func isAlwaysSigned(_ lowercasedName: String) -> Bool {
        lowercasedName.hasPrefix("x-oss-") || lowercasedName == "content-type" || lowercasedName == "content-md5"
    }

    /// Lower-cased, de-duplicated, sorted names of the additional headers that are present and not always signed.
    static func additionalHeaderNames(_ names: [String], present request: SigningRequest) -> [String] {
        let presentNames = Set(request.headers.map { $0.name.lowercased() })
        let wanted = Set(names.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        return wanted.filter { !isAlwaysSigned($0) && presentNames.contains($0) }.sorted()
    }

    static func canonicalRequest(
        _ request: SigningRequest, bucket: String?, key: String?, additional: [String]
    ) -> String {
        var uri = "/"
        if let bucket {
            uri += "\(bucket)/"
            if let key { uri += key }
        }
        let query = CanonicalQuery.make(request.query, bareEmptyValues: true)
        let additionalSet = Set(additional)
        var headers: [String: String] = [:]
        for (name, value) in request.headers {
            let lowered = name.lowercased()
            guard isAlwaysSigned(lowered) || additionalSet.contains(lowered) else { continue }
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            headers[lowered] = headers[lowered].map { "\($0),\(trimmed)" } ?? trimmed
        }
        let headerBlock = headers.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)\n" }.joined()
        let payload = request.header("x-oss-content-sha256") ?? unsignedPayload
        return [
            request.method.uppercased(),
            PercentEncoding.encode(uri, keepSlash: true),
            query,
            headerBlock,
            additional.joined(separator: ";"),
            payload,
        ].joined(separator: "\n")
    }
}
