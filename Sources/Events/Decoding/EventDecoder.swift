/// Decodes and validates AssetForge events from Kafka records, matching the JSON Schemas in `schemas/` exactly
/// (the examples there are its test set).
///
/// Both CloudEvents Kafka bindings are read: structured mode (`content-type: application/cloudevents+json`, the
/// envelope in the value), binary mode (`ce_*` headers, the data in the value), and a record with neither a
/// `content-type` nor any `ce_` header whose value is a JSON object is read as structured mode. Unknown members
/// and extension attributes are ignored; the contract's defaults are applied.
///
/// A value type without state: share one or create them freely.
public struct EventDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes a record read from a topic that carries `type` events.
    ///
    /// - Parameters:
    ///   - value: The record value (empty for a null value).
    ///   - headers: The record headers, in order; with repeated names the last counts.
    ///   - type: The event type of the record's topic; the event's `type` must equal it.
    /// - Throws: ``EventValidationError``, whose code is also the dead-letter reason.
    public func decode(value: [UInt8], headers: [RecordHeader], as type: EventType) throws(EventValidationError)
        -> AnyEvent
    {
        switch try BindingMode(headers: headers, value: value) {
        case .structured:
            return try decode(envelope: value, as: type)
        case .binary:
            return try decodeBinary(value: value, headers: headers, as: type)
        }
    }

    /// Decodes an event in the JSON event format (a structured-mode value, or a stored event).
    public func decode(envelope: [UInt8], as type: EventType) throws(EventValidationError) -> AnyEvent {
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(envelope)
        } catch {
            throw EventValidationError(
                code: .invalidJSON, path: nil, message: "invalid JSON at byte \(error.offset): \(error.message)")
        }
        return try Envelope.decode(parsed, as: type, names: .structured)
    }

    /// Binary mode: rebuilds the envelope from the `ce_*` and `content-type` headers plus the value as `data`.
    private func decodeBinary(value: [UInt8], headers: [RecordHeader], as type: EventType) throws(EventValidationError)
        -> AnyEvent
    {
        var members: [(name: String, value: JSONValue)] = []
        members.reserveCapacity(8)
        for header in headers {
            let attribute: Substring
            if header.name == "content-type" {
                attribute = "datacontenttype"
            } else if header.name.hasUTF8Prefix("ce_") {
                attribute = header.name.dropFirst(3)
            } else {
                continue  // Other headers (tracing, ...) are not attributes.
            }
            guard let text = header.stringValue else {
                throw EventValidationError(
                    code: .schemaViolation, path: header.name,
                    message: header.value == nil ? "must be a string, got a null header" : "must be UTF-8 text")
            }
            let name = String(attribute)
            if let existing = members.firstIndex(where: { $0.name == name }) {
                members[existing].value = .string(text)
            } else {
                members.append((name, .string(text)))
            }
        }
        let data: JSONValue
        do {
            data = try JSONParser.parse(value)
        } catch {
            throw EventValidationError(
                code: .invalidJSON, path: "data", message: "invalid JSON at byte \(error.offset): \(error.message)")
        }
        members.removeAll { $0.name == "data" }
        members.append(("data", data))
        return try Envelope.decode(.object(JSONObject(members: members)), as: type, names: .binary)
    }
}
