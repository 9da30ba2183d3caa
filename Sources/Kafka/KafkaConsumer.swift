import CRDKafka
import Foundation
import Logging
import Synchronization

/// A consumer-group member with manual, gap-safe offset management.
///
/// - Messages arrive through ``messages`` (iterate it from one task).
/// - The application calls ``markDone(_:)`` for each message it finished, in any order; per partition only the
///   contiguous prefix of done offsets is committed (in the background every `commitInterval`, on revocation and
///   on ``close()``). Nothing is committed automatically otherwise.
/// - Rebalances arrive on ``events``. A done-mark for a message whose partition was revoked (or sought) since it
///   was delivered is ignored.
/// - A dedicated thread polls librdkafka continuously, so a slow application keeps its group membership; when
///   `bufferCapacity` messages or `bufferCapacityBytes` wait, fetching pauses until both are back at half.
public final class KafkaConsumer: Sendable {
    private let client: RDKafkaClient
    private let core: ConsumerCore
    private let poller: PollingThread
    private let configuration: KafkaConsumerConfiguration

    /// Rebalance and error notifications. The stream ends when the consumer is closed.
    public var events: AsyncStream<KafkaConsumerEvent> { core.events }

    /// The messages, in order per partition. Iterate from one task only; the sequence ends after ``close()``.
    public var messages: KafkaConsumerMessages { KafkaConsumerMessages(core: core) }

    /// True once ``close()`` was called (or the consumer ended for good): messages taken before may no longer be
    /// markable as done, so an application stops starting work on them; they are delivered again after a restart.
    public var isClosing: Bool { core.closing.load(ordering: .acquiring) || core.isFinished }

    /// The messages in batches of what is buffered, at most `maximumCount` (at least 1) each; see
    /// ``KafkaConsumerBatches``. Iterate from one task only, instead of ``messages``.
    public func messageBatches(maximumCount: Int) -> KafkaConsumerBatches {
        KafkaConsumerBatches(core: core, maximumCount: max(1, maximumCount))
    }

