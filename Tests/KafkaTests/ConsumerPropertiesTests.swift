import Testing

@testable import Kafka

/// The librdkafka properties a consumer configuration turns into.
@Suite("Consumer configuration → librdkafka properties")
struct ConsumerPropertiesTests {
    private func value(_ name: String, in configuration: KafkaConsumerConfiguration) throws -> String? {
        // librdkafka applies properties in order: the last one set wins.
        try configuration.rdKafkaProperties().last { $0.0 == name }?.1
    }

    @Test func maxPollIntervalIsAMinuteNotLibrdkafkasFiveMinutes() throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:9"], groupID: "g")
        #expect(try value("max.poll.interval.ms", in: configuration) == "60000")
        configuration.sessionTimeout = .seconds(6)
        #expect(try value("max.poll.interval.ms", in: configuration) == "60000")
        configuration.maxPollInterval = .seconds(20)
        #expect(try value("max.poll.interval.ms", in: configuration) == "20000")
    }

    @Test func maxPollIntervalIsNeverBelowTheSessionTimeout() async throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:9"], groupID: "g")
        configuration.sessionTimeout = .seconds(90)
        configuration.maxPollInterval = .seconds(30)
        #expect(try value("max.poll.interval.ms", in: configuration) == "90000")
        // librdkafka accepts the combination (it refuses max.poll.interval.ms < session.timeout.ms).
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.close()
    }

    @Test func aRawPropertyOverridesIt() throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:9"], groupID: "g")
        configuration.client.properties["max.poll.interval.ms"] = "300000"
        #expect(try value("max.poll.interval.ms", in: configuration) == "300000")
    }
}
