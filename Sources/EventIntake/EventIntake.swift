import AsyncAlgorithms
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
/// Records are taken in batches of what the consumer has buffered (at most
/// ``EventIntakeConfiguration/maximumBatchSize``): a ``BatchHandler`` gets each run of consecutive valid events of a
/// batch at once, so it can serve a backlog with one ledger query instead of one per record; a lone record comes as
/// a batch of one, without waiting for more. A per-event ``Handler`` gets them one at a time.
///
/// Partitions are spread over ``EventIntakeConfiguration/lanes`` lanes that run at once, so **the handler is called
/// concurrently** for records of different lanes; within a lane (so within a partition) records come in order, and
/// the handler is awaited before the lane's next records. A slow handler slows its lane (the consumer keeps polling
/// in the background and keeps its group membership); hand long work to a queue and mark done later.
///
/// Log metadata keys: `kafka.topic`, `kafka.partition`, `kafka.offset`, `event.type`, `event.id`, `dlq.reason`,
/// `dlq.detail`, `dlq.topic`, `dlq.attempt`, `retry.delay`, `error`.
public final class EventIntake: Sendable {
    /// Receives each valid event. See ``EventIntake`` for what a thrown error does.
    public typealias Handler = @Sendable (IntakeDelivery) async throws -> Void
    /// Receives consecutive valid events of one partition-ordered batch, in order, and returns those it failed
    /// (each is dead-lettered with reason `processing-failed` and marked done). Return a failure only for what a
    /// retry would not mend. Throwing stops the intake (``run()`` rethrows): throw only when cancelled.
    public typealias BatchHandler = @Sendable ([IntakeDelivery]) async throws -> [IntakeFailure]

    private let consumer: KafkaConsumer
    private let configuration: EventIntakeConfiguration
    private let deadLetters: DeadLetterWriter
    private let decoder = EventDecoder()
    private let logger: Logger
    private let handler: BatchHandler