    /// Creates a consumer. Fails with ``KafkaError/Code/invalidConfiguration`` naming a bad property.
    ///
    /// Creation does not contact the brokers; ``connect(configuration:topics:logger:)`` also checks that one answers.
    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger = Logger(label: "assetforge.kafka.consumer")
    ) throws(KafkaError) {
        let properties = try configuration.rdKafkaProperties()
        let core = ConsumerCore(
            logger: logger,
            bufferCapacity: configuration.bufferCapacity,
            bufferCapacityBytes: configuration.bufferCapacityBytes
        )
        let callbacks = RDKafkaCallbacks(
            logger: logger,
            rebalance: { call in core.rebalance(call) },
            error: { error in
                core.report(error)
                // A fatal error ends the consumer: the application sees it thrown from the message sequence.
                if error.code == .fatal { core.finish(failure: error) }
            }
        )
        let client = try RDKafkaClient(kind: .consumer, properties: properties, callbacks: callbacks)
        rd_kafka_poll_set_consumer(client.handle)
        guard let queuePointer = rd_kafka_queue_get_consumer(client.handle) else {
            client.destroy()
            throw KafkaError(code: .operationFailed, message: "librdkafka gave no consumer queue")
        }
        core.wakeQueue.withLock { $0 = RDKafkaQueue(queuePointer) }
        self.client = client
        self.core = core
        self.configuration = configuration
        let commitInterval = configuration.commitInterval
        self.poller = PollingThread(name: "kafka-consumer-poll") { _ in
            ConsumerPollLoop(client: client, core: core, commitInterval: commitInterval).run()
        }
    }

    /// Creates a consumer, checks that a broker answers within `connectTimeout`, and subscribes to `topics`.
    public static func connect(
        configuration: KafkaConsumerConfiguration,
        topics: [String],
        logger: Logger = Logger(label: "assetforge.kafka.consumer")
    ) async throws -> KafkaConsumer {
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        do {
            try await consumer.checkBrokers()
            try consumer.subscribe(topics: topics)
        } catch {
            try? await consumer.close()
            throw error
        }
        return consumer
    }

    /// Throws ``KafkaError/Code/brokerUnreachable`` unless a broker answers a metadata request in time.
    public func checkBrokers(timeout: Duration? = nil) async throws {
        let client = self.client
        let servers = configuration.client.bootstrapServers.joined(separator: ",")
        let bound = timeout ?? configuration.client.connectTimeout
        try await BlockingCall.run { try client.checkBrokersAnswer(bootstrapServers: servers, timeout: bound) }
    }

    /// Joins the group for these topics (replacing an earlier subscription).
    public func subscribe(topics: [String]) throws(KafkaError) {
        guard !topics.isEmpty else {
            throw KafkaError(code: .invalidUse, message: "subscribe needs at least one topic")
        }
        let list = RDKafkaTopicPartitionList(topics.map { (KafkaTopicPartition(topic: $0, partition: -1), nil) })
        let err = list.withPointer { rd_kafka_subscribe(client.handle, $0) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError.rdKafka(err, "cannot subscribe to \(topics)")
        }
    }

    /// Marks a delivered message finished. Returns false (and changes nothing) when its partition was revoked or
    /// sought since the message was delivered, or when it was already marked.
    @discardableResult
    public func markDone(_ message: KafkaConsumerMessage) -> Bool {
        core.markDone(message.topicPartition, offset: message.offset, generation: message.assignmentGeneration)
    }

    /// Commits the done prefix of every partition now, and waits for the broker's answer.
    public func commit() async throws {
        let core = self.core
        try await core.perform { handle throws(KafkaError) in
            if let error = core.commitDone(handle) { throw error }
        }
    }

    /// Messages polled and waiting in the buffer.
    var bufferedMessageCount: Int { core.state.withLock { $0.buffer.count } }

    /// Messages delivered (buffered or handed out) on the current assignment and not yet marked done.
    var undoneMessageCount: Int {
        core.state.withLock { $0.partitions.values.reduce(0) { $0 + $1.tracker.outstandingCount } }
    }

    /// The partitions currently assigned to this member.
    public func assignment() -> [KafkaTopicPartition] {
        core.state.withLock { Array($0.partitions.keys) }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    /// Stops fetching from these partitions (all assigned ones when nil), for backpressure.
    /// Messages already buffered are still delivered. Partitions not assigned are ignored.
    public func pause(_ partitions: [KafkaTopicPartition]? = nil) async throws {
        try await setPaused(true, partitions)
    }

    /// Resumes fetching from these partitions (all assigned ones when nil).
    public func resume(_ partitions: [KafkaTopicPartition]? = nil) async throws {
        try await setPaused(false, partitions)
    }

    private func setPaused(_ paused: Bool, _ partitions: [KafkaTopicPartition]?) async throws {
        let core = self.core
        try await core.perform { handle throws(KafkaError) in
            let (targets, flowPaused) = core.state.withLock { state -> ([KafkaTopicPartition], Bool) in
                let targets = (partitions ?? Array(state.partitions.keys)).filter { state.partitions[$0] != nil }
                for topicPartition in targets { state.partitions[topicPartition]?.pausedByApplication = paused }
                return (targets, state.pausedForFlowControl)
            }
            guard !targets.isEmpty else { return }
            let list = RDKafkaTopicPartitionList(targets.map { ($0, nil) })
            if paused {
                _ = list.withPointer { rd_kafka_pause_partitions(handle, $0) }
            } else if !flowPaused {
                _ = list.withPointer { rd_kafka_resume_partitions(handle, $0) }
            }
        }
    }

    /// Moves the read position of assigned partitions to the given offsets (for replay).
    ///
    /// Buffered messages of those partitions are dropped and done-marks for messages delivered before are ignored;
    /// nothing is committed for them until messages from the new position are marked done.
    public func seek(_ offsets: [KafkaTopicPartition: Int64]) async throws {
        let core = self.core
        try await core.perform { handle throws(KafkaError) in
            let targets = Array(offsets.keys)
            let dropped = try core.state.withLock { state throws(KafkaError) -> [PolledMessage] in
                for topicPartition in targets where state.partitions[topicPartition] == nil {
                    throw KafkaError(code: .invalidUse, message: "cannot seek \(topicPartition): it is not assigned to this consumer")
                }
                for topicPartition in targets {
                    state.partitions[topicPartition]?.generation = state.nextGeneration
                    state.partitions[topicPartition]?.tracker = OffsetTracker()
                    state.nextGeneration += 1
                }
                return state.removeBuffered(of: Set(targets))
            }
            for message in dropped { message.destroy() }
            let list = RDKafkaTopicPartitionList(offsets.map { ($0.key, $0.value) })
            if let error = list.withPointer({ rd_kafka_seek_partitions(handle, $0, 10_000) }) {
                let text = String(cString: rd_kafka_error_string(error))
                let code = rd_kafka_error_code(error)
                rd_kafka_error_destroy(error)
                throw KafkaError(code: .operationFailed, message: "seek failed: \(text)", rdKafkaCode: Int32(code.rawValue))
            }
            if let failed = list.entries.first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) {
                throw KafkaError.rdKafka(failed.error, "seek of \(failed.topicPartition) failed")
            }
        }
    }

    /// Moves assigned partitions (all when nil) to the first message at or after `timestamp`, using the brokers'
    /// offsets-for-times index. Partitions with no such message move to their end. Returns the offsets sought to.
    @discardableResult
    public func seek(toTimestamp timestamp: Date, partitions: [KafkaTopicPartition]? = nil, timeout: Duration = .seconds(10)) async throws -> [KafkaTopicPartition: Int64] {
        let targets = partitions ?? assignment()
        guard !targets.isEmpty else { return [:] }
        let client = self.client
        let milliseconds = Int64((timestamp.timeIntervalSince1970 * 1000).rounded(.down))
        let resolved = try await BlockingCall.run { () throws -> [KafkaTopicPartition: Int64] in
            let list = RDKafkaTopicPartitionList(targets.map { ($0, milliseconds) })
            let err = list.withPointer {
                rd_kafka_offsets_for_times(client.handle, $0, Int32(clamping: timeout.milliseconds))
            }
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.rdKafka(err, "offsets-for-times lookup failed")
            }
            var result: [KafkaTopicPartition: Int64] = [:]
            for entry in list.entries {
                guard entry.error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError.rdKafka(entry.error, "offsets-for-times lookup of \(entry.topicPartition) failed")
                }
                result[entry.topicPartition] = entry.offset < 0 ? Int64(RD_KAFKA_OFFSET_END) : entry.offset
            }
            return result
        }
        try await seek(resolved)
        return resolved
    }

    /// Commits the done prefix, leaves the group (so its partitions move promptly) and releases the client.
    /// The message sequence ends. Calling it again does nothing.
    public func close() async throws {
        let core = self.core
        core.closing.store(true, ordering: .releasing)
        let closing: Void? = try? await core.perform { handle throws(KafkaError) in
            core.commitDone(handle)
            let err = rd_kafka_consumer_close(handle)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                core.logger.warning("leaving the consumer group failed", metadata: ["error": "\(KafkaError.rdKafka(err, "close"))"])
            }
            core.finish()
        }
        _ = closing
        await poller.join()
    }

    deinit {
        // Dropped without close(): ask the polling thread to leave the group and release the client.
        let core = self.core
        try? core.submit(ConsumerCore.Command { handle in
            core.commitDone(handle)
            _ = rd_kafka_consumer_close(handle)
            core.finish()
        })
    }
}

