import Foundation
import Kafka
import KafkaTestSupport

extension TestBroker {
    /// A producer with room for the oversize records of these tests.
    static func largeMessageProducer() async throws -> KafkaProducer {
        try await producer { $0.client.properties["message.max.bytes"] = "4000000" }
    }

    /// A consumer of `topics` in `group`, from the earliest offsets.
    static func consumer(group: String, topics: [String]) async throws -> KafkaConsumer {
        try await KafkaConsumer.connect(configuration: consumerConfiguration(group: group), topics: topics)
    }
}
