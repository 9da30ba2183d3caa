import Events
import Foundation
import Kafka
import Logging
import ObjectStorage
import Synchronization
import Testing

@testable import EventIntake

/// A sink that fails its first `failures` deliveries, then records what it gets.
final class RecordingSink: DeadLetterSink {
    struct Failure: Error {}

    private let state: Mutex<(failuresLeft: Int, attempts: Int, delivered: [KafkaProducerMessage])>
    private let failure: any Error & Sendable

    init(failures: Int = 0, failure: any Error & Sendable = Failure()) {
        state = Mutex((failures, 0, []))
        self.failure = failure
    }

    var attempts: Int { state.withLock { $0.attempts } }
    var delivered: [KafkaProducerMessage] { state.withLock { $0.delivered } }

    func deliver(_ message: KafkaProducerMessage) async throws {
        try state.withLock { state in
            state.attempts += 1
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw failure
            }
            state.delivered.append(message)
        }
    }
}

@Suite("Dead-letter copies")
struct DeadLetterWriterTests {
    let directory = FileManager.default.temporaryDirectory.appending(path: "dlq-\(UUID().uuidString)")

    func writer(sink: RecordingSink, maximumBytes: Int = 921_600) -> DeadLetterWriter {
        DeadLetterWriter(
            topic: "assetforge.dlq", maximumBytes: maximumBytes, archive: FileDeadLetterArchive(directory: directory),
            sink: sink,
            retry: RetryBackoff(initialDelay: .milliseconds(1), maximumDelay: .milliseconds(5)),
            logger: Logger(label: "test"))
    }

    static let original = DeadLetterWriter.Original(
        topic: "product.listed", partition: 5, offset: 912, key: Array("MUG-1".utf8), value: Array("not json".utf8),
        headers: [KafkaHeader(key: "traceparent", string: "00-ab"), KafkaHeader(key: "binary", value: [0xFF, 0x00])])

    static let time = Date(timeIntervalSince1970: 1_749_124_800)

