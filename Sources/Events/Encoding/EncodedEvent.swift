/// An event ready to produce in structured mode: the record key (the SKU), the value (the whole envelope as JSON)
/// and the headers (`content-type: application/cloudevents+json`).
///
/// Store ``value`` to republish the event later byte for byte: ``init(envelope:as:)`` rebuilds the record from it.
public struct EncodedEvent: Sendable, Hashable {
    /// The structured-mode content type.
    public static let contentType = "application/cloudevents+json"

    /// The event type; the topic to produce to is the one configured for it.
    public var type: EventType
    /// The CloudEvents `id`, e.g. `ready-<assetId>`.
    public var id: String
    /// The record key: the SKU, UTF-8.
    public var key: [UInt8]
    /// The record value: the envelope in the JSON event format.
    public var value: [UInt8]
    /// The record headers.
    public var headers: [RecordHeader] { [RecordHeader(name: "content-type", string: Self.contentType)] }

    init(type: EventType, id: String, sku: String, value: [UInt8]) {
        self.type = type
        self.id = id
        self.key = Array(sku.utf8)
        self.value = value
    }

    /// Rebuilds the record of a stored envelope, unchanged, after validating it as a `type` event.
    public init(envelope: [UInt8], as type: EventType) throws(EventValidationError) {
        let event = try EventDecoder().decode(envelope: envelope, as: type)
        self.init(type: type, id: event.reference.id, sku: event.sku, value: envelope)
    }
}
