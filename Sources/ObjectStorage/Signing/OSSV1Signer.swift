import AssetForgeConfiguration
import Crypto
import Foundation

/// Signs Alibaba Cloud OSS requests with the legacy signature V1 (`OSS AK:Signature`, HMAC-SHA1).
///
/// Kept for compatibility checks and older endpoints; new code should use ``OSSV4Signer``.
public struct OSSV1Signer: Sendable {
    /// The access key pair and optional STS token.
    public var credentials: ObjectStoreCredentials

    /// Creates a signer.
    public init(credentials: ObjectStoreCredentials) {
        self.credentials = credentials
    }

    /// Query names that are part of the canonical resource (besides every `x-oss-*` name).
    static let subresources: Set<String> = [
        "acl", "bucketInfo", "location", "stat", "delete", "append", "tagging", "objectMeta", "uploads", "uploadId",
        "partNumber", "security-token", "position", "response-content-type", "response-content-language",
        "response-expires", "response-cache-control", "response-content-disposition", "response-content-encoding",
        "restore", "callback", "callback-var", "versions", "versioning", "versionId", "sequential",
        "continuation-token", "regionList", "cloudboxes", "symlink",
    ]

    /// Adds `Date` (unless `x-oss-date` is set), `x-oss-security-token` (with STS) and `Authorization`.
    ///
    /// - Parameter extraSubresources: query names to treat as sub-resources besides the standard ones.
    public func signHeaders(
        _ request: inout SigningRequest, bucket: String?, key: String?, date: Date, extraSubresources: Set<String> = []
    ) {
        if request.header("x-oss-date") == nil {
            request.setHeader("Date", SigningTime(epochSeconds: Int(date.timeIntervalSince1970)).httpDate)
        }
        if let token = credentials.sessionToken {
            request.setHeader("x-oss-security-token", token.unredactedValue)
        }
        let dateLine = request.header("x-oss-date") ?? request.header("Date") ?? ""
        let signature = self.signature(
            request, bucket: bucket, key: key, dateLine: dateLine, extraSubresources: extraSubresources)
        request.setHeader("Authorization", "OSS \(credentials.accessKeyID.unredactedValue):\(signature)")
    }

    /// Adds `OSSAccessKeyId`, `Expires`, `Signature` (and `security-token` with STS) to the query.
    /// - Parameter expiresAt: the absolute expiry time (V1 uses epoch seconds, not a lifetime).
    public func presign(
        _ request: inout SigningRequest, bucket: String?, key: String?, expiresAt: Date,
        extraSubresources: Set<String> = []
    ) {
        let expires = String(Int(expiresAt.timeIntervalSince1970))
        if let token = credentials.sessionToken {
            request.query.append(.init("security-token", token.unredactedValue))
        }
        let signature = self.signature(
            request, bucket: bucket, key: key, dateLine: expires, extraSubresources: extraSubresources)
        request.query.append(.init("OSSAccessKeyId", credentials.accessKeyID.unredactedValue))
        request.query.append(.init("Expires", expires))
        request.query.append(.init("Signature", signature))
    }

    func signature(
        _ request: SigningRequest, bucket: String?, key: String?, dateLine: String, extraSubresources: Set<String>
    ) -> String {
        let stringToSign = Self.stringToSign(
            request, bucket: bucket, key: key, dateLine: dateLine, extraSubresources: extraSubresources)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(stringToSign.utf8),
            using: SymmetricKey(data: Data(credentials.secretAccessKey.unredactedValue.utf8)))
        return Data(mac).base64EncodedString()
    }

    static func stringToSign(
        _ request: SigningRequest, bucket: String?, key: String?, dateLine: String, extraSubresources: Set<String>
    ) -> String {
        var ossHeaders: [String: String] = [:]
        for (name, value) in request.headers where name.lowercased().hasPrefix("x-oss-") {
            ossHeaders[name.lowercased()] = value.trimmingCharacters(in: .whitespaces)
        }
        let canonicalHeaders = ossHeaders.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)\n" }.joined()
        var resource = "/"
        if let bucket {
            resource += "\(bucket)/"
            if let key { resource += key }
        }
        let parameters = request.query
            .filter {
                subresources.contains($0.name) || extraSubresources.contains($0.name) || $0.name.hasPrefix("x-oss-")
            }
            .sorted { $0.name < $1.name }
            .map { ($0.value ?? "").isEmpty ? $0.name : "\($0.name)=\($0.value!)" }
        if !parameters.isEmpty {
            resource += "?" + parameters.joined(separator: "&")
        }
        return [
            request.method.uppercased(),
            request.header("Content-MD5") ?? "",
            request.header("Content-Type") ?? "",
            dateLine,
            canonicalHeaders + resource,
        ].joined(separator: "\n")
    }
}
