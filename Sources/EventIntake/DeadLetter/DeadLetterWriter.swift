import Events
import Foundation
import Kafka
import Logging

/// Copies a record to the dead-letter topic: original key, headers and value, plus ``DeadLetterHeaders``; a value
/// that would make the copy larger than the limit goes to the ``DeadLetterArchive`` instead. When even the key and
/// headers are too large (or the broker still refuses the copy as too large), the whole record is archived as one
/// JSON document (``ArchivedRecord``) and the copy carries only the dead-letter headers. Retries until the broker has
/// the copy, so a record is never lost and never stalls its partition for being big.
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
        var wholeRecord = false
        while true {
            do {
                let message = try await self.message(for: original, headers: &headers, wholeRecord: wholeRecord)
                try await sink.deliver(message)
                return
            } catch let error as KafkaError where error.code == .messageTooLarge && !wholeRecord {
                // Permanent for this copy: send a smaller one instead of retrying the same bytes.
                logger.warning(
                    "dead-letter copy refused as too large; archiving the whole record",
                    metadata: ["kafka.topic": "\(original.topic)", "kafka.offset": "\(original.offset)"])
                wholeRecord = true
                headers.objectURL = nil
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

    /// The dead-letter record; archives the value first (once) when the copy would be too large, and the whole
    /// record when the key and headers alone are too large or `wholeRecord` is set.
    func message(
        for original: Original, headers: inout DeadLetterHeaders, wholeRecord: Bool = false
    ) async throws -> KafkaProducerMessage {
        let tooLarge = Self.size(original.key, original.value, original.headers, headers) > maximumBytes
        let keyAndHeadersTooLarge = Self.size(original.key, [], original.headers, headers) > maximumBytes
        if wholeRecord || keyAndHeadersTooLarge {
            if headers.objectURL == nil {
                headers.objectURL = try await archive.archive(
                    try ArchivedRecord(original).json(), topic: original.topic, partition: original.partition,
                    offset: original.offset)
                headers.originalSize = UInt64(original.value.count)
                headers.detail = [headers.detail, "key and headers too large: the whole record is archived as JSON"]
                    .compactMap { $0 }.joined(separator: "; ")
            }
            return KafkaProducerMessage(topic: topic, key: nil, value: [], headers: headers.recordHeaders.map(KafkaHeader.init))
        }
        if headers.objectURL == nil, tooLarge {
            let url = try await archive.archive(
                original.value, topic: original.topic, partition: original.partition, offset: original.offset)
            headers.objectURL = url
            headers.originalSize = UInt64(original.value.count)
        }
        let value = headers.objectURL == nil ? original.value : []
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

/// A whole record as archived when its key and headers alone are too large for the dead-letter topic:
/// `{"topic", "partition", "offset", "key", "headers": [{"key", "value"}], "value"}`, bytes in base64.
struct ArchivedRecord: Codable, Sendable {
    struct Header: Codable, Sendable {
        var key: String
        var value: String?
    }

    var topic: String
    var partition: Int32
    var offset: Int64
    var key: String?
    var headers: [Header]
    var value: String

    init(_ original: DeadLetterWriter.Original) {
        topic = original.topic
        partition = original.partition
        offset = original.offset
        key = original.key.map { Data($0).base64EncodedString() }
        headers = original.headers.map { Header(key: $0.key, value: $0.value.map { Data($0).base64EncodedString() }) }
        value = Data(original.value).base64EncodedString()
    }

    func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(self))
    }
}
