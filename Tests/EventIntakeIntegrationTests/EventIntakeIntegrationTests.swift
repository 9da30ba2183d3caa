import EventIntake
import Events
import Foundation
import KafkaTestSupport
import Logging
import Synchronization
import Testing

@testable import Kafka

/// What the application's handler saw.
final class HandlerLog: Sendable {
    private let state = Mutex<(deliveries: [String], done: Set<String>, events: [String: AnyEvent])>(([], [], [:]))

    var deliveries: [String] { state.withLock { $0.deliveries } }
    var done: Set<String> { state.withLock { $0.done } }
    func event(_ id: String) -> AnyEvent? { state.withLock { $0.events[id] } }

    func record(_ delivery: IntakeDelivery, markDone: Bool) {
        let id = delivery.event.reference.id
        let marked = markDone && delivery.markDone()
        state.withLock { state in
            state.deliveries.append(id)
            state.events[id] = delivery.event
            if marked { state.done.insert(id) }
        }
    }
}

/// Collects every record of a topic in the background.
final class TopicReader: Sendable {
    let consumer: KafkaConsumer
    private let records = Locked<[KafkaConsumerMessage]>([])
    private let task: Task<Void, Never>

    init(topic: String) async throws {
        let consumer = try await TestBroker.consumer(group: TestBroker.unique("dlq-reader"), topics: [topic])
        let records = self.records
        self.consumer = consumer
        task = Task {
            do {
                for try await message in consumer.messages { records.withLock { $0.append(message) } }
            } catch {}
        }
    }

    var messages: [KafkaConsumerMessage] { records.value }

    func close() async throws {
        try await consumer.close()
        await task.value
    }
}

@Suite("Event intake against the real broker", .serialized)
struct EventIntakeIntegrationTests {
    static let logger: Logger = {
        var logger = Logger(label: "test.intake")
        logger.logLevel = .error
        return logger
    }()

    @Test func burstOfValidAndInvalidEventsSurvivesARestart() async throws {
        let productTopic = TestBroker.unique("product.listed")
        let skuTopic = TestBroker.unique("sku.promoted")
        let deadLetterTopic = TestBroker.unique("assetforge.dlq")
        try await TestBroker.createTopics([(productTopic, 3), (skuTopic, 2), (deadLetterTopic, 1)])
        let archiveDirectory = FileManager.default.temporaryDirectory.appending(path: TestBroker.unique("dlq-archive"))
        defer { try? FileManager.default.removeItem(at: archiveDirectory) }

        var configuration = EventIntakeConfiguration()
        configuration.topics = [productTopic: .productListed, skuTopic: .skuPromoted]
        configuration.deadLetterTopic = deadLetterTopic
        configuration.maximumDeadLetterBytes = 10_000
        configuration.retry = RetryBackoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(500))
        let group = TestBroker.unique("intake")
        let producer = try await TestBroker.largeMessageProducer()
        defer { Task { await producer.close() } }

        // The burst, produced at once; the delivery reports say where each record went.
        let burst = BurstRecord.burst(productTopic: productTopic, skuTopic: skuTopic)
        let reports = try await producer.send(burst.map(\.message)).map { try $0.get() }
        let validIDs = Set(burst.compactMap { if case .valid(let id) = $0.expectation { id } else { nil } })
        let invalid = zip(burst, reports).filter { if case .invalid = $0.0.expectation { true } else { false } }
        #expect(validIDs.count == 34 && invalid.count == 16)

        let deadLetters = try await TopicReader(topic: deadLetterTopic)
        defer { Task { try? await deadLetters.close() } }

        // First run: leaves some valid events unfinished, and stops halfway through the burst.
        let unfinished: Set<String> = ["pl-structured-3", "pl-binary-1", "pl-headerless-4", "sp-binary-2"]
        let firstLog = HandlerLog()
        let first = try await TestBroker.consumer(group: group, topics: configuration.subscribedTopics)
        let firstIntake = EventIntake(
            consumer: first, deadLetterProducer: producer, archive: FileDeadLetterArchive(directory: archiveDirectory),
            configuration: configuration, logger: Self.logger
        ) { delivery in
            firstLog.record(delivery, markDone: !unfinished.contains(delivery.event.reference.id))
            try await Task.sleep(for: .milliseconds(30))  // slow enough to stop it halfway
        }
        let firstRun = Task { try await firstIntake.run() }
        try await waitUntil("the first run to reach half of the valid events") {
            firstLog.deliveries.count >= validIDs.count / 2
        }
        try await first.close()
        try await firstRun.value

