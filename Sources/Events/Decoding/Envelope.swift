/// Validates a CloudEvents envelope (cloudevents.schema.json narrowed by `<type>.schema.json`) and its data, and
/// builds the typed event. Checks run in a fixed order and stop at the first violation.
enum Envelope {
    /// How attributes are named in messages: by attribute in structured mode, by header in binary mode.
    struct Names {
        let specVersion, id, source, type, time, dataContentType, dataSchema, subject: String

        static let structured = Names(
            specVersion: "specversion", id: "id", source: "source", type: "type", time: "time",
            dataContentType: "datacontenttype", dataSchema: "dataschema", subject: "subject")
        static let binary = Names(
            specVersion: "ce_specversion", id: "ce_id", source: "ce_source", type: "ce_type", time: "ce_time",
            dataContentType: "content-type", dataSchema: "ce_dataschema", subject: "ce_subject")
    }

    static func decode(_ value: JSONValue, as type: EventType, names: Names) throws(EventValidationError) -> AnyEvent {
        guard case .object(let object) = value else {
            throw EventValidationError(
                code: .schemaViolation, path: nil, message: "the event must be a JSON object, got \(value.typeName)")
        }
        let envelope = ObjectReader(object, path: "")

        let specVersion = try envelope.required("specversion", names.specVersion)
        let version = try specVersion.string()
        guard version == "1.0" else {
            throw specVersion.violation("\(Quoted(version)) is not 1.0", code: .unsupportedSpecVersion)
        }

        let idField = try envelope.required("id", names.id)
        let id = try idField.string(minimumLength: 1, maximumLength: 256)
        if let prefix = type.idPrefix, !Syntax.isAssetEventID(id, prefix: prefix) {
            throw idField.violation("\(Quoted(id)) is not \(prefix) followed by 64 lowercase hexadecimal digits")
        }

        let sourceField = try envelope.required("source", names.source)
        let source = try sourceField.string(minimumLength: 1, maximumLength: 2048)
        guard Syntax.isPrintableASCII(source) else {
            throw sourceField.violation("\(Quoted(source)) is not printable ASCII without spaces")
        }

        let typeField = try envelope.required("type", names.type)
        let typeName = try typeField.string(minimumLength: 1, maximumLength: 256)
        guard typeName == type.rawValue else {
            throw typeField.violation(
                "\(Quoted(typeName)) is not this topic's event type \"\(type.rawValue)\"", code: .unknownEventType)
        }

        let time = try envelope.required("time", names.time).timestamp()

        let contentTypeField =
            type.requiresContentTypeAndSchema
            ? try envelope.required("datacontenttype", names.dataContentType)
            : envelope.optional("datacontenttype", names.dataContentType)
        let dataContentType = try contentTypeField?.string()
        if let contentTypeField, let dataContentType, !Syntax.isJSONContentType(dataContentType) {
            throw contentTypeField.violation(
                "\(Quoted(dataContentType)) is not application/json (optionally with charset=utf-8)")
        }

        let schemaField =
            type.requiresContentTypeAndSchema
            ? try envelope.required("dataschema", names.dataSchema)
            : envelope.optional("dataschema", names.dataSchema)
        let dataSchema = try schemaField?.string()
        if let schemaField, let dataSchema {
            guard Syntax.isDataSchemaURN(dataSchema) else {
                throw schemaField.violation("\(Quoted(dataSchema)) is not urn:assetforge:schema:<type>:<version>")
            }
            guard dataSchema == type.dataSchema else {
                throw schemaField.violation(
                    "\(Quoted(dataSchema)) is not supported; this topic takes \(type.dataSchema)",
                    code: .unsupportedDataSchema)
            }
        }

        let subject = try envelope.optional("subject", names.subject)?.string(minimumLength: 1)
        let data = try envelope.required("data", "data")

        func event<Payload>(_ payload: Payload) -> CloudEvent<Payload> {
            CloudEvent(
                id: id, source: source, type: type, time: time, dataContentType: dataContentType,
                dataSchema: dataSchema, subject: subject, data: payload)
        }
        switch type {
        case .productListed:
            return .productListed(event(try ProductListed(validating: data)))
        case .skuPromoted:
            return .skuPromoted(event(try SKUPromoted(validating: data)))
        case .assetReady:
            let payload = try AssetReady(validating: data)
            try checkAssetEventID(id, idField, type: type, assetId: payload.assetId)
            return .assetReady(event(payload))
        case .assetFailed:
            let payload = try AssetFailed(validating: data)
            try checkAssetEventID(id, idField, type: type, assetId: payload.assetId)
            return .assetFailed(event(payload))
        }
    }

    /// The cross-field rule JSON Schema cannot express: an asset event's id is its prefix + `data.assetId`.
    private static func checkAssetEventID(
        _ id: String,
        _ field: Field,
        type: EventType,
        assetId: String
    ) throws(EventValidationError) {
        guard let prefix = type.idPrefix else { return }
        guard id.hasSameUTF8(as: prefix + assetId) else {
            throw field.violation(
                "must be \(Quoted(prefix)) + data.assetId (\(Quoted(prefix + assetId))), got \(Quoted(id))")
        }
    }
}