/// The polling thread's loop: serve commands, poll messages and callbacks, apply flow control, commit.
private struct ConsumerPollLoop {
    let client: RDKafkaClient
    let core: ConsumerCore
    let commitInterval: Duration
    private static let batchSize = 512

    func run() {
        let handle = client.handle
        let batch = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: Self.batchSize)
        defer { batch.deallocate() }
        let queue = core.wakeQueue.withLock { $0 }
        var reader = PolledMessageReader()
        var received: [PolledMessage] = []
        received.reserveCapacity(Self.batchSize + 1)
        let clock = ContinuousClock()
        var nextCommit = clock.now.advanced(by: commitInterval)

        while !core.isFinished {
            for command in core.takeCommands() { command.run(handle) }
            if core.isFinished { break }
            core.applyFlowControl(handle)

            if let first = rd_kafka_consumer_poll(handle, 100) {
                reader.append(first, to: &received, core: core)
                if let queue {
                    let count = queue.withPointer { rd_kafka_consume_batch_queue($0, 0, batch, Self.batchSize) }
                    if count > 0 {
                        for index in 0..<count {
                            guard let message = batch[index] else { continue }
                            reader.append(message, to: &received, core: core)
                        }
                    }
                }
                // New topic names only come with a message, so `received` is never empty when there are some.
                if !received.isEmpty { core.deliver(&received, newTopics: &reader.newTopics) }
            }
            if clock.now >= nextCommit {
                core.commitDone(handle)
                nextCommit = clock.now.advanced(by: commitInterval)
            }
        }
        for message in received { message.destroy() }
        core.waitForConversions()
        core.wakeQueue.withLock { $0 = nil }
        client.destroy()
    }
}

/// Turns polled librdkafka messages into ``PolledMessage``s (the copy happens later, on the application's task),
/// reporting and releasing error messages. Numbers topics in order of first appearance.
private struct PolledMessageReader {
    /// The topic last seen at each handle, with its number. The name is compared on every use, so a handle address
    /// reused for another topic gets a number of its own.
    private var topics: [OpaquePointer: (index: Int, name: [CChar])] = [:]
    private var nextIndex = 0
    /// Names of topics numbered since the last delivery, in index order.
    var newTopics: [String] = []

    mutating func append(
        _ pointer: UnsafeMutablePointer<rd_kafka_message_t>,
        to messages: inout [PolledMessage],
        core: ConsumerCore
    ) {
        let message = pointer.pointee
        guard message.err == RD_KAFKA_RESP_ERR_NO_ERROR, let rkt = message.rkt, let name = rd_kafka_topic_name(rkt) else {
            if message.err != RD_KAFKA_RESP_ERR__PARTITION_EOF && message.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                let topic = message.rkt.flatMap { rd_kafka_topic_name($0) }.map { String(cString: $0) } ?? "?"
                core.report(.rdKafka(message.err, "consuming from \(topic)[\(message.partition)] failed"))
            }
            rd_kafka_message_destroy(pointer)
            return
        }
        let topicIndex: Int
        if let known = topics[rkt], strcmp(known.name, name) == 0 {
            topicIndex = known.index
        } else {
            topicIndex = nextIndex
            nextIndex += 1
            topics[rkt] = (topicIndex, Array(UnsafeBufferPointer(start: name, count: strlen(name) + 1)))
            newTopics.append(String(cString: name))
        }
        messages.append(PolledMessage(pointer, topicIndex: topicIndex))
    }
}
