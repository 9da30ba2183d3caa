import Events
import Foundation
import Kafka
import Logging

/// Consumes the input topics, hands each valid event to the application, and copies every record that is not a
/// valid event to the dead-letter topic.
///
/// For each record, in order per partition:
/// - **valid**: the handler gets an ``IntakeDelivery`` and decides when the record is done
///   (``IntakeDelivery/markDone()``; the pipeline marks it after its ledger write). Records not marked done are
///   delivered again after a restart or a rebalance.
/// - **invalid** (not a CloudEvent, not JSON, breaks its schema, wrong type or version, or on a topic without an
///   event type): copied to the dead-letter topic with its key, headers and value untouched plus
///   `assetforge_dlq_*` headers (``DeadLetterHeaders``), then marked done. A value too large for the copy is
///   archived (``DeadLetterArchive``) and the copy carries its URL and size instead. If the copy cannot be stored,
///   it is retried with back-off and the record is not marked done: nothing is lost, and the partition waits.
/// - **handler error**: the record is dead-lettered with reason `processing-failed` and marked done. Throw only for
///   failures that a retry would not mend; retry transient ones inside the handler.
///
/// The handler is awaited before the next record, so a slow handler slows the intake (the consumer keeps polling
/// in the background and keeps its group membership); hand long work to a queue and mark done later.
///
/// Log metadata keys: `kafka.topic`, `kafka.partition`, `kafka.offset`, `event.type`, `event.id`, `dlq.reason`,
/// `dlq.detail`, `dlq.topic`, `dlq.attempt`, `retry.delay`, `error`.
public final class EventIntake: Sendable {
    /// Receives each valid event. See ``EventIntake`` for what a thrown error does.
    public typealias Handler = @Sendable (IntakeDelivery) async throws -> Void

    private let consumer: KafkaConsumer
    private let configuration: EventIntakeConfiguration
    private let deadLetters: DeadLetterWriter
    private let decoder = EventDecoder()
    private let logger: Logger
    private let handler: Handler

    /// Creates an intake.
    ///
    /// - Parameters:
    ///   - consumer: A consumer subscribed to ``EventIntakeConfiguration/subscribedTopics``.
    ///   - deadLetterProducer: The producer for dead-letter copies.
    ///   - archive: Where values too large for a dead-letter copy go.
    ///   - configuration: Topics, dead-letter limits and retry.
    ///   - logger: The logger.
    ///   - handler: Receives each valid event.
    public convenience init(
        consumer: KafkaConsumer,
        deadLetterProducer: KafkaProducer,
        archive: any DeadLetterArchive,
        configuration: EventIntakeConfiguration = EventIntakeConfiguration(),
        logger: Logger,
        handler: @escaping Handler
    ) {
        self.init(
            consumer: consumer, sink: deadLetterProducer, archive: archive, configuration: configuration,
            logger: logger, handler: handler)
    }

    init(
        consumer: KafkaConsumer,
        sink: any DeadLetterSink,
        archive: any DeadLetterArchive,
        configuration: EventIntakeConfiguration,
        logger: Logger,
        handler: @escaping Handler
    ) {
        self.consumer = consumer
        self.configuration = configuration
        self.deadLetters = DeadLetterWriter(
            topic: configuration.deadLetterTopic, maximumBytes: configuration.maximumDeadLetterBytes,
            archive: archive, sink: sink, retry: configuration.retry, logger: logger)
        self.logger = logger
        self.handler = handler
    }

    /// Processes records until the consumer's message sequence ends (after ``KafkaConsumer/close()``), or throws
    /// when the task is cancelled or the consumer fails fatally. The record being processed then is not marked
    /// done. Call it once: a consumer's messages are read by one task.
    public func run() async throws {
        for try await message in consumer.messages {
            try await process(message)
        }
    }

    private func process(_ message: KafkaConsumerMessage) async throws {
        guard let type = configuration.topics[message.topic] else {
            try await deadLetter(
                message, reason: .unknownEventType, detail: "topic \(message.topic) has no configured event type")
            return
        }
        let event: AnyEvent
        do {
            event = try decoder.decode(value: message.value, headers: message.headers.map(RecordHeader.init), as: type)
        } catch {
            try await deadLetter(message, reason: error.code.deadLetterReason, detail: error.description)
            return
        }
        do {
            try await handler(IntakeDelivery(event: event, message: message, consumer: consumer))
        } catch {
            if error is CancellationError || Task.isCancelled { throw error }
            logger.error(
                "the handler failed; dead-lettering the event",
                metadata: metadata(message).merging(
                    ["event.type": "\(event.type)", "event.id": "\(event.reference.id)", "error": "\(error)"]
                ) { $1 })
            try await deadLetter(message, reason: .processingFailed, detail: String(describing: error))
        }
    }

    private func deadLetter(_ message: KafkaConsumerMessage, reason: DeadLetterReason, detail: String) async throws {
        let original = DeadLetterWriter.Original(
            topic: message.topic, partition: message.partition, offset: message.offset, key: message.key,
            value: message.value, headers: message.headers)
        try await deadLetters.write(original, reason: reason, detail: detail)
        consumer.markDone(message)
        logger.warning(
            "dead-lettered a record",
            metadata: metadata(message).merging(["dlq.reason": "\(reason)", "dlq.detail": "\(detail)"]) { $1 })
    }

    private func metadata(_ message: KafkaConsumerMessage) -> Logger.Metadata {
        [
            "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)",
            "kafka.offset": "\(message.offset)",
        ]
    }
}
