/// Why a record is not a valid event: a stable ``Code`` (which is also the dead-letter reason), the field, and the
/// rule it breaks.
///
/// ``description`` reads `data.languages[3]: "xx_YY" is not a BCP 47 language tag`: the path of the field
/// (``path``), then the rule (``message``). Validation stops at the first violation.
public struct EventValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable classification. New codes may be added; match on the constants.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case notCloudEvent = "not-cloudevent"
            case invalidJSON = "invalid-json"
            case schemaViolation = "schema-violation"
            case unsupportedSpecVersion = "unsupported-specversion"
            case unsupportedDataSchema = "unsupported-dataschema"
            case unknownEventType = "unknown-event-type"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The record is in neither CloudEvents Kafka binding (no structured content type, no `ce_specversion`
        /// header, and not a header-less JSON object).
        public static let notCloudEvent = Code(.notCloudEvent)
        /// The envelope (structured mode) or the data (binary mode) is not JSON.
        public static let invalidJSON = Code(.invalidJSON)
        /// The event breaks a rule of its schema, or the asset id rule.
        public static let schemaViolation = Code(.schemaViolation)
        /// `specversion` is a string other than `1.0`.
        public static let unsupportedSpecVersion = Code(.unsupportedSpecVersion)
        /// `dataschema` names another event type or a version this service does not know.
        public static let unsupportedDataSchema = Code(.unsupportedDataSchema)
        /// `type` is not the event type of the topic the record came from.
        public static let unknownEventType = Code(.unknownEventType)

        /// The dead-letter reason for this code, e.g. `schema-violation`.
        public var deadLetterReason: DeadLetterReason { DeadLetterReason(rawValue: base.rawValue) }

        /// The kebab-case code, e.g. `schema-violation`.
        public var description: String { base.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// The field concerned, e.g. `data.languages[3]`, `time`, or `ce_time` for a binary-mode header; nil when the
    /// problem is not about one field (for example a value that is not JSON).
    public var path: String?
    /// The rule that was broken, e.g. `"xx_YY" is not a BCP 47 language tag`.
    public var message: String

    /// Creates an error.
    public init(code: Code, path: String?, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// `path: message`, or the message alone.
    public var description: String {
        path.map { "\($0): \(message)" } ?? message
    }
}
