/// Which CloudEvents Kafka binding a record uses, decided from its headers (schemas/README.md).
enum BindingMode {
    /// The record value is the whole event.
    case structured
    /// The attributes are `ce_*` headers and the value is `data`.
    case binary

    /// 1. a `content-type` starting with `application/cloudevents+json`: structured;
    /// 2. otherwise a `ce_specversion` header: binary;
    /// 3. otherwise, with neither a `content-type` nor any `ce_` header, a value that is a JSON object
    ///    (its first non-whitespace byte is `{`): structured (producers that set no headers);
    /// 4. otherwise not a CloudEvent.
    init(headers: [RecordHeader], value: [UInt8]) throws(EventValidationError) {
        var contentType: RecordHeader?
        var hasCloudEventsHeader = false
        var hasSpecVersion = false
        for header in headers {
            if header.name == "content-type" {
                contentType = header
            } else if header.name.hasUTF8Prefix("ce_") {
                hasCloudEventsHeader = true
                if header.name == "ce_specversion" { hasSpecVersion = true }
            }
        }
        let contentTypeText = contentType?.stringValue
        if let contentTypeText, contentTypeText.hasUTF8Prefix("application/cloudevents+json") {
            guard Syntax.isStructuredContentType(contentTypeText) else {
                throw EventValidationError(
                    code: .schemaViolation, path: "content-type",
                    message: "\(Quoted(contentTypeText)) is not application/cloudevents+json with optional parameters")
            }
            self = .structured
        } else if hasSpecVersion {
            self = .binary
        } else if contentType == nil, !hasCloudEventsHeader,
            JSONParser.firstSignificantByte(of: value) == UInt8(ascii: "{")
        {
            self = .structured
        } else {
            throw Self.notCloudEvent(contentType: contentType, contentTypeText: contentTypeText, hasCloudEventsHeader)
        }
    }

    private static func notCloudEvent(
        contentType: RecordHeader?,
        contentTypeText: String?,
        _ hasCloudEventsHeader: Bool
    ) -> EventValidationError {
        let path: String
        let message: String
        if hasCloudEventsHeader {
            path = "ce_specversion"
            message = "is required in binary mode (the record has other ce_ headers)"
        } else if contentType != nil {
            path = "content-type"
            let shown = contentTypeText.map { Quoted($0).description } ?? "a header that is not UTF-8 text"
            message =
                contentTypeText?.hasUTF8Prefix("application/cloudevents-batch") == true
                ? "\(shown): CloudEvents batches are not supported"
                : "\(shown) is not application/cloudevents+json, and there is no ce_specversion header"
        } else {
            path = "value"
            message = "not a CloudEvent: no content-type or ce_ headers, and the value is not a JSON object"
        }
        return EventValidationError(code: .notCloudEvent, path: path, message: message)
    }
}
