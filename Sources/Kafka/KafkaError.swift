import CRDKafka

/// An error from the Kafka binding: a stable ``Code`` to match on, plus what went wrong and what to do.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// A stable classification of a ``KafkaError``. New codes may be added; match on the constants.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration
            case brokerUnreachable
            case messageTooLarge
            case deliveryFailed
            case timedOut
            case closed
            case invalidUse
            case operationFailed
            case fatal
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A configuration property is unknown, has a bad value, or conflicts with how the binding works.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// No broker answered within the configured bound.
        public static let brokerUnreachable = Code(.brokerUnreachable)
        /// The message exceeds `message.max.bytes` (client side) or the broker's limit.
        public static let messageTooLarge = Code(.messageTooLarge)
        /// The broker or the client gave up delivering a message.
        public static let deliveryFailed = Code(.deliveryFailed)
        /// An operation did not finish within its time bound.
        public static let timedOut = Code(.timedOut)
        /// The client was closed.
        public static let closed = Code(.closed)
        /// The API was used in a way it does not support (for example two iterators on one consumer).
        public static let invalidUse = Code(.invalidUse)
        /// A librdkafka operation failed; ``KafkaError/rdKafkaCode`` has the library's code.
        public static let operationFailed = Code(.operationFailed)
        /// librdkafka raised a fatal error: the client cannot continue and must be recreated.
        public static let fatal = Code(.fatal)

        public var description: String { base.rawValue }
    }

    /// What kind of error this is.
    public var code: Code
    /// A human-readable explanation, including what to do where that is known.
    public var message: String
    /// The configuration property concerned, for ``Code/invalidConfiguration``.
    public var property: String?
    /// librdkafka's `rd_kafka_resp_err_t` value, when the error came from the library or the broker.
    public var rdKafkaCode: Int32?

    /// Creates an error.
    public init(code: Code, message: String, property: String? = nil, rdKafkaCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.property = property
        self.rdKafkaCode = rdKafkaCode
    }

    /// librdkafka's symbolic name for ``rdKafkaCode`` (for example `MSG_SIZE_TOO_LARGE`).
    public var rdKafkaName: String? {
        rdKafkaCode.map { String(cString: rd_kafka_err2name(rd_kafka_resp_err_t($0))) }
    }

    /// Whether retrying the same operation later may succeed.
    public var isRetriable: Bool {
        switch code {
        case .brokerUnreachable, .timedOut: return true
        case .deliveryFailed, .operationFailed:
            guard let raw = rdKafkaCode else { return false }
            return Self.retriableCodes.contains(rd_kafka_resp_err_t(raw))
        default: return false
        }
    }

    private static let retriableCodes: Set<rd_kafka_resp_err_t> = [
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
        RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
    ]

    public var description: String {
        var text = "KafkaError.\(code): \(message)"
        if let property { text += " [property: \(property)]" }
        if let name = rdKafkaName { text += " [librdkafka: \(name)]" }
        return text
    }

    /// Maps a librdkafka response code to a ``KafkaError`` with the library's own text.
    static func rdKafka(_ err: rd_kafka_resp_err_t, _ context: String, defaultCode: Code = .operationFailed) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(err))
        let code: Code
        switch err {
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
            code = .messageTooLarge
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
            code = .timedOut
        case RD_KAFKA_RESP_ERR__FATAL:
            code = .fatal
        case RD_KAFKA_RESP_ERR__DESTROY:
            code = .closed
        default:
            code = defaultCode
        }
        return KafkaError(code: code, message: "\(context): \(text)", rdKafkaCode: Int32(err.rawValue))
    }
}
