/// A Kafka record header. A header's value may be null.
public struct KafkaHeader: Hashable, Sendable {
    /// The header name.
    public var key: String
    /// The header value; `nil` for a null value.
    public var value: [UInt8]?

    /// Creates a header with raw bytes.
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Creates a header with a UTF-8 string value.
    public init(key: String, string: String) {
        self.key = key
        self.value = Array(string.utf8)
    }

    /// The value decoded as UTF-8, or nil when absent or not UTF-8.
    public var stringValue: String? {
        value.flatMap { String(validating: $0, as: UTF8.self) }
    }
}

extension Array where Element == KafkaHeader {
    /// The value of the last header named `key` as UTF-8 text.
    public func string(forKey key: String) -> String? {
        last { $0.key == key }?.stringValue
    }
}
