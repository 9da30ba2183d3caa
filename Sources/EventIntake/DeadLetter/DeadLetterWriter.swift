import Events
import Foundation
import Kafka
import Logging

/// Copies a record to the dead-letter topic: original key, headers and value, plus ``DeadLetterHeaders``; a value
/// that would make the copy larger than the limit goes to the ``DeadLetterArchive`` instead. Retries until the
/// broker has the copy.
struct DeadLetterWriter: Sendable {
    /// The record being dead-lettered.
    struct Original: Sendable {
        var topic: String
        var partition: Int32
        var offset: Int64
        var key: [UInt8]?
        var value: [UInt8]
        var headers: [KafkaHeader]
    }

    let topic: String
    let maximumBytes: Int
    let archive: any DeadLetterArchive
    let sink: any DeadLetterSink
    let retry: RetryBackoff
    let logger: Logger

    /// Returns once the copy is stored. Throws only `CancellationError`, when the task is cancelled meanwhile.
    func write(_ original: Original, reason: DeadLetterReason, detail: String?, now: Date = Date()) async throws {
        var headers = DeadLetterHeaders(
            reason: reason, detail: detail, topic: original.topic, partition: UInt64(max(0, original.partition)),
            offset: UInt64(max(0, original.offset)), time: Timestamp(now))
        var attempt = 0
        while true {
            do {
                let message = try await self.message(for: original, headers: &headers)
                try await sink.deliver(message)
                return
            } catch {
                try Task.checkCancellation()
                attempt += 1
                let delay = retry.delay(afterAttempt: attempt)
                logger.error(
                    "cannot copy a record to the dead-letter topic; retrying, the record stays unfinished",
                    metadata: [
                        "kafka.topic": "\(original.topic)", "kafka.partition": "\(original.partition)",
                        "kafka.offset": "\(original.offset)", "dlq.topic": "\(topic)", "dlq.attempt": "\(attempt)",
                        "retry.delay": "\(delay)", "error": "\(error)",
                    ])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// The dead-letter record; archives the value first (once) when the copy would be too large.
    func message(for original: Original, headers: inout DeadLetterHeaders) async throws -> KafkaProducerMessage {
        var value = original.value
        if headers.objectURL == nil, Self.size(original.key, value, original.headers, headers) > maximumBytes {
            let url = try await archive.archive(
                original.value, topic: original.topic, partition: original.partition, offset: original.offset)
            headers.objectURL = url
            headers.originalSize = UInt64(original.value.count)
        }
        if headers.objectURL != nil { value = [] }
        return KafkaProducerMessage(
            topic: topic, key: original.key, value: value,
            headers: original.headers + headers.recordHeaders.map(KafkaHeader.init))
    }

    /// Bytes of key, value, and header names and values of the copy (the broker adds a little per record).
    static func size(_ key: [UInt8]?, _ value: [UInt8], _ headers: [KafkaHeader], _ added: DeadLetterHeaders) -> Int {
        let original = headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
        let extra = added.recordHeaders.reduce(0) { $0 + $1.name.utf8.count + ($1.value?.count ?? 0) }
        return (key?.count ?? 0) + value.count + original + extra
    }
}