        // Second run, same group: gets everything not finished before, finishes everything.
        let secondLog = HandlerLog()
        let second = try await TestBroker.consumer(group: group, topics: configuration.subscribedTopics)
        let secondIntake = EventIntake(
            consumer: second, deadLetterProducer: producer, archive: FileDeadLetterArchive(directory: archiveDirectory),
            configuration: configuration, logger: Self.logger
        ) { delivery in
            secondLog.record(delivery, markDone: true)
        }
        let secondRun = Task { try await secondIntake.run() }
        let invalidPlaces = Set(invalid.map { Place(topic: $0.0.message.topic, report: $0.1) })
        try await waitUntil(
            "every valid event to be finished and every invalid one dead-lettered", within: .seconds(90)
        ) {
            // The done-marks too: a dead letter can reach the reader before its record is marked done.
            firstLog.done.union(secondLog.done) == validIDs
                && invalidPlaces.isSubset(of: Set(deadLetters.messages.compactMap(Place.init(deadLetter:))))
                && second.undoneMessageCount == 0
        }
        try await second.close()
        try await secondRun.value

        // Nothing lost: what the first run left unfinished came again.
        let firstDone = firstLog.done
        #expect(unfinished.isSubset(of: Set(secondLog.deliveries)))
        #expect(firstDone.isDisjoint(with: unfinished))
        #expect(
            !firstDone.isEmpty && Set(firstLog.deliveries).count < validIDs.count, "the first run stopped mid-burst")

        // Valid events were handed on as events, never dead-lettered.
        for record in burst {
            guard case .valid(let id) = record.expectation else { continue }
            let event = try #require(secondLog.event(id) ?? firstLog.event(id), "\(id) was not delivered")
            #expect(event.sku == record.message.key.map { String(decoding: $0, as: UTF8.self) })
            #expect(event.type == (record.message.topic == productTopic ? .productListed : .skuPromoted))
        }
        if case .skuPromoted(let promoted)? = secondLog.event("sp-structured-0") ?? firstLog.event("sp-structured-0") {
            #expect(promoted.data.video.durationSeconds == 5, "the default was applied")
        } else {
            Issue.record("sp-structured-0 was not a sku.promoted event")
        }

        // Every invalid record is on the dead-letter topic, whole, with its reason (duplicates are allowed: the
        // first run may have copied records it could not mark done before it stopped).
        let copies = deadLetters.messages
        #expect(copies.allSatisfy { Place(deadLetter: $0).map(invalidPlaces.contains) == true }, "only invalid records")
        for (record, report) in invalid {
            guard case .invalid(let reason, let archived) = record.expectation else { continue }
            let place = Place(topic: record.message.topic, report: report)
            let matching = copies.filter { Place(deadLetter: $0) == place }
            #expect(!matching.isEmpty, "\(record.label) is not on the dead-letter topic")
            for copy in matching {
                let headers = try DeadLetterHeaders(validating: copy.headers.map(RecordHeader.init))
                #expect(headers.reason == reason, "\(record.label): \(headers.detail ?? "")")
                #expect(copy.key == record.message.key, "\(record.label)")
                #expect(Array(copy.headers.prefix(record.message.headers.count)) == record.message.headers)
                if archived {
                    #expect(copy.value.isEmpty, "\(record.label)")
                    #expect(headers.originalSize == UInt64(record.message.value.count))
                    let url = try #require(headers.objectURL.flatMap(URL.init(string:)))
                    #expect(Array(try Data(contentsOf: url)) == record.message.value, "\(record.label) archive")
                } else {
                    #expect(copy.value == record.message.value, "\(record.label)")
                    #expect(headers.objectURL == nil)
                }
                #expect(
                    copy.value.count + copy.headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
                        <= 10_000)
            }
        }

        // Offsets moved past everything: a restarted member of the group gets nothing.
        let third = try await TestBroker.consumer(group: group, topics: configuration.subscribedTopics)
        try await waitUntil("the third member's assignment") { third.assignment().count == 5 }
        let late = Locked<[String]>([])
        let listener = Task {
            for try await message in third.messages {
                late.withLock { $0.append("\(message.topic)[\(message.partition)]@\(message.offset)") }
            }
        }
        try await Task.sleep(for: .seconds(4))
        try await third.close()
        _ = try? await listener.value
        #expect(late.value.isEmpty, "redelivered after everything was done")
    }
}

