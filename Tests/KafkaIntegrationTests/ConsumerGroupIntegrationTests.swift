import Foundation
import Kafka
import KafkaTestSupport
import Synchronization
import Testing

/// Records a consumer's rebalance events in the background.
final class EventRecorder: Sendable {
    private final class Log: Sendable {
        let events = Mutex<[KafkaConsumerEvent]>([])
    }

    private let log = Log()
    private let task: Task<Void, Never>

    init(_ consumer: KafkaConsumer) {
        let events = consumer.events
        let log = self.log
        task = Task {
            for await event in events { log.events.withLock { $0.append(event) } }
        }
    }

    private func partitions(_ pick: (KafkaConsumerEvent) -> [KafkaTopicPartition]?) -> [KafkaTopicPartition] {
        log.events.withLock { events in events.flatMap { pick($0) ?? [] } }
    }

    var revoked: [KafkaTopicPartition] {
        partitions { if case .revoked(let partitions) = $0 { partitions } else { nil } }
    }

    var lost: [KafkaTopicPartition] {
        partitions { if case .lost(let partitions) = $0 { partitions } else { nil } }
    }

    var assigned: [KafkaTopicPartition] {
        partitions { if case .assigned(let partitions) = $0 { partitions } else { nil } }
    }

    deinit { task.cancel() }
}

@Suite("Consumer groups against the real broker", .serialized)
struct ConsumerGroupIntegrationTests {
    @Test func membersSplitPartitionsAndAJoinerCausesAnObservedRebalance() async throws {
        let topic = try await TestBroker.makeTopic("group", partitions: 6)
        let producer = try await TestBroker.producer()
        _ = await producer.send((0..<60).map { message(topic, $0, partition: Int32($0 % 6)) })
        await producer.close()
        let configuration = try TestBroker.consumerConfiguration(group: TestBroker.unique("group"))

        let first = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        let firstEvents = EventRecorder(first)
        try await first.waitForAssignment(count: 6)
        let early = try await first.take(60)
        #expect(Set(early.map(\.partition)).count == 6)

        let second = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        let secondEvents = EventRecorder(second)
        try await within(.seconds(60), "the partitions to be split") {
            while !(first.assignment().count == 3 && second.assignment().count == 3) {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(Set(first.assignment()).isDisjoint(with: second.assignment()))
        #expect(Set(first.assignment() + second.assignment()).count == 6)
        let revokedFromFirst = firstEvents.revoked
        #expect(revokedFromFirst.count == 3, "the application observed the cooperative revocation")
        #expect(Set(secondEvents.assigned) == Set(second.assignment()))

        // A done-mark for a message whose partition moved away is ignored.
        let moved = try #require(early.first { revokedFromFirst.contains($0.topicPartition) })
        #expect(!first.markDone(moved))
        let kept = try #require(early.first { first.assignment().contains($0.topicPartition) })
        #expect(first.markDone(kept))

        let third = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        try await within(.seconds(60), "the third member to get partitions") {
            while third.assignment().isEmpty || first.assignment().count + second.assignment().count + third.assignment().count != 6 {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(firstEvents.revoked.count + secondEvents.revoked.count > 3, "the third member's join was observed")
        try await third.close()
        try await second.close()
        try await first.close()
    }

    @Test func eagerRangeAssignmentAlsoSplitsAndReportsRevocation() async throws {
        let topic = try await TestBroker.makeTopic("eager", partitions: 4)
        var configuration = try TestBroker.consumerConfiguration(group: TestBroker.unique("eager"))
        configuration.assignmentStrategy = .range
        let first = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        let firstEvents = EventRecorder(first)
        try await first.waitForAssignment(count: 4)
        let second = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        try await within(.seconds(60), "the partitions to be split") {
            while !(first.assignment().count == 2 && second.assignment().count == 2) {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        // An eager rebalance revokes everything before handing out the new assignment.
        #expect(firstEvents.revoked.count == 4)
        #expect(Set(first.assignment()).isDisjoint(with: second.assignment()))
        try await second.close()
        try await first.close()
    }

    @Test func closeLeavesTheGroupPromptly() async throws {
        let topic = try await TestBroker.makeTopic("leave", partitions: 4)
        var configuration = try TestBroker.consumerConfiguration(group: TestBroker.unique("leave"))
        configuration.sessionTimeout = .seconds(30)
        let first = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        try await first.waitForAssignment(count: 4, within: .seconds(60))
        let second = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        try await within(.seconds(90), "the partitions to be split") {
            while !(first.assignment().count == 2 && second.assignment().count == 2) {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        let clock = ContinuousClock()
        let closedAt = clock.now
        try await first.close()
        try await second.waitForAssignment(count: 4, within: .seconds(60))
        let moved = clock.now - closedAt
        // Without a LeaveGroup the group would notice the departure only when the 30 s session timeout expired,
        // and then still need a rebalance (about half a session timeout on tansu): at least 40 s in all.
        #expect(moved < .seconds(30), "partitions moved \(moved) after close")
        try await second.close()
    }

    @Test func slowApplicationKeepsItsMembership() async throws {
        let topic = try await TestBroker.makeTopic("slow", partitions: 2)
        let producer = try await TestBroker.producer()
        _ = await producer.send((0..<200).map { message(topic, $0, partition: Int32($0 % 2)) })
        await producer.close()
        var configuration = try TestBroker.consumerConfiguration(group: TestBroker.unique("slow"))
        configuration.bufferCapacity = 20
        configuration.client.properties["max.poll.interval.ms"] = "7000"
        let consumer = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        let events = EventRecorder(consumer)
        try await consumer.waitForAssignment(count: 2)
        let first = try await consumer.take(1)
        // The application stalls for longer than max.poll.interval.ms and the session timeout.
        try await Task.sleep(for: .seconds(10))
        #expect(consumer.assignment().count == 2)
        #expect(events.revoked.isEmpty && events.lost.isEmpty, "the member was not thrown out of the group")
        let rest = try await consumer.take(199)
        #expect(Set((first + rest).map { "\($0.partition)/\($0.offset)" }).count == 200, "nothing lost while paused")
        for message in first + rest { consumer.markDone(message) }
        try await consumer.commit()
        try await consumer.close()
    }
}
