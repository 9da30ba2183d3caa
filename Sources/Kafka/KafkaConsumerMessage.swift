import struct Foundation.Date

/// A message received by a ``KafkaConsumer``.
public struct KafkaConsumerMessage: Sendable {
    /// The topic it came from.
    public var topic: String
    /// Its partition.
    public var partition: Int32
    /// Its offset in the partition.
    public var offset: Int64
    /// The key, or nil.
    public var key: [UInt8]?
    /// The value (empty for a null value).
    public var value: [UInt8]
    /// Record headers, in order.
    public var headers: [KafkaHeader]
    /// The record's timestamp (create or log-append time), if it has one.
    public var timestamp: Date?
    /// The assignment generation of the partition when this message was delivered.
    ///
    /// ``KafkaConsumer/markDone(_:)`` ignores a message whose partition was revoked (or sought) since:
    /// its generation is then older than the partition's current one.
    public var assignmentGeneration: UInt64

    /// The topic and partition.
    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }

    /// The key decoded as UTF-8, if any.
    public var keyString: String? {
        key.flatMap { String(validating: $0, as: UTF8.self) }
    }
}
