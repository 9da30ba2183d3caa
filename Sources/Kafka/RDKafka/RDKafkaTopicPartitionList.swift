import CRDKafka

/// An owned `rd_kafka_topic_partition_list_t`.
///
/// The C list is destroyed in `deinit`, so its pointer is only handed out inside ``withPointer(_:)``, which keeps
/// the owner alive for the call (a bare `.pointer` read may let Swift release the owner before the C call runs).
/// `@unchecked Sendable`: used by one thread at a time, destroyed once by its owner.
final class RDKafkaTopicPartitionList: @unchecked Sendable {
    private let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// Creates a list of partitions with offsets (`RD_KAFKA_OFFSET_INVALID` when nil).
    init(_ entries: [(KafkaTopicPartition, Int64?)]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(clamping: max(entries.count, 1)))
        for (topicPartition, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(pointer, topicPartition.topic, topicPartition.partition)
            element?.pointee.offset = offset ?? Int64(RD_KAFKA_OFFSET_INVALID)
        }
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    /// Calls `body` with the C list; the list stays alive until `body` returns.
    func withPointer<R>(_ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(pointer) }
    }

    /// The entries of this list.
    var entries: [RDKafkaTopicPartitionEntry] {
        Self.entries(of: pointer)
    }

    /// The entries of a list owned elsewhere (for example one passed to a callback).
    static func entries(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [RDKafkaTopicPartitionEntry] {
        let count = Int(list.pointee.cnt)
        guard count > 0, let elements = list.pointee.elems else { return [] }
        return (0..<count).map { index in
            let element = elements[index]
            return RDKafkaTopicPartitionEntry(
                topicPartition: KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition),
                offset: element.offset,
                error: element.err
            )
        }
    }
}

/// One element of a partition list, copied out of C memory.
struct RDKafkaTopicPartitionEntry: Sendable {
    var topicPartition: KafkaTopicPartition
    var offset: Int64
    var error: rd_kafka_resp_err_t
}
