import CRDKafka
import struct Foundation.Date

/// A message as librdkafka handed it to the polling thread, not yet copied into a ``KafkaConsumerMessage``.
///
/// It owns the C message: exactly one of ``converted(topic:)`` or ``destroy()`` must be called, before the
/// client is destroyed. Copying it out happens on the application's task, so the key and value arrays are
/// allocated and freed on the same thread (glibc frees memory of another thread's arena more slowly).
struct PolledMessage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<rd_kafka_message_t>
    /// Index of the topic's name in the consumer's topic table.
    let topicIndex: Int
    let partition: Int32
    let offset: Int64
    /// The partition's assignment generation, stamped when the message enters the buffer.
    var generation: UInt64 = 0
    /// Key and value bytes, for the buffer's byte bound.
    let byteCount: Int

    init(_ pointer: UnsafeMutablePointer<rd_kafka_message_t>, topicIndex: Int) {
        self.pointer = pointer
        self.topicIndex = topicIndex
        partition = pointer.pointee.partition
        offset = pointer.pointee.offset
        byteCount = pointer.pointee.len + pointer.pointee.key_len
    }

    /// Releases the C message without copying it.
    func destroy() {
        rd_kafka_message_destroy(pointer)
    }

    /// Copies the message out and releases the C message.
    func converted(topic: String) -> KafkaConsumerMessage {
        defer { destroy() }
        let message = pointer.pointee
        let value: [UInt8] = message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: message.len)) } ?? []
        let key: [UInt8]? = message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) }
        var headers: [KafkaHeader] = []
        var headerList: OpaquePointer?
        if rd_kafka_message_headers(pointer, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            let count = rd_kafka_header_cnt(headerList)
            headers.reserveCapacity(count)
            for index in 0..<count {
                var name: UnsafePointer<CChar>?
                var valuePointer: UnsafeRawPointer?
                var size = 0
                guard rd_kafka_header_get_all(headerList, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR,
                    let name
                else { continue }
                let bytes = valuePointer.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                headers.append(KafkaHeader(key: String(cString: name), value: bytes))
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(pointer, &timestampType)
        return KafkaConsumerMessage(
            topic: topic,
            partition: partition,
            offset: offset,
            key: key,
            value: value,
            headers: headers,
            timestamp: milliseconds >= 0 ? Date(timeIntervalSince1970: Double(milliseconds) / 1000) : nil,
            assignmentGeneration: generation
        )
    }
}
