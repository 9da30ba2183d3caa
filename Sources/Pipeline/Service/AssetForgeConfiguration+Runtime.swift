import AssetForgeConfiguration
import Kafka

extension AssetForgeConfiguration {
    /// The Kafka client settings this configuration describes (brokers and pass-through properties).
    public var kafkaClient: KafkaClientConfiguration {
        var client = KafkaClientConfiguration(bootstrapServers: kafka.brokers.map(\.description))
        client.properties = kafka.properties
        return client
    }
}