/// Where a record is: topic, partition, offset.
struct Place: Hashable, CustomStringConvertible {
    let topic: String
    let partition: Int32
    let offset: Int64

    init(topic: String, report: KafkaDeliveryReport) {
        self.topic = topic
        self.partition = report.partition
        self.offset = report.offset
    }

    /// The original record a dead-letter copy names in its headers.
    init?(deadLetter message: KafkaConsumerMessage) {
        guard let topic = message.headers.string(forKey: DeadLetterHeaders.topicName),
            let partition = message.headers.string(forKey: DeadLetterHeaders.partitionName).flatMap({ Int32($0) }),
            let offset = message.headers.string(forKey: DeadLetterHeaders.offsetName).flatMap({ Int64($0) })
        else { return nil }
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    var description: String { "\(topic)[\(partition)]@\(offset)" }
}

@Suite("Event intake: handler failures and unconfigured topics", .serialized)
struct EventIntakeFailureIntegrationTests {
    struct Rejected: Error, CustomStringConvertible {
        var description: String { "the ledger refused the event" }
    }

    @Test func handlerErrorsAndUnconfiguredTopicsAreDeadLettered() async throws {
        let productTopic = TestBroker.unique("product.listed")
        let strayTopic = TestBroker.unique("stray")
        let deadLetterTopic = TestBroker.unique("assetforge.dlq")
        try await TestBroker.createTopics([(productTopic, 1), (strayTopic, 1), (deadLetterTopic, 1)])
        var configuration = EventIntakeConfiguration()
        configuration.topics = [productTopic: .productListed]
        configuration.deadLetterTopic = deadLetterTopic
        let producer = try await TestBroker.largeMessageProducer()
        defer { Task { await producer.close() } }

        let event = { (id: String) in
            KafkaProducerMessage(
                topic: productTopic, key: "SKU-\(id)",
                value: BurstRecord.envelope(type: "product.listed", id: id, data: BurstRecord.product("SKU-\(id)")),
                headers: BurstRecord.structured)
        }
        var stray = event("stray")
        stray.topic = strayTopic
        for result in await producer.send([event("ok-1"), event("refused"), event("ok-2"), stray]) {
            _ = try result.get()
        }

        let deadLetters = try await TopicReader(topic: deadLetterTopic)
        defer { Task { try? await deadLetters.close() } }
        let group = TestBroker.unique("intake-failures")
        // The consumer is subscribed to a topic the configuration has no event type for.
        let consumer = try await TestBroker.consumer(group: group, topics: [productTopic, strayTopic])
        let log = HandlerLog()
        let intake = EventIntake(
            consumer: consumer, deadLetterProducer: producer,
            archive: FileDeadLetterArchive(directory: FileManager.default.temporaryDirectory),
            configuration: configuration, logger: EventIntakeIntegrationTests.logger
        ) { delivery in
            if delivery.event.reference.id == "refused" { throw Rejected() }
            log.record(delivery, markDone: true)
        }
        let run = Task { try await intake.run() }
        // The dead letters can reach the reader before the intake has its delivery reports and marks the records
        // done: wait for the done-marks too, or close would rightly leave a record to be delivered again.
        try await waitUntil("two events and two dead letters, all four records marked done") {
            log.done == ["ok-1", "ok-2"] && deadLetters.messages.count >= 2 && consumer.undoneMessageCount == 0
        }
        try await consumer.close()
        try await run.value

        let reasons = try deadLetters.messages.map {
            try DeadLetterHeaders(validating: $0.headers.map(RecordHeader.init))
        }
        let refused = try #require(reasons.first { $0.topic == productTopic })
        #expect(refused.reason == .processingFailed)
        #expect(refused.detail == "the ledger refused the event")
        let unconfigured = try #require(reasons.first { $0.topic == strayTopic })
        #expect(unconfigured.reason == .unknownEventType)

        // Both were marked done: nothing comes again.
        let again = try await TestBroker.consumer(group: group, topics: [productTopic, strayTopic])
        try await waitUntil("the assignment") { again.assignment().count == 2 }
        let late = Locked<Int>(0)
        let listener = Task { for try await _ in again.messages { late.withLock { $0 += 1 } } }
        try await Task.sleep(for: .seconds(3))
        try await again.close()
        _ = try? await listener.value
        #expect(late.value == 0)
    }
}

@Suite("Event intake: batches and lanes", .serialized)
struct EventIntakeLaneIntegrationTests {
    /// What a batch handler saw: each call's deliveries as (partition, offset), and which lanes ran at once.
    final class BatchLog: Sendable {
        private let state = Locked<(calls: [[(Int32, Int64)]], running: Int, mostRunning: Int)>(([], 0, 0))
        var calls: [[(Int32, Int64)]] { state.value.calls }
        var mostRunning: Int { state.value.mostRunning }

