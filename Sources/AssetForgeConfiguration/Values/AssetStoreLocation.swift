import Foundation

/// Where generated assets are stored (`ASSETFORGE_STORE_URL`).
///
/// - `file://PATH`: everything after `file://` is the path, so `file://assets` is relative to the
///   working directory and `file:///var/lib/assets` is absolute.
/// - `oss://BUCKET[/PREFIX]?region=REGION[&endpoint=ENDPOINT]`: Alibaba Cloud OSS. `region` is
///   required (it is part of the V4 signature), e.g. `cn-hangzhou`; `endpoint` defaults to
///   `https://oss-REGION.aliyuncs.com`. Needs `OSS_ACCESS_KEY_ID` and `OSS_ACCESS_KEY_SECRET`.
/// - `s3://BUCKET[/PREFIX]?region=REGION[&endpoint=ENDPOINT]`: Amazon S3 or an S3-compatible store.
///   `region` is required (SigV4), e.g. `us-east-1`; `endpoint` defaults to
///   `https://s3.REGION.amazonaws.com` and may point at MinIO and the like.
///   Needs `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
///
/// `ENDPOINT` is `https://host[:port]`, `http://host[:port]`, or a bare `host[:port]` (meaning https).
/// `PREFIX` is an optional key prefix inside the bucket.
public enum AssetStoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// A directory on the local file system.
    case file(path: String)
    /// An Alibaba Cloud OSS bucket.
    case oss(ObjectStoreBucket)
    /// An Amazon S3 (or S3-compatible) bucket.
    case s3(ObjectStoreBucket)

    /// Parses `file://PATH`, `oss://…` or `s3://…` as described on the type.
    public init(parsing text: String) throws(InvalidValue) {
        let allowed = "expected file://PATH, oss://BUCKET?region=… or s3://BUCKET?region=…"
        guard let separator = text.range(of: "://") else {
            throw InvalidValue("is not a URL; \(allowed)")
        }
        let scheme = text[..<separator.lowerBound].lowercased()
        let rest = String(text[separator.upperBound...])
        switch scheme {
        case "file":
            guard !rest.isEmpty else { throw InvalidValue("has no path; expected file://PATH, e.g. file://assets") }
            self = .file(path: rest)
        case "oss":
            self = .oss(try ObjectStoreBucket(parsing: rest, kind: .oss))
        case "s3":
            self = .s3(try ObjectStoreBucket(parsing: rest, kind: .s3))
        default:
            throw InvalidValue("scheme \"\(scheme)\" is not supported; \(allowed)")
        }
    }

    /// The URL form.
    public var description: String {
        switch self {
        case .file(let path): return "file://\(path)"
        case .oss(let bucket): return "oss://\(bucket)"
        case .s3(let bucket): return "s3://\(bucket)"
        }
    }
}

/// A bucket in an object store, with what is needed to sign requests to it.
public struct ObjectStoreBucket: Sendable, Equatable, CustomStringConvertible {
    /// The bucket name.
    public var bucket: String
    /// The signing region, e.g. `cn-hangzhou` (OSS) or `us-east-1` (S3).
    public var region: String
    /// The service endpoint, `scheme://host[:port]`.
    public var endpoint: URL
    /// A key prefix inside the bucket, without leading or trailing `/`; empty for none.
    public var keyPrefix: String

    /// Creates a bucket location.
    public init(bucket: String, region: String, endpoint: URL, keyPrefix: String = "") {
        self.bucket = bucket
        self.region = region
        self.endpoint = endpoint
        self.keyPrefix = keyPrefix
    }

    enum Kind {
        case oss, s3

        var name: String { self == .oss ? "OSS" : "S3" }
        var exampleRegion: String { self == .oss ? "cn-hangzhou" : "us-east-1" }

