/// A message to produce.
public struct KafkaProducerMessage: Sendable {
    /// The destination topic.
    public var topic: String
    /// An explicit partition, or nil to let the partitioner choose from the key.
    public var partition: Int32?
    /// The key (nil for none).
    public var key: [UInt8]?
    /// The value.
    public var value: [UInt8]
    /// Record headers, in order.
    public var headers: [KafkaHeader]

    /// Creates a message with raw bytes.
    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: [UInt8],
        headers: [KafkaHeader] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// Creates a message with a UTF-8 key.
    public init(topic: String, partition: Int32? = nil, key: String, value: [UInt8], headers: [KafkaHeader] = []) {
        self.init(topic: topic, partition: partition, key: Array(key.utf8), value: value, headers: headers)
    }
}

/// Where the broker stored a produced message.
public struct KafkaDeliveryReport: Sendable, Hashable {
    /// The partition the message went to.
    public var partition: Int32
    /// The message's offset in that partition.
    public var offset: Int64

    /// Creates a report.
    public init(partition: Int32, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }
}