    @Test func keepsKeyHeadersAndValueAndAddsTheContractHeaders() async throws {
        let sink = RecordingSink()
        try await writer(sink: sink).write(
            Self.original, reason: .invalidJSON, detail: "invalid JSON at byte 0", now: Self.time)
        let copy = try #require(sink.delivered.first)
        #expect(copy.topic == "assetforge.dlq")
        #expect(copy.key == Self.original.key)
        #expect(copy.value == Self.original.value)
        #expect(Array(copy.headers.prefix(2)) == Self.original.headers)
        let added = try DeadLetterHeaders(validating: copy.headers.map(RecordHeader.init))
        #expect(
            added
                == DeadLetterHeaders(
                    reason: .invalidJSON, detail: "invalid JSON at byte 0", topic: "product.listed", partition: 5,
                    offset: 912,
                    time: Timestamp(rfc3339: "2025-06-05T12:00:00Z")!))
        #expect(
            copy.headers.dropFirst(2).map(\.key) == [
                "assetforge_dlq_reason", "assetforge_dlq_detail", "assetforge_dlq_topic", "assetforge_dlq_partition",
                "assetforge_dlq_offset", "assetforge_dlq_time",
            ])
    }

    @Test func oversizeValuesAreArchived() async throws {
        let sink = RecordingSink()
        var original = Self.original
        original.value = (0..<20_000).map { UInt8(truncatingIfNeeded: $0) }
        try await writer(sink: sink, maximumBytes: 10_000).write(original, reason: .schemaViolation, detail: nil)
        let copy = try #require(sink.delivered.first)
        #expect(copy.value.isEmpty)
        let added = try DeadLetterHeaders(validating: copy.headers.map(RecordHeader.init))
        #expect(added.originalSize == 20_000)
        let url = try #require(added.objectURL.flatMap(URL.init(string:)))
        #expect(url.isFileURL && url.path.hasSuffix("/product.listed/5/912.bin"))
        #expect(Array(try Data(contentsOf: url)) == original.value)
    }

    @Test func aCopyJustUnderTheLimitKeepsItsValue() async throws {
        let sink = RecordingSink()
        let headers = DeadLetterHeaders(
            reason: .schemaViolation, topic: "product.listed", partition: 5, offset: 912, time: Timestamp(Self.time))
        let size = DeadLetterWriter.size(Self.original.key, Self.original.value, Self.original.headers, headers)
        try await writer(sink: sink, maximumBytes: size).write(
            Self.original, reason: .schemaViolation, detail: nil, now: Self.time)
        #expect(sink.delivered.first?.value == Self.original.value)
        try await writer(sink: sink, maximumBytes: size - 1).write(
            Self.original, reason: .schemaViolation, detail: nil, now: Self.time)
        #expect(sink.delivered.last?.value == [])
    }

    @Test func hugeKeyAndHeadersArchiveTheWholeRecord() async throws {
        let sink = RecordingSink()
        var original = Self.original
        original.headers.append(KafkaHeader(key: "bulky", value: Array(repeating: 7, count: 20_000)))
        try await writer(sink: sink, maximumBytes: 10_000).write(original, reason: .notCloudEvent, detail: "garbage")
        let copy = try #require(sink.delivered.first)
        #expect(copy.key == nil && copy.value.isEmpty)
        let added = try DeadLetterHeaders(validating: copy.headers.map(RecordHeader.init))
        #expect(copy.headers.count == added.recordHeaders.count, "only the dead-letter headers travel")
        #expect(added.detail?.contains("whole record") == true)
        let url = try #require(added.objectURL.flatMap(URL.init(string:)))
        let archived = try JSONDecoder().decode(ArchivedRecord.self, from: Data(contentsOf: url))
        #expect(archived.value == Data(original.value).base64EncodedString())
        #expect(archived.key == Data("MUG-1".utf8).base64EncodedString())
        #expect(archived.headers.map(\.key) == ["traceparent", "binary", "bulky"])
        #expect(archived.headers.last?.value == Data(Array(repeating: UInt8(7), count: 20_000)).base64EncodedString())
    }

    @Test func aCopyTheBrokerRefusesAsTooLargeIsArchivedWhole() async throws {
        let sink = RecordingSink(failures: 1, failure: KafkaError(code: .messageTooLarge, message: "too large"))
        try await writer(sink: sink).write(Self.original, reason: .invalidJSON, detail: nil)
        #expect(sink.attempts == 2)
        let copy = try #require(sink.delivered.first)
        #expect(copy.value.isEmpty && copy.key == nil)
        let added = try DeadLetterHeaders(validating: copy.headers.map(RecordHeader.init))
        #expect(added.objectURL != nil && added.originalSize == UInt64(Self.original.value.count))
    }

    @Test func oversizeValuesGoToTheObjectStore() async throws {
        let store = MemoryObjectStore()
        let sink = RecordingSink()
        var original = Self.original
        original.value = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let writer = DeadLetterWriter(
            topic: "assetforge.dlq", maximumBytes: 10_000, archive: ObjectStoreDeadLetterArchive(store: store),
            sink: sink, retry: RetryBackoff(initialDelay: .milliseconds(1), maximumDelay: .milliseconds(5)),
            logger: Logger(label: "test"))
        try await writer.write(original, reason: .schemaViolation, detail: nil)
        let added = try DeadLetterHeaders(validating: try #require(sink.delivered.first).headers.map(RecordHeader.init))
        let key = ObjectStoreDeadLetterArchive.key(topic: "product.listed", partition: 5, offset: 912)
        #expect(added.objectURL == (try await store.url(for: key)).absoluteString)
        let stored = try await store.get(key, maxBytes: 1 << 20)
        #expect(Array(stored.readableBytesView) == original.value)
    }

    @Test func failedDeliveriesAreRetriedUntilTheyWork() async throws {
        let sink = RecordingSink(failures: 3)
        try await writer(sink: sink).write(Self.original, reason: .notCloudEvent, detail: nil)
        #expect(sink.attempts == 4)
        #expect(sink.delivered.count == 1)
    }

    @Test func cancellationStopsTheRetriesWithoutACopy() async throws {
        let sink = RecordingSink(failures: .max)
        let writer = writer(sink: sink)
        let task = Task { try await writer.write(Self.original, reason: .notCloudEvent, detail: nil) }
        // Cancel only once the writer has demonstrably retried; a fixed sleep races on a loaded machine.
        let deadline = ContinuousClock.now + .seconds(30)
        while sink.attempts < 2 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(sink.delivered.isEmpty && sink.attempts > 1)
    }

    @Test func longDetailIsCut() throws {
        let headers = DeadLetterHeaders(
            reason: .schemaViolation, detail: String(repeating: "é", count: 3000), topic: "t", partition: 0, offset: 0,
            time: Timestamp(Self.time))
        let detail = try #require(headers.recordHeaders.first { $0.name == DeadLetterHeaders.detailName }?.stringValue)
        #expect(detail.unicodeScalars.count == DeadLetterHeaders.maximumDetailLength)
        #expect(try DeadLetterHeaders(validating: headers.recordHeaders).detail == detail)
    }

    @Test func backoffGrowsToItsMaximum() {
        let backoff = RetryBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(2), jitter: 0)
        #expect(
            (1...7).map { backoff.delay(afterAttempt: $0) } == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600),
                .seconds(2), .seconds(2),
            ])
        let jittered = RetryBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(10), jitter: 0.2)
        for _ in 0..<100 {
            let delay = jittered.delay(afterAttempt: 1)
            #expect(delay >= .milliseconds(800) && delay <= .milliseconds(1200))
        }
        #expect(backoff.delay(afterAttempt: 10_000) == .seconds(2))
    }

    @Test func encodedEventsBecomeProducerMessages() throws {
        let encoded = try EncodedEvent(
            envelope: Array(
                #"{"specversion":"1.0","id":"e","source":"urn:s","type":"product.listed","time":"2025-06-02T09:15:00Z","data":{"sku":"A","title":"T","sourceImageUrl":"http://h/x"}}"#
                    .utf8), as: .productListed)
        let message = KafkaProducerMessage(encoded, topic: "product.listed")
        #expect(message.key == Array("A".utf8) && message.value == encoded.value)
        #expect(message.headers == [KafkaHeader(key: "content-type", string: "application/cloudevents+json")])
    }
}
