/// A Kafka record header as the event contract sees it: a name and raw bytes (nil for a null value).
///
/// The contract's header values are UTF-8 strings; this type keeps the bytes so that a record can be
/// dead-lettered byte for byte.
public struct RecordHeader: Sendable, Hashable {
    /// The header name (case-sensitive).
    public var name: String
    /// The value, or nil for a null value.
    public var value: [UInt8]?

    /// Creates a header with raw bytes.
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// Creates a header with a UTF-8 string value.
    public init(name: String, string: String) {
        self.init(name: name, value: Array(string.utf8))
    }

    /// The value as UTF-8 text, or nil when null or not UTF-8.
    public var stringValue: String? {
        value?.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
    }
}

extension Array where Element == RecordHeader {
    /// The last header called `name`: with repeated names, the last one counts.
    func last(named name: String) -> RecordHeader? {
        last { $0.name == name }
    }
}