    /// Creates an intake.
    ///
    /// - Parameters:
    ///   - consumer: A consumer subscribed to ``EventIntakeConfiguration/subscribedTopics``.
    ///   - deadLetterProducer: The producer for dead-letter copies.
    ///   - archive: Where values too large for a dead-letter copy go.
    ///   - configuration: Topics, dead-letter limits, retry, batch size and lanes.
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
            logger: logger, handler: Self.oneByOne(handler, until: { consumer.isClosing }))
    }

    /// Creates an intake whose handler takes several events at once.
    ///
    /// - Parameters:
    ///   - consumer: A consumer subscribed to ``EventIntakeConfiguration/subscribedTopics``.
    ///   - deadLetterProducer: The producer for dead-letter copies.
    ///   - archive: Where values too large for a dead-letter copy go.
    ///   - configuration: Topics, dead-letter limits, retry, batch size and lanes.
    ///   - logger: The logger.
    ///   - batchHandler: Receives the valid events, several at a time.
    public convenience init(
        consumer: KafkaConsumer,
        deadLetterProducer: KafkaProducer,
        archive: any DeadLetterArchive,
        configuration: EventIntakeConfiguration = EventIntakeConfiguration(),
        logger: Logger,
        batchHandler: @escaping BatchHandler
    ) {
        self.init(
            consumer: consumer, sink: deadLetterProducer, archive: archive, configuration: configuration,
            logger: logger, handler: batchHandler)
    }

    init(
        consumer: KafkaConsumer,
        sink: any DeadLetterSink,
        archive: any DeadLetterArchive,
        configuration: EventIntakeConfiguration,
        logger: Logger,
        handler: @escaping BatchHandler
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
    /// when the task is cancelled or the consumer fails fatally. The records being processed then are not marked
    /// done. Call it once: a consumer's messages are read by one task.
    public func run() async throws {
        let batches = consumer.messageBatches(maximumCount: configuration.maximumBatchSize)
        let lanes = max(1, configuration.lanes)
        guard lanes > 1 else {
            for try await batch in batches where !consumer.isClosing { try await process(batch) }
            return
        }
        // One task per lane handles its partitions' records in order; this task splits the batches among them.
        // A lane holds at most one part in hand and one waiting, so a busy lane holds up the others only then.
        let channels = (0..<lanes).map { _ in AsyncChannel<[KafkaConsumerMessage]>() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for channel in channels {
                group.addTask {
                    for await part in channel.buffer(policy: .bounded(1)) {
                        // Once closing, parts are taken and dropped (so the splitter never waits): not marked done,
                        // their records come again after a restart.
                        guard !self.consumer.isClosing else { continue }
                        try await self.process(part)
                    }
                }
            }
            group.addTask {
                defer { for channel in channels { channel.finish() } }
                for try await batch in batches {
                    var parts = [[KafkaConsumerMessage]](repeating: [], count: lanes)
                    for message in batch { parts[Self.lane(of: message, among: lanes)].append(message) }
                    for (lane, part) in parts.enumerated() where !part.isEmpty { await channels[lane].send(part) }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The lane of a record's partition: records of one partition always share a lane, so they stay in order, and
    /// consecutive partition numbers spread evenly over the lanes.
    private static func lane(of message: KafkaConsumerMessage, among lanes: Int) -> Int {
        Int(message.partition.magnitude % UInt32(lanes))
    }

    /// Hands each run of valid events to the handler and dead-letters the other records, in order.
    private func process(_ batch: [KafkaConsumerMessage]) async throws {
        var valid: [IntakeDelivery] = []
        valid.reserveCapacity(batch.count)
        for message in batch {
            switch decode(message) {
            case .success(let event):
                valid.append(IntakeDelivery(event: event, message: message, consumer: consumer))
            case .failure(let rejection):
                try await handle(valid)
                valid.removeAll(keepingCapacity: true)
                try await deadLetter(message, reason: rejection.reason, detail: rejection.detail)
            }
        }
        try await handle(valid)
    }

    /// Why a record is not a valid event.
    private struct Rejection: Error {
        let reason: DeadLetterReason
        let detail: String
    }

    private func decode(_ message: KafkaConsumerMessage) -> Result<AnyEvent, Rejection> {
        guard let type = configuration.topics[message.topic] else {
            return .failure(
                Rejection(reason: .unknownEventType, detail: "topic \(message.topic) has no configured event type"))
        }
        do {
            return .success(
                try decoder.decode(value: message.value, headers: message.headers.map(RecordHeader.init), as: type))
        } catch {
            return .failure(Rejection(reason: error.code.deadLetterReason, detail: error.description))
        }
    }

    private func handle(_ deliveries: [IntakeDelivery]) async throws {
        guard !deliveries.isEmpty else { return }
        for failure in try await handler(deliveries) {
            let message = failure.delivery.message
            let event = failure.delivery.event
            logger.error(
                "the handler failed; dead-lettering the event",
                metadata: metadata(message).merging(
                    ["event.type": "\(event.type)", "event.id": "\(event.reference.id)", "error": "\(failure.error)"]
                ) { $1 })
            try await deadLetter(message, reason: .processingFailed, detail: String(describing: failure.error))
        }
    }

    /// A per-event handler as a batch handler: the events one at a time, in order, until `stop` says so (the rest
    /// stay unmarked and come again); an error other than cancellation fails that event only.
    private static func oneByOne(_ handler: @escaping Handler, until stop: @escaping @Sendable () -> Bool)
        -> BatchHandler
    {
        { deliveries in
            var failures: [IntakeFailure] = []
            for delivery in deliveries {
                try Task.checkCancellation()
                guard !stop() else { break }
                do {
                    try await handler(delivery)
                } catch {
                    if error is CancellationError || Task.isCancelled { throw error }
                    failures.append(IntakeFailure(delivery: delivery, error: error))
                }
            }
            return failures
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
