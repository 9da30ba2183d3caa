/// The input event that caused an asset: its CloudEvents `id`, `source` and `type`, copied verbatim.
/// `id` + `source` identify that event.
public struct SourceEvent: Sendable, Hashable, Codable {
    /// The input event's `id` (non-empty).
    public var id: String
    /// The input event's `source` (non-empty).
    public var source: String
    /// The input event's `type` (non-empty), e.g. `product.listed`.
    public var type: String

    /// Creates a reference.
    public init(id: String, source: String, type: String) {
        self.id = id
        self.source = source
        self.type = type
    }
}

extension SourceEvent {
    init(validating field: Field) throws(EventValidationError) {
        let object = try field.object()
        id = try object.required("id", "data.sourceEvent.id").string(minimumLength: 1)
        source = try object.required("source", "data.sourceEvent.source").string(minimumLength: 1)
        type = try object.required("type", "data.sourceEvent.type").string(minimumLength: 1)
    }
}
