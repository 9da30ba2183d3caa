/// A CloudEvents 1.0 event with JSON data of type `Payload` (``ProductListed``, ``SKUPromoted``, ``AssetReady``,
/// ``AssetFailed``).
///
/// ``id`` + ``source`` identify an event: a second event with the same pair is a duplicate. Extension attributes
/// and unknown members are ignored when decoding and not kept.
public struct CloudEvent<Payload: Sendable>: Sendable {
    /// The CloudEvents version; always `1.0`.
    public var specVersion: String { "1.0" }
    /// The event id, unique per source (1 to 256 code points).
    public var id: String
    /// The producer context, printable ASCII without spaces, e.g. `urn:assetforge`.
    public var source: String
    /// The event type; equals the topic's event type.
    public var type: EventType
    /// When the occurrence happened.
    public var time: Timestamp
    /// The media type of ``data`` (`application/json`, optionally with a UTF-8 charset); nil means JSON.
    public var dataContentType: String?
    /// The data schema URN, e.g. `urn:assetforge:schema:product.listed:1`; nil means version 1.
    public var dataSchema: String?
    /// The subject within the source, if given; AssetForge does not interpret it.
    public var subject: String?
    /// The payload, with the contract's defaults applied.
    public var data: Payload

    /// Creates an event.
    public init(
        id: String,
        source: String,
        type: EventType,
        time: Timestamp,
        dataContentType: String? = nil,
        dataSchema: String? = nil,
        subject: String? = nil,
        data: Payload
    ) {
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.dataContentType = dataContentType
        self.dataSchema = dataSchema
        self.subject = subject
        self.data = data
    }

    /// The input event reference (`id`, `source`, `type`) that asset events carry as `sourceEvent`.
    public var reference: SourceEvent {
        SourceEvent(id: id, source: source, type: type.rawValue)
    }
}

extension CloudEvent: Equatable where Payload: Equatable {}
extension CloudEvent: Hashable where Payload: Hashable {}

extension CloudEvent: Codable where Payload: Codable {
    private enum CodingKeys: String, CodingKey {
        case specVersion = "specversion"
        case id, source, type, time
        case dataContentType = "datacontenttype"
        case dataSchema = "dataschema"
        case subject, data
    }

    /// Decodes the JSON event format. Does not validate: use ``EventDecoder`` for records from Kafka.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let specVersion = try container.decode(String.self, forKey: .specVersion)
        guard specVersion == "1.0" else {
            throw DecodingError.dataCorruptedError(
                forKey: .specVersion, in: container, debugDescription: "specversion \(Quoted(specVersion)) is not 1.0")
        }
        id = try container.decode(String.self, forKey: .id)
        source = try container.decode(String.self, forKey: .source)
        type = try container.decode(EventType.self, forKey: .type)
        time = try container.decode(Timestamp.self, forKey: .time)
        dataContentType = try container.decodeIfPresent(String.self, forKey: .dataContentType)
        dataSchema = try container.decodeIfPresent(String.self, forKey: .dataSchema)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        data = try container.decode(Payload.self, forKey: .data)
    }

    /// Encodes the JSON event format; absent optional attributes are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(specVersion, forKey: .specVersion)
        try container.encode(id, forKey: .id)
        try container.encode(source, forKey: .source)
        try container.encode(type, forKey: .type)
        try container.encode(time, forKey: .time)
        try container.encodeIfPresent(dataContentType, forKey: .dataContentType)
        try container.encodeIfPresent(dataSchema, forKey: .dataSchema)
        try container.encodeIfPresent(subject, forKey: .subject)
        try container.encode(data, forKey: .data)
    }
}
