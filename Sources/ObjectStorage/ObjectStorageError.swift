/// An error from an object store, the key scheme, content sniffing or an upload.
///
/// Match on ``code``; new codes may be added without breaking callers. ``description`` says what
/// went wrong and what to do about it.
public struct ObjectStorageError: Error, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case invalidKey
            case unrecognizedContent
            case notFound
            case accessDenied
            case serviceError
            case transport
            case integrityMismatch
            case sizeMismatch
            case tooLarge
            case sourceFailed
            case cancelled
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// Store settings or credentials are missing or inconsistent.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// An object key or key component is not acceptable.
        public static let invalidKey = Code(.invalidKey)
        /// The payload is not one of the recognised content types (PNG, JPEG, WebP, GIF, MP4/MOV, JSON).
        public static let unrecognizedContent = Code(.unrecognizedContent)
        /// The object (or bucket) does not exist.
        public static let notFound = Code(.notFound)
        /// The store refused the credentials or the signature (403, `SignatureDoesNotMatch`, `AccessDenied`, …).
        public static let accessDenied = Code(.accessDenied)
        /// The store answered with another error status.
        public static let serviceError = Code(.serviceError)
        /// The connection to the store failed or broke.
        public static let transport = Code(.transport)
        /// The store's checksum (Content-MD5, CRC-64, ETag) does not match the bytes sent.
        public static let integrityMismatch = Code(.integrityMismatch)
        /// The number of bytes stored or received differs from the number expected.
        public static let sizeMismatch = Code(.sizeMismatch)
        /// The payload is larger than allowed.
        public static let tooLarge = Code(.tooLarge)
        /// Reading the payload to upload failed (e.g. the download broke off).
        public static let sourceFailed = Code(.sourceFailed)
        /// The task was cancelled.
        public static let cancelled = Code(.cancelled)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The object key involved, if any.
    public var key: String?
    /// The HTTP status the store answered with, if any.
    public var httpStatus: Int?
    /// The store's own error code (e.g. `SignatureDoesNotMatch`), if any.
    public var serviceCode: String?
    /// The store's request id (`x-oss-request-id`, `x-amz-request-id`), for support tickets.
    public var requestID: String?
    /// The error this one wraps, if any.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(
        _ code: Code,
        _ message: String,
        key: String? = nil,
        httpStatus: Int? = nil,
        serviceCode: String? = nil,
        requestID: String? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.key = key
        self.httpStatus = httpStatus
        self.serviceCode = serviceCode
        self.requestID = requestID
        self.underlying = underlying
    }

    /// Whether repeating the same request may succeed: transport failures, bytes damaged on the way (a checksum
    /// mismatch, `BadDigest`), 408, 429, 5xx, clock-skew and throttling codes.
    public var isRetriable: Bool {
        if code == .transport || code == .integrityMismatch { return true }
        if let serviceCode, Self.retriableServiceCodes.contains(serviceCode) { return true }
        if let httpStatus {
            return httpStatus == 401 && serviceCode == nil || httpStatus == 408 || httpStatus == 429
                || httpStatus >= 500
        }
        return false
    }

    private static let retriableServiceCodes: Set<String> = [
        "BadDigest", "RequestTimeTooSkewed", "RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable",
        "Throttling",
    ]

    /// `code: message`, with the key, status, store code and request id when known.
    public var description: String {
        var text = "\(code): \(message)"
        var details: [String] = []
        if let key { details.append("key \(key)") }
        if let httpStatus { details.append("HTTP \(httpStatus)") }
        if let serviceCode { details.append("store code \(serviceCode)") }
        if let requestID { details.append("request id \(requestID)") }
        if let underlying { details.append("cause: \(underlying)") }
        if !details.isEmpty { text += " (\(details.joined(separator: "; ")))" }
        return text
    }
}
