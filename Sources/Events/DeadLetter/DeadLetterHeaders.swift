/// The headers AssetForge adds to a record it copies to the dead-letter topic (`deadLetter` in
/// kafka-headers.schema.json). The copy keeps the original key and headers, and the original value unless it was
/// too large: then the value is empty and ``objectURL`` and ``originalSize`` say where the bytes are.
public struct DeadLetterHeaders: Sendable, Hashable {
    /// Header `assetforge_dlq_reason`.
    public static let reasonName = "assetforge_dlq_reason"
    /// Header `assetforge_dlq_detail`.
    public static let detailName = "assetforge_dlq_detail"
    /// Header `assetforge_dlq_topic`.
    public static let topicName = "assetforge_dlq_topic"
    /// Header `assetforge_dlq_partition`.
    public static let partitionName = "assetforge_dlq_partition"
    /// Header `assetforge_dlq_offset`.
    public static let offsetName = "assetforge_dlq_offset"
    /// Header `assetforge_dlq_time`.
    public static let timeName = "assetforge_dlq_time"
    /// Header `assetforge_dlq_object_url`.
    public static let objectURLName = "assetforge_dlq_object_url"
    /// Header `assetforge_dlq_original_size`.
    public static let originalSizeName = "assetforge_dlq_original_size"

    /// The most code points ``detail`` may have.
    public static let maximumDetailLength = 1024

    /// Why the record was dead-lettered.
    public var reason: DeadLetterReason
    /// Human-readable detail such as the first validation error; cut to ``maximumDetailLength`` code points
    /// when written.
    public var detail: String?
    /// The topic the record was read from.
    public var topic: String
    /// Its partition.
    public var partition: UInt64
    /// Its offset.
    public var offset: UInt64
    /// When it was dead-lettered.
    public var time: Timestamp
    /// For an oversize record: the URI where the original value is stored.
    public var objectURL: String?
    /// For an oversize record: the original value's size in bytes.
    public var originalSize: UInt64?

    /// Creates dead-letter headers.
    public init(
        reason: DeadLetterReason,
        detail: String? = nil,
        topic: String,
        partition: UInt64,
        offset: UInt64,
        time: Timestamp,
        objectURL: String? = nil,
        originalSize: UInt64? = nil
    ) {
        self.reason = reason
        self.detail = detail
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.time = time
        self.objectURL = objectURL
        self.originalSize = originalSize
    }

    /// The headers to append to the original ones, in a fixed order.
    public var recordHeaders: [RecordHeader] {
        var headers = [RecordHeader(name: Self.reasonName, string: reason.rawValue)]
        if let detail { headers.append(RecordHeader(name: Self.detailName, string: Self.truncated(detail))) }
        headers += [
            RecordHeader(name: Self.topicName, string: topic),
            RecordHeader(name: Self.partitionName, string: String(partition)),
            RecordHeader(name: Self.offsetName, string: String(offset)),
            RecordHeader(name: Self.timeName, string: time.rfc3339),
        ]
        if let objectURL { headers.append(RecordHeader(name: Self.objectURLName, string: objectURL)) }
        if let originalSize { headers.append(RecordHeader(name: Self.originalSizeName, string: String(originalSize))) }
        return headers
    }

    /// Reads and validates the dead-letter headers of a record on the dead-letter topic. Other headers (the
    /// original record's) are ignored; with repeated names the last counts.
    public init(validating headers: [RecordHeader]) throws(EventValidationError) {
        func text(_ name: String) throws(EventValidationError) -> String? {
            guard let header = headers.last(named: name) else { return nil }
            guard let text = header.stringValue else {
                throw EventValidationError(
                    code: .schemaViolation, path: name,
                    message: header.value == nil ? "must be a string, got a null header" : "must be UTF-8 text")
            }
            return text
        }
        func required(_ name: String) throws(EventValidationError) -> String {
            guard let value = try text(name) else {
                throw EventValidationError(code: .schemaViolation, path: name, message: "is required")
            }
            return value
        }
        func decimal(_ name: String, _ value: String, maximumDigits: Int) throws(EventValidationError) -> UInt64 {
            guard Syntax.isDecimal(value, maximumDigits: maximumDigits), let number = UInt64(value) else {
                throw EventValidationError(
                    code: .schemaViolation, path: name,
                    message: "\(Quoted(value)) is not a decimal number of at most \(maximumDigits) digits")
            }
            return number
        }

        let reason = try required(Self.reasonName)
        guard (1...64).contains(reason.utf8.count), Syntax.isCode(reason) else {
            throw EventValidationError(
                code: .schemaViolation, path: Self.reasonName, message: "\(Quoted(reason)) is not a kebab-case code")
        }
        self.reason = DeadLetterReason(rawValue: reason)
        detail = try text(Self.detailName)
        if let detail, detail.unicodeScalars.count > Self.maximumDetailLength {
            throw EventValidationError(
                code: .schemaViolation, path: Self.detailName,
                message: "longer than \(Self.maximumDetailLength) code points")
        }
        topic = try required(Self.topicName)
        guard Syntax.isTopicName(topic) else {
            throw EventValidationError(
                code: .schemaViolation, path: Self.topicName, message: "\(Quoted(topic)) is not a topic name")
        }
        partition = try decimal(Self.partitionName, required(Self.partitionName), maximumDigits: 10)
        offset = try decimal(Self.offsetName, required(Self.offsetName), maximumDigits: 19)
        let time = try required(Self.timeName)
        guard let timestamp = Timestamp(rfc3339: time) else {
            throw EventValidationError(
                code: .schemaViolation, path: Self.timeName, message: "\(Quoted(time)) is not an RFC 3339 timestamp")
        }
        self.time = timestamp
        objectURL = try text(Self.objectURLName)
        if let objectURL, !(3...2048).contains(objectURL.unicodeScalars.count) || !Syntax.isURI(objectURL) {
            throw EventValidationError(
                code: .schemaViolation, path: Self.objectURLName, message: "\(Quoted(objectURL)) is not an absolute URI"
            )
        }
        originalSize = try text(Self.originalSizeName).map { (value) throws(EventValidationError) in
            try decimal(Self.originalSizeName, value, maximumDigits: 19)
        }
        if (objectURL == nil) != (originalSize == nil) {
            let (present, missing) =
                objectURL == nil
                ? (Self.originalSizeName, Self.objectURLName) : (Self.objectURLName, Self.originalSizeName)
            throw EventValidationError(
                code: .schemaViolation, path: missing, message: "is required together with \(present)")
        }
    }

    private static func truncated(_ detail: String) -> String {
        var scalars = detail.unicodeScalars
        guard scalars.count > maximumDetailLength else { return detail }
        scalars = String.UnicodeScalarView(scalars.prefix(maximumDetailLength - 1))
        return String(scalars) + "…"
    }
}
