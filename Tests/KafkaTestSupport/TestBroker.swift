import Foundation
import Kafka

/// The real broker the integration tests run against: `ASSETFORGE_TEST_KAFKA_BROKERS` (set by deploy/test.sh).
public enum TestBroker {
    /// The variable is not set.
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String {
            "ASSETFORGE_TEST_KAFKA_BROKERS is not set: run the tests with `bash deploy/test.sh`, which starts a "
                + "local broker, or point the variable at a running Kafka-compatible broker (host:port)."
        }
    }

    /// The brokers, `host:port` each.
    public static func brokers() throws -> [String] {
        guard let value = ProcessInfo.processInfo.environment["ASSETFORGE_TEST_KAFKA_BROKERS"], !value.isEmpty else {
            throw NotConfigured()
        }
        return value.split(separator: ",").map(String.init)
    }

    /// `prefix-` and eight random hexadecimal digits: a topic or group name no other test uses.
    public static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Creates topics (name, partitions).
    public static func createTopics(_ topics: [(String, Int)]) async throws {
        let admin = try KafkaAdminClient(configuration: KafkaClientConfiguration(bootstrapServers: brokers()))
        do {
            try await admin.createTopics(topics.map { KafkaAdminClient.NewTopic(name: $0.0, partitions: $0.1) })
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
    }

    /// Creates a topic with a unique name starting with `prefix`.
    public static func makeTopic(_ prefix: String, partitions: Int) async throws -> String {
        let name = unique(prefix)
        try await createTopics([(name, partitions)])
        return name
    }

    /// A producer with a short linger, adjusted by `change`.
    public static func producer(_ change: (inout KafkaProducerConfiguration) -> Void = { _ in }) async throws
        -> KafkaProducer
    {
        var configuration = KafkaProducerConfiguration(bootstrapServers: try brokers())
        configuration.linger = .milliseconds(1)
        change(&configuration)
        return try await KafkaProducer.connect(configuration: configuration)
    }

    /// Consumer settings for tests: earliest offsets, a short session, frequent commits.
    public static func consumerConfiguration(group: String) throws -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: try brokers(), groupID: group)
        configuration.offsetReset = .earliest
        configuration.sessionTimeout = .seconds(6)
        configuration.commitInterval = .milliseconds(200)
        return configuration
    }
}
