import AssetForgeConfiguration

/// A download that was refused or failed. Match on ``code``; ``description`` says what to do.
public struct FetchError: Error, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidURL, unsupportedScheme, blockedDestination, resolutionFailed, tooManyRedirects, tooLarge
            case badStatus, transport, truncated, cancelled
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The URL cannot be parsed or has no host.
        public static let invalidURL = Code(.invalidURL)
        /// The scheme is not `http` or `https` (e.g. `file://`, `gopher://`).
        public static let unsupportedScheme = Code(.unsupportedScheme)
        /// The host, or an address it resolves to, is loopback, private, link-local, metadata or
        /// otherwise internal, and ASSETFORGE_FETCH_ALLOWLIST does not permit it.
        public static let blockedDestination = Code(.blockedDestination)
        /// The host name could not be resolved.
        public static let resolutionFailed = Code(.resolutionFailed)
        /// More redirects than allowed.
        public static let tooManyRedirects = Code(.tooManyRedirects)
        /// The body is (or announces to be) larger than the size limit.
        public static let tooLarge = Code(.tooLarge)
        /// The final response has a status other than 2xx.
        public static let badStatus = Code(.badStatus)
        /// Connecting or reading failed.
        public static let transport = Code(.transport)
        /// The body ended before the announced Content-Length.
        public static let truncated = Code(.truncated)
        /// The task was cancelled.
        public static let cancelled = Code(.cancelled)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The URL concerned (the redirect target for refused redirects), without query.
    public var url: String
    /// The refused or connected address, if any.
    public var address: IPAddress?
    /// The HTTP status, for ``Code/badStatus``.
    public var httpStatus: Int?
    /// The error this one wraps.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(
        _ code: Code, _ message: String, url: String, address: IPAddress? = nil, httpStatus: Int? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.url = url
        self.address = address
        self.httpStatus = httpStatus
        self.underlying = underlying
    }

    /// Whether trying again later may succeed (transport failures, truncation, 408/429/5xx).
    public var isRetriable: Bool {
        switch code {
        case .transport, .truncated, .resolutionFailed: return true
        case .badStatus: return httpStatus.map { $0 == 408 || $0 == 429 || $0 >= 500 } ?? false
        default: return false
        }
    }

    /// `code: message (url …)`.
    public var description: String {
        var text = "\(code): \(message) (url \(url)"
        if let address { text += ", address \(address)" }
        if let httpStatus { text += ", HTTP \(httpStatus)" }
        if let underlying { text += ", cause: \(underlying)" }
        return text + ")"
    }
}
