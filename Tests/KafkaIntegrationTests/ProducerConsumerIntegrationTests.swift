import Foundation
import Kafka
import KafkaTestSupport
import Testing

@Suite("Producer and consumer against the real broker", .serialized)
struct ProducerConsumerIntegrationTests {
    @Test func roundTripKeepsKeyHeadersPartitionAndTimestamp() async throws {
        let topic = try await TestBroker.makeTopic("roundtrip", partitions: 3)
        let producer = try await TestBroker.producer()
        let before = Date()
        let sent = KafkaProducerMessage(
            topic: topic,
            partition: 2,
            key: "sku-42",
            value: Array(#"{"hello":"world"}"#.utf8),
            headers: [
                KafkaHeader(key: "ce_type", string: "product.listed"),
                KafkaHeader(key: "binary", value: [0, 1, 2, 255]),
                KafkaHeader(key: "null", value: nil),
            ]
        )
        let report = try await producer.send(sent)
        #expect(report.partition == 2)
        #expect(report.offset == 0)
        await producer.close()

        let consumer = try await KafkaConsumer.connect(
            configuration: try TestBroker.consumerConfiguration(group: TestBroker.unique("roundtrip")),
            topics: [topic]
        )
        let received = try #require(try await consumer.take(1).first)
        #expect(received.topic == topic)
        #expect(received.partition == 2)
        #expect(received.offset == 0)
        #expect(received.keyString == "sku-42")
        #expect(received.value == sent.value)
        #expect(received.headers == sent.headers)
        let timestamp = try #require(received.timestamp)
        #expect(abs(timestamp.timeIntervalSince(before)) < 60)
        try await consumer.close()
    }

    @Test func oneSubscriptionCoversSeveralTopics() async throws {
        let listed = try await TestBroker.makeTopic("multi-listed", partitions: 2)
        let promoted = try await TestBroker.makeTopic("multi-promoted", partitions: 1)
        let producer = try await TestBroker.producer()
        _ = await producer.send((0..<4).map { message(listed, $0) } + (0..<3).map { message(promoted, $0) })
        await producer.close()
        let consumer = try await KafkaConsumer.connect(
            configuration: try TestBroker.consumerConfiguration(group: TestBroker.unique("multi")),
            topics: [listed, promoted]
        )
        let received = try await consumer.take(7)
        #expect(received.filter { $0.topic == listed }.count == 4)
        #expect(received.filter { $0.topic == promoted }.count == 3)
        #expect(Set(consumer.assignment().map(\.topic)) == [listed, promoted])
        try await consumer.close()
    }

    @Test func restartedConsumerResumesAtTheCommittedDonePrefix() async throws {
        let topic = try await TestBroker.makeTopic("resume", partitions: 1)
        let producer = try await TestBroker.producer()
        let results = await producer.send((0..<10).map { message(topic, $0) })
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        await producer.close()

        let configuration = try TestBroker.consumerConfiguration(group: TestBroker.unique("resume"))
        let first = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        let received = try await first.take(10)
        #expect(received.map(\.offset) == Array(0..<10))
        // Finish 0...4, then 7 and 8 ahead of the unfinished 5 and 6; 9 stays unfinished.
        for offset: Int64 in [7, 0, 1, 8, 2, 3, 4] {
            let message = try #require(received.first { $0.offset == offset })
            #expect(first.markDone(message))
        }
        try await first.commit()
        try await first.close()

        let second = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        let again = try await second.take(5)
        #expect(again.map(\.offset) == [5, 6, 7, 8, 9], "nothing committed is seen again and nothing unfinished is lost")
        #expect(try await second.expectNoMessage(for: .seconds(1)) == nil)
        try await second.close()
    }

    @Test func batchesTakeWhatIsBufferedInOrderUpToTheirBound() async throws {
        let topic = try await TestBroker.makeTopic("batches", partitions: 1)
        let producer = try await TestBroker.producer()
        let results = await producer.send((0..<25).map { message(topic, $0) })
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        let consumer = try await KafkaConsumer.connect(
            configuration: try TestBroker.consumerConfiguration(group: TestBroker.unique("batches")),
            topics: [topic]
        )
        let batches = try await KafkaTestSupport.within(.seconds(30), "25 messages in batches") {
            var batches: [[KafkaConsumerMessage]] = []
            for try await batch in consumer.messageBatches(maximumCount: 10) {
                batches.append(batch)
                if batches.joined().count >= 25 { break }
            }
            return batches
        }
        #expect(batches.allSatisfy { !$0.isEmpty && $0.count <= 10 })
        #expect(batches.joined().map(\.offset) == Array(0..<25))
        #expect(batches.joined().map(\.value) == (0..<25).map { message(topic, $0).value })
        #expect(batches.count < 25, "a backlog comes several messages at a time")
        // A lone message comes at once, as a batch of one.
        _ = try await producer.send(message(topic, 25))
        let lone = try await KafkaTestSupport.within(.seconds(30), "the lone message") {
            for try await batch in consumer.messageBatches(maximumCount: 10) { return batch }
            return []
        }
        #expect(lone.map(\.offset) == [25])
        await producer.close()
        try await consumer.close()
    }

    @Test func pauseStopsFetchingAndResumeContinues() async throws {
        let topic = try await TestBroker.makeTopic("pause", partitions: 1)
        let producer = try await TestBroker.producer()
        _ = try await producer.send(message(topic, 0))
        let consumer = try await KafkaConsumer.connect(
            configuration: try TestBroker.consumerConfiguration(group: TestBroker.unique("pause")),
            topics: [topic]
        )
        _ = try await consumer.take(1)
        try await consumer.pause()
        _ = await producer.send((1...5).map { message(topic, $0) })
        #expect(try await consumer.expectNoMessage(for: .seconds(2)) == nil, "a paused partition delivers nothing")
        try await consumer.resume()
        let resumed = try await consumer.take(5)
        #expect(resumed.map(\.offset) == [1, 2, 3, 4, 5])
        await producer.close()
        try await consumer.close()
    }

    @Test func seekToTimestampReplaysFromThere() async throws {
        let topic = try await TestBroker.makeTopic("seek", partitions: 1)
        let producer = try await TestBroker.producer()
        _ = await producer.send((0..<5).map { message(topic, $0) })
        try await Task.sleep(for: .milliseconds(1500))
        let middle = Date()
        try await Task.sleep(for: .milliseconds(500))
        _ = await producer.send((5..<10).map { message(topic, $0) })
        await producer.close()

        let consumer = try await KafkaConsumer.connect(
            configuration: try TestBroker.consumerConfiguration(group: TestBroker.unique("seek")),
            topics: [topic]
        )
        let all = try await consumer.take(10)
        #expect(all.map(\.offset) == Array(0..<10))
        let sought = try await consumer.seek(toTimestamp: middle)
        #expect(sought[KafkaTopicPartition(topic: topic, partition: 0)] == 5)
        let replayed = try await consumer.take(5)
        #expect(replayed.map(\.offset) == [5, 6, 7, 8, 9])
        #expect(!consumer.markDone(all[0]), "a done-mark from before the seek is ignored")
        #expect(consumer.markDone(replayed[0]))
        try await consumer.close()
    }

    @Test func oversizedMessageFailsWithATypedError() async throws {
        let topic = try await TestBroker.makeTopic("toolarge", partitions: 1)
        let producer = try await TestBroker.producer { $0.client.properties["message.max.bytes"] = "2000" }
        await #expect {
            try await producer.send(message(topic, 0, size: 5000))
        } throws: { error in
            (error as? KafkaError)?.code == .messageTooLarge
        }
        // The producer stays usable.
        let report = try await producer.send(message(topic, 1))
        #expect(report.offset == 0)
        await producer.close()
    }

    @Test func unreachableBrokerFailsClearlyWithinTheBound() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.client.connectTimeout = .seconds(2)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await KafkaProducer.connect(configuration: configuration)
            Issue.record("connecting to a closed port succeeded")
        } catch let error as KafkaError {
            #expect(error.code == .brokerUnreachable)
            #expect(error.message.contains("127.0.0.1:1"))
        }
        #expect(clock.now - start < .seconds(15))

        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:1"], groupID: "g")
        consumerConfiguration.client.connectTimeout = .seconds(2)
        await #expect {
            _ = try await KafkaConsumer.connect(configuration: consumerConfiguration, topics: ["t"])
        } throws: { error in
            (error as? KafkaError)?.code == .brokerUnreachable
        }
    }
}
