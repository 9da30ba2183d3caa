import Kafka

/// Where dead-letter records are produced: the ``KafkaProducer``, or a test double.
protocol DeadLetterSink: Sendable {
    /// Produces `message` and returns once the broker stored it.
    func deliver(_ message: KafkaProducerMessage) async throws
}

extension KafkaProducer: DeadLetterSink {
    func deliver(_ message: KafkaProducerMessage) async throws {
        try await send(message)
    }
}
