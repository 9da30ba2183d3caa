import KafkaTestSupport
import Testing
@testable import Kafka

/// Buffered messages stay librdkafka's until the application takes them; these check the paths that drop them.
@Suite("Buffered messages: taken in order, dropped on seek and close without hanging")
struct BufferedMessagesTests {
    private static let count = 20

    /// A consumer on a fresh one-partition topic holding `count` messages, returned once all are buffered.
    private func bufferedConsumer(_ cluster: MockCluster, topic: String) async throws -> KafkaConsumer {
        cluster.createTopic(topic, partitions: 1)
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: [cluster.bootstrapServers])
        producerConfiguration.linger = .milliseconds(1)
        let producer = try await KafkaProducer.connect(configuration: producerConfiguration)
        let results = await producer.send((0..<Self.count).map {
            KafkaProducerMessage(topic: topic, key: "k\($0)", value: Array("v\($0)".utf8), headers: [KafkaHeader(key: "n", string: "\($0)")])
        })
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        await producer.close()

        var configuration = KafkaConsumerConfiguration(bootstrapServers: [cluster.bootstrapServers], groupID: "\(topic)-group")
        configuration.offsetReset = .earliest
        configuration.sessionTimeout = .seconds(6)
        let consumer = try await KafkaConsumer.connect(configuration: configuration, topics: [topic])
        do {
            try await within(.seconds(20), "\(Self.count) buffered messages") {
                while consumer.bufferedMessageCount < Self.count { try await Task.sleep(for: .milliseconds(20)) }
            }
        } catch {
            try? await consumer.close()
            throw error
        }
        return consumer
    }

    @Test func messagesComeOutWholeAndInOrder() async throws {
        let cluster = try MockCluster()
        let consumer = try await bufferedConsumer(cluster, topic: "buffered-order")
        var iterator = consumer.messages.makeAsyncIterator()
        for expected in 0..<Self.count {
            let message = try #require(try await iterator.next())
            #expect(message.topic == "buffered-order" && message.partition == 0 && message.offset == Int64(expected))
            #expect(message.keyString == "k\(expected)" && message.value == Array("v\(expected)".utf8))
            #expect(message.headers.string(forKey: "n") == "\(expected)")
            #expect(message.timestamp != nil)
            #expect(consumer.markDone(message))
        }
        #expect(consumer.bufferedMessageCount == 0)
        try await consumer.close()
    }

    @Test func seekDropsBufferedMessagesOfThePartition() async throws {
        let cluster = try MockCluster()
        let consumer = try await bufferedConsumer(cluster, topic: "buffered-seek")
        var iterator = consumer.messages.makeAsyncIterator()
        let first = try #require(try await iterator.next())
        #expect(first.offset == 0)
        try await consumer.seek([first.topicPartition: 15])
        // Offsets 1...19 were buffered before the seek: none of them may come out after it.
        let next = try #require(try await iterator.next())
        #expect(next.offset == 15)
        #expect(consumer.markDone(next))
        #expect(!consumer.markDone(first), "a message delivered before the seek is of an older generation")
        try await consumer.close()
    }

    @Test func closeWithBufferedMessagesFinishesAndEndsTheSequence() async throws {
        let cluster = try MockCluster()
        let consumer = try await bufferedConsumer(cluster, topic: "buffered-close")
        var iterator = consumer.messages.makeAsyncIterator()
        #expect(try await iterator.next()?.offset == 0)
        #expect(consumer.bufferedMessageCount == Self.count - 1)
        // Nineteen messages wait in the buffer, still librdkafka's: close releases them and ends the sequence.
        try await within(.seconds(20), "close with buffered messages") { try await consumer.close() }
        #expect(try await iterator.next() == nil)
        #expect(consumer.bufferedMessageCount == 0)
    }
}