        func defaultEndpoint(region: String) -> URL {
            switch self {
            case .oss: return URL(string: "https://oss-\(region).aliyuncs.com")!
            case .s3: return URL(string: "https://s3.\(region).amazonaws.com")!
            }
        }
    }

    /// Parses `BUCKET[/PREFIX]?region=…[&endpoint=…]` (the part after `oss://` or `s3://`).
    init(parsing text: String, kind: Kind) throws(InvalidValue) {
        guard !text.contains("#") else { throw InvalidValue("must not have a fragment (#…)") }
        let queryStart = text.firstIndex(of: "?")
        let location = queryStart.map { text[..<$0] } ?? Substring(text)
        let query = queryStart.map { text[text.index(after: $0)...] } ?? ""

        let slash = location.firstIndex(of: "/")
        let bucket = String(slash.map { location[..<$0] } ?? location)
        let keyPrefix =
            slash.map { location[location.index(after: $0)...] }.map {
                String($0).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            } ?? ""
        try Self.validateBucket(bucket, kind: kind)

        var region: String?
        var endpointText: String?
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let value = parts.count == 2 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            switch name {
            case "region": region = value
            case "endpoint": endpointText = value
            default:
                throw InvalidValue("unknown parameter \"\(name)\"; only region and endpoint are allowed")
            }
        }
        guard let region, !region.isEmpty else {
            throw InvalidValue(
                "needs ?region=… (used to sign requests), e.g. \(kind == .oss ? "oss" : "s3")://\(bucket)?region="
                    + kind.exampleRegion)
        }
        try Self.validateRegion(region, kind: kind)

        let endpoint: URL
        if let endpointText, !endpointText.isEmpty {
            let withScheme = endpointText.contains("://") ? endpointText : "https://" + endpointText
            do {
                endpoint = try HTTPBaseURL.parse(withScheme, allowPath: false)
            } catch {
                throw InvalidValue("endpoint \"\(endpointText)\" \(error.message)")
            }
        } else {
            endpoint = kind.defaultEndpoint(region: region)
        }
        self.init(bucket: bucket, region: region, endpoint: endpoint, keyPrefix: keyPrefix)
    }

    private static func validateBucket(_ bucket: String, kind: Kind) throws(InvalidValue) {
        let allowedCharacters = kind == .oss ? "lowercase letters, digits and -" : "lowercase letters, digits, . and -"
        let rule =
            "\(kind.name) bucket names are 3–63 \(allowedCharacters), starting and ending with a letter or digit"
        guard !bucket.isEmpty else { throw InvalidValue("has no bucket name; \(rule)") }
        let valid =
            (3...63).contains(bucket.count)
            && bucket.allSatisfy {
                $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || (kind == .s3 && $0 == "."))
            }
            && bucket.first!.isLetterOrDigit && bucket.last!.isLetterOrDigit
            && !bucket.contains("..")
            && IPAddress(bucket) == nil
        guard valid else { throw InvalidValue("bucket \"\(bucket)\" is not valid; \(rule)") }
    }

    private static func validateRegion(_ region: String, kind: Kind) throws(InvalidValue) {
        let valid =
            region.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
            && region.first!.isLetterOrDigit && region.last!.isLetterOrDigit
        guard valid else {
            throw InvalidValue(
                "region \"\(region)\" is not valid; use a region id such as \(kind.exampleRegion)")
        }
        if kind == .oss, region.hasPrefix("oss-") {
            throw InvalidValue(
                "region \"\(region)\" is an endpoint prefix; use the region id \(region.dropFirst(4)) instead")
        }
    }

    /// `BUCKET[/PREFIX]?region=…&endpoint=…`.
    public var description: String {
        let path = keyPrefix.isEmpty ? bucket : "\(bucket)/\(keyPrefix)"
        return "\(path)?region=\(region)&endpoint=\(endpoint.absoluteString)"
    }
}

extension Character {
    fileprivate var isLetterOrDigit: Bool { isASCII && (isLetter || isNumber) }
}
