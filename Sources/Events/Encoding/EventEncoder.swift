import struct Foundation.Date
import class Foundation.JSONEncoder

/// Encodes the events AssetForge emits (`asset.ready`, `asset.failed`) as structured-mode records.
///
/// The envelope has `specversion` 1.0, `id` `ready-<assetId>` or `failed-<assetId>`, the configured ``source``,
/// `type`, `time` (RFC 3339, UTC), `datacontenttype` `application/json` and the `dataschema` URN. The JSON has
/// sorted keys and no insignificant whitespace, so the same event always encodes to the same bytes. Every encoded
/// event is validated with ``EventDecoder`` before it is returned: an event that breaks the contract is never
/// produced.
public struct EventEncoder: Sendable {
    /// The CloudEvents `source` of emitted events (configuration `events.source`). Default `urn:assetforge`.
    public var source: String

    /// Creates an encoder for events from `source`.
    public init(source: String = "urn:assetforge") {
        self.source = source
    }

    /// Encodes an `asset.ready` event that happened at `time`.
    public func encode(_ data: AssetReady, time: Date = Date()) throws(EventValidationError) -> EncodedEvent {
        try encode(data, type: .assetReady, assetId: data.assetId, sku: data.sku, time: time)
    }

    /// Encodes an `asset.failed` event that happened at `time`.
    public func encode(_ data: AssetFailed, time: Date = Date()) throws(EventValidationError) -> EncodedEvent {
        try encode(data, type: .assetFailed, assetId: data.assetId, sku: data.sku, time: time)
    }

    private func encode<Payload: Codable & Sendable>(
        _ data: Payload,
        type: EventType,
        assetId: String,
        sku: String,
        time: Date
    ) throws(EventValidationError) -> EncodedEvent {
        let id = (type.idPrefix ?? "") + assetId
        let event = CloudEvent(
            id: id, source: source, type: type, time: Timestamp(time), dataContentType: "application/json",
            dataSchema: type.dataSchema, data: data)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let value: [UInt8]
        do {
            value = Array(try encoder.encode(event))
        } catch let error as EncodingError {
            guard case .invalidValue(_, let context) = error else { throw Self.unencodable(String(describing: error)) }
            throw Self.unencodable(context.debugDescription, path: context.codingPath.map(\.stringValue))
        } catch {
            throw Self.unencodable(String(describing: error))
        }
        // Validate what goes out exactly as a consumer will read it.
        _ = try EventDecoder().decode(envelope: value, as: type)
        return EncodedEvent(type: type, id: id, sku: sku, value: value)
    }

    private static func unencodable(_ message: String, path: [String] = []) -> EventValidationError {
        EventValidationError(
            code: .schemaViolation, path: path.isEmpty ? nil : path.joined(separator: "."), message: message)
    }
}
