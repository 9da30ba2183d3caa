import CRDKafka
import Testing
import Kafka

/// An in-process librdkafka mock cluster (`rd_kafka_mock_cluster_new`) that several clients can share.
final class MockCluster: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    let bootstrapServers: String

    init(brokers: Int32 = 1) throws {
        var errstr = [CChar](repeating: 0, count: 256)
        let conf = rd_kafka_conf_new()
        rd_kafka_conf_set(conf, "log_level", "2", &errstr, errstr.count)
        owner = try #require(rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count))
        cluster = try #require(rd_kafka_mock_cluster_new(owner, brokers))
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    func createTopic(_ name: String, partitions: Int32) {
        _ = rd_kafka_mock_topic_create(cluster, name, partitions, 1)
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }
}

@Suite("Producer and consumer against librdkafka's in-process mock cluster")
struct MockClusterTests {
    @Test func roundTripAndCommittedResume() async throws {
        let cluster = try MockCluster()
        cluster.createTopic("mock-topic", partitions: 1)
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: [cluster.bootstrapServers])
        producerConfiguration.linger = .milliseconds(1)
        let producer = try await KafkaProducer.connect(configuration: producerConfiguration)
        let results = await producer.send((0..<10).map {
            KafkaProducerMessage(topic: "mock-topic", key: "k\($0)", value: Array("v\($0)".utf8),
                                 headers: [KafkaHeader(key: "n", string: "\($0)")])
        })
        #expect(results.map { try? $0.get().offset } == (0..<10).map { Int64($0) })
        await producer.close()

        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: [cluster.bootstrapServers], groupID: "mock-group")
        consumerConfiguration.offsetReset = .earliest
        consumerConfiguration.sessionTimeout = .seconds(6)
        let first = try await KafkaConsumer.connect(configuration: consumerConfiguration, topics: ["mock-topic"])
        var received: [KafkaConsumerMessage] = []
        for try await message in first.messages {
            received.append(message)
            if received.count == 10 { break }
        }
        #expect(received.map(\.offset) == (0..<10).map { Int64($0) })
        #expect(received[3].keyString == "k3")
        #expect(received[3].value == Array("v3".utf8))
        #expect(received[3].headers.string(forKey: "n") == "3")
        // Done: 0...5 and 8; not 6, 7, 9. The commit must stop at 6.
        for message in received where message.offset <= 5 || message.offset == 8 {
            #expect(first.markDone(message))
        }
        try await first.commit()
        try await first.close()

        let second = try await KafkaConsumer.connect(configuration: consumerConfiguration, topics: ["mock-topic"])
        var again: [Int64] = []
        for try await message in second.messages {
            again.append(message.offset)
            if again.count == 4 { break }
        }
        #expect(again == [6, 7, 8, 9])
        try await second.close()
    }
}