        func enter(_ deliveries: [IntakeDelivery]) {
            state.withLock {
                $0.calls.append(deliveries.map { ($0.message.partition, $0.message.offset) })
                $0.running += 1
                $0.mostRunning = max($0.mostRunning, $0.running)
            }
        }

        func leave() { state.withLock { $0.running -= 1 } }
    }

    @Test func lanesKeepEachPartitionInOrderAndHandleSeveralEventsAtOnce() async throws {
        let productTopic = TestBroker.unique("product.listed")
        let deadLetterTopic = TestBroker.unique("assetforge.dlq")
        try await TestBroker.createTopics([(productTopic, 6), (deadLetterTopic, 1)])
        var configuration = EventIntakeConfiguration()
        configuration.topics = [productTopic: .productListed]
        configuration.deadLetterTopic = deadLetterTopic
        configuration.lanes = 3
        configuration.maximumBatchSize = 40
        let producer = try await TestBroker.largeMessageProducer()
        defer { Task { await producer.close() } }
        let events = (0..<300).map { index in
            KafkaProducerMessage(
                topic: productTopic, partition: Int32(index % 6), key: "SKU-\(index)",
                value: BurstRecord.envelope(
                    type: "product.listed", id: "e-\(index)", data: BurstRecord.product("SKU-\(index)")),
                headers: BurstRecord.structured)
        }
        for result in await producer.send(events) { _ = try result.get() }

        let consumer = try await TestBroker.consumer(group: TestBroker.unique("lanes"), topics: [productTopic])
        let log = BatchLog()
        let intake = EventIntake(
            consumer: consumer, deadLetterProducer: producer,
            archive: FileDeadLetterArchive(directory: FileManager.default.temporaryDirectory),
            configuration: configuration, logger: EventIntakeIntegrationTests.logger
        ) { deliveries in
            log.enter(deliveries)
            try await Task.sleep(for: .milliseconds(20))  // long enough for the lanes to overlap
            for delivery in deliveries { delivery.markDone() }
            log.leave()
            return []
        }
        let run = Task { try await intake.run() }
        try await waitUntil("all 300 events handled and marked done") {
            log.calls.joined().count >= 300 && consumer.undoneMessageCount == 0
        }
        try await consumer.close()
        try await run.value

        let handled = Array(log.calls.joined())
        #expect(handled.count == 300, "each event handled once")
        for partition in Int32(0)..<6 {
            let offsets = handled.filter { $0.0 == partition }.map(\.1)
            #expect(offsets == Array(0..<50), "partition \(partition) handled in order")
        }
        #expect(log.calls.allSatisfy { call in call.count <= 40 && Set(call.map(\.0)).allSatisfy { $0 % 3 == call[0].0 % 3 } },
            "a call holds one lane's partitions, at most a batch")
        #expect(log.calls.contains { $0.count > 1 }, "a backlog comes several events at a time")
        #expect(log.mostRunning > 1, "lanes run at once")
        #expect(log.mostRunning <= 3)
    }
}
