import Events
import Kafka

/// A valid event handed to the application, with the Kafka record it came from.
///
/// The application calls ``markDone()`` once the event is safely taken over (the pipeline: after its ledger
/// write). Until then the record's offset is not committed, and after a restart the event is delivered again.
public struct IntakeDelivery: Sendable {
    /// The decoded, validated event, with the contract's defaults applied.
    public let event: AnyEvent
    /// The record: topic, partition, offset, key, headers, value.
    public let message: KafkaConsumerMessage
    private let consumer: KafkaConsumer

    init(event: AnyEvent, message: KafkaConsumerMessage, consumer: KafkaConsumer) {
        self.event = event
        self.message = message
        self.consumer = consumer
    }

    /// Marks the record finished, so that its offset can be committed (per partition, only the contiguous prefix
    /// of finished offsets is). Returns false when its partition was revoked since delivery, or when it was
    /// already marked: another consumer then gets the event again.
    @discardableResult
    public func markDone() -> Bool {
        consumer.markDone(message)
    }
}
