import Kafka
import Ledger

/// Publishes recorded outcome events (`asset.ready`, `asset.failed`) exactly as the ledger holds them.
public struct AssetPublisher: Sendable {
    /// The producer (idempotent, acks=all).
    public let producer: KafkaProducer

    /// A publisher.
    public init(producer: KafkaProducer) {
        self.producer = producer
    }

    /// Sends `envelope` and returns when the broker acknowledged it.
    /// - Throws: ``Kafka/KafkaError`` when it was not delivered.
    public func publish(_ envelope: LedgerEnvelope) async throws {
        _ = try await producer.send(Self.message(envelope))
    }

    /// Sends several envelopes at once; returns, for each in order, its error, or nil when it was acknowledged.
    public func publishEach(_ envelopes: [LedgerEnvelope]) async -> [KafkaError?] {
        guard !envelopes.isEmpty else { return [] }
        return await producer.send(envelopes.map(Self.message)).map { result in
            if case .failure(let error) = result { return error }
            return nil
        }
    }

    /// The header every outcome event carries (structured CloudEvents mode).
    private static let contentType = [KafkaHeader(key: "content-type", string: "application/cloudevents+json")]

    static func message(_ envelope: LedgerEnvelope) -> KafkaProducerMessage {
        KafkaProducerMessage(
            topic: envelope.topic, key: envelope.key, value: envelope.value,
            headers: contentType)
    }
}
