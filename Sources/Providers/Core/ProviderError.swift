import AssetForgeConfiguration

/// An error from a provider call, with a stable kebab-case ``Code`` the pipeline records as the failure reason.
///
/// Match on ``code``; new codes may be added without breaking callers.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    /// A stable failure reason.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case providerRejectedInput = "provider-rejected-input"
            case contentModeration = "content-moderation"
            case authenticationFailed = "authentication-failed"
            case rateLimited = "rate-limited"
            case quotaExhausted = "quota-exhausted"
            case serverError = "server-error"
            case timedOut = "timed-out"
            case transport = "transport-error"
            case malformedResponse = "malformed-response"
            case malformedOutput = "malformed-output"
            case taskFailed = "task-failed"
            case taskNotFound = "task-not-found"
            case taskTimedOut = "task-timed-out"
            case resultUnavailable = "result-unavailable"
            case retriesExhausted = "retries-exhausted"
            case providerUnavailable = "provider-unavailable"
            case budgetExhausted = "budget-exhausted"
            case inputPreparationFailed = "input-preparation-failed"
            case unsupportedCommand = "unsupported-command"
            case cancelled = "cancelled"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The vendor refused the request's content or parameters (HTTP 400-class); retrying will not help.
        public static let providerRejectedInput = Code(.providerRejectedInput)
        /// The vendor's content-safety check refused the input or the output.
        public static let contentModeration = Code(.contentModeration)
        /// Wrong key, bad signature, expired token.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// Throttled (429 or the vendor's rate-limit code); retryable.
        public static let rateLimited = Code(.rateLimited)
        /// Account out of balance, resource pack exhausted or arrears; not retryable.
        public static let quotaExhausted = Code(.quotaExhausted)
        /// The vendor answered 5xx or an internal-error code; retryable.
        public static let serverError = Code(.serverError)
        /// No answer within the request timeout; retryable.
        public static let timedOut = Code(.timedOut)
        /// Connection failed or dropped; retryable.
        public static let transport = Code(.transport)
        /// The answer was not the JSON the vendor documents; retryable.
        public static let malformedResponse = Code(.malformedResponse)
        /// The model's output (Qwen) was not the requested structure, after the allowed re-asks.
        public static let malformedOutput = Code(.malformedOutput)
        /// The vendor task ended in its failed state.
        public static let taskFailed = Code(.taskFailed)
        /// The vendor does not know the task (wrong id, or its record expired).
        public static let taskNotFound = Code(.taskNotFound)
        /// The task did not finish within the configured whole-task time.
        public static let taskTimedOut = Code(.taskTimedOut)
        /// The task succeeded but its result could not be obtained (missing or expired URL).
        public static let resultUnavailable = Code(.resultUnavailable)
        /// Transient errors persisted through every allowed attempt.
        public static let retriesExhausted = Code(.retriesExhausted)
        /// The provider is disabled (no credentials) or its circuit breaker is open.
        public static let providerUnavailable = Code(.providerUnavailable)
        /// The daily budget did not allow the submission within the allowed wait.
        public static let budgetExhausted = Code(.budgetExhausted)
        /// The input image could not be prepared (undecodable, too large, too small).
        public static let inputPreparationFailed = Code(.inputPreparationFailed)
        /// The provider does not do this kind of command.
        public static let unsupportedCommand = Code(.unsupportedCommand)
        /// The caller cancelled.
        public static let cancelled = Code(.cancelled)

        /// The kebab-case reason, e.g. `content-moderation`.
        public var description: String { value.rawValue }

        /// The reason an HTTP error status gives when the body has no vendor code a client knows: 429 rate limited,
        /// 5xx server error, 401/403 authentication, other 4xx rejected input, anything else `otherwise`.
        static func forHTTPStatus(_ status: Int, otherwise: Code) -> Code {
            switch status {
            case 429: .rateLimited
            case 500...: .serverError
            case 401, 403: .authenticationFailed
            case 400..<500: .providerRejectedInput
            default: otherwise
            }
        }
    }

    /// The reason.
    public var code: Code
    /// The provider, when known.
    public var provider: GenerationProvider?
    /// Human-readable detail (vendor message, HTTP status).
    public var message: String
    /// The HTTP status, when the error came from an answer.
    public var httpStatus: Int?
    /// The vendor's own error code (`Throttling.RateQuota`, `1302`, `50429`…), when present.
    public var vendorCode: String?
    /// How long the vendor asked us to wait (`Retry-After`), when it said.
    public var retryAfter: Duration?

    /// Creates an error.
    public init(
        _ code: Code, provider: GenerationProvider? = nil, message: String, httpStatus: Int? = nil,
        vendorCode: String? = nil, retryAfter: Duration? = nil
    ) {
        self.code = code
        self.provider = provider
        self.message = message
        self.httpStatus = httpStatus
        self.vendorCode = vendorCode
        self.retryAfter = retryAfter
    }

    /// Whether trying the same step again may succeed.
    public var isRetryable: Bool {
        [.rateLimited, .serverError, .timedOut, .transport, .malformedResponse].contains(code)
    }

    /// Whether the error says the provider itself is unhealthy (counts against its circuit breaker).
    /// Throttling does not: it is flow control, not failure.
    public var isProviderFault: Bool {
        [.serverError, .timedOut, .transport, .malformedResponse].contains(code)
    }

    /// Whether the command may be tried on the backup provider: nothing was created and the provider,
    /// not the input, is at fault.
    public var allowsFallback: Bool {
        [.providerUnavailable, .retriesExhausted, .authenticationFailed, .quotaExhausted].contains(code)
    }

    public var description: String {
        var text = "\(code)"
        if let provider { text += " [\(provider)]" }
        text += ": \(message)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if let vendorCode { text += " (vendor code \(vendorCode))" }
        return text
    }
}
