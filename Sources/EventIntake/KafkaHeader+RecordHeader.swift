import Events
import Kafka

extension KafkaHeader {
    /// The Kafka header for an event contract header.
    public init(_ header: RecordHeader) {
        self.init(key: header.name, value: header.value)
    }
}

extension RecordHeader {
    /// The event contract header for a Kafka header.
    public init(_ header: KafkaHeader) {
        self.init(name: header.key, value: header.value)
    }
}

extension KafkaProducerMessage {
    /// A message producing `event` to `topic` (structured mode, keyed by the SKU).
    public init(_ event: EncodedEvent, topic: String) {
        self.init(topic: topic, key: event.key, value: event.value, headers: event.headers.map(KafkaHeader.init))
    }
}
