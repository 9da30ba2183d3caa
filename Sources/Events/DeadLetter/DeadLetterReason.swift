/// Why a record was dead-lettered: a kebab-case code from an open set (header `assetforge_dlq_reason`).
public struct DeadLetterReason: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The code, e.g. `schema-violation`.
    public let rawValue: String

    /// Wraps a code; it must be kebab-case (`^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters) to validate.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Not in either CloudEvents Kafka binding.
    public static let notCloudEvent = DeadLetterReason(rawValue: "not-cloudevent")
    /// The envelope or data is not JSON.
    public static let invalidJSON = DeadLetterReason(rawValue: "invalid-json")
    /// The event breaks its schema.
    public static let schemaViolation = DeadLetterReason(rawValue: "schema-violation")
    /// A CloudEvents version other than 1.0.
    public static let unsupportedSpecVersion = DeadLetterReason(rawValue: "unsupported-specversion")
    /// A data schema (type or version) this service does not read.
    public static let unsupportedDataSchema = DeadLetterReason(rawValue: "unsupported-dataschema")
    /// An event type that is not the topic's, or a topic without a known event type.
    public static let unknownEventType = DeadLetterReason(rawValue: "unknown-event-type")
    /// A valid event whose processing failed for good.
    public static let processingFailed = DeadLetterReason(rawValue: "processing-failed")

    public var description: String { rawValue }
}
