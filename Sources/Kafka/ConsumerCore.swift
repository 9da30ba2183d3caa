import CRDKafka
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The state a ``KafkaConsumer`` shares between its polling thread, librdkafka's callbacks (which run on that
/// thread) and the application's tasks. Every librdkafka call that changes the assignment, the position or the
/// pause state runs on the polling thread; the application's requests reach it as commands.
final class ConsumerCore: Sendable {
    struct PartitionState {
        var generation: UInt64
        var tracker = OffsetTracker()
        var pausedByApplication = false
    }

    struct State {
        var buffer: ConsumerBuffer<PolledMessage>
        /// Topic names by ``PolledMessage/topicIndex``; only appended to.
        var topicNames: [String] = []
        var waiter: CheckedContinuation<Void, Never>?
        var partitions: [KafkaTopicPartition: PartitionState] = [:]
        var nextGeneration: UInt64 = 1
        var pausedForFlowControl = false
        var commands: [Command] = []
        var finished = false
        var failure: KafkaError?

        func topicPartition(of message: PolledMessage) -> KafkaTopicPartition {
            KafkaTopicPartition(topic: topicNames[message.topicIndex], partition: message.partition)
        }

        /// Removes the buffered messages of `partitions` and returns them; the caller destroys them.
        mutating func removeBuffered(of partitions: Set<KafkaTopicPartition>) -> [PolledMessage] {
            let names = topicNames
            return buffer.removeAll {
                partitions.contains(KafkaTopicPartition(topic: names[$0.topicIndex], partition: $0.partition))
            }
        }
    }

    /// Work for the polling thread. Runs with the librdkafka handle.
    struct Command: Sendable {
        let run: @Sendable (OpaquePointer) -> Void
    }

    let state: Mutex<State>
    let logger: Logger
    let events: AsyncStream<KafkaConsumerEvent>
    private let eventSink: AsyncStream<KafkaConsumerEvent>.Continuation
    /// The consumer queue, set once the client exists; used to wake the polling thread.
    let wakeQueue = Mutex<RDKafkaQueue?>(nil)
    /// Messages the application is copying out of librdkafka right now; the client is destroyed only at zero.
    private let conversions = Atomic<Int>(0)
    /// Set when the application starts closing the consumer.
    let closing = Atomic<Bool>(false)

    init(logger: Logger, bufferCapacity: Int, bufferCapacityBytes: Int) {
        self.logger = logger
        state = Mutex(State(buffer: ConsumerBuffer(maximumMessages: bufferCapacity, maximumBytes: bufferCapacityBytes)))
        (events, eventSink) = AsyncStream.makeStream(of: KafkaConsumerEvent.self, bufferingPolicy: .bufferingNewest(1024))
    }

    // MARK: Application side

    /// Queues a command for the polling thread and wakes it.
    func submit(_ command: Command) throws(KafkaError) {
        let accepted = state.withLock { state -> Bool in
            guard !state.finished else { return false }
            state.commands.append(command)
            return true
        }
        guard accepted else { throw KafkaError(code: .closed, message: "the consumer is closed") }
        wake()
    }

    /// Runs `body` on the polling thread and returns its result.
    func perform<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws(KafkaError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            do {
                try submit(Command { handle in
                    do throws(KafkaError) {
                        continuation.resume(returning: try body(handle))
                    } catch {
                        continuation.resume(throwing: error)
                    }
                })
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    func wake() {
        wakeQueue.withLock { queue in
            queue?.withPointer { rd_kafka_queue_yield($0) }
        }
    }

    /// Marks a delivered message done; see ``KafkaConsumer/markDone(_:)``.
    func markDone(_ topicPartition: KafkaTopicPartition, offset: Int64, generation: UInt64) -> Bool {
        state.withLock { state in
            // One hashed lookup; the tracker is mutated in place through the values view.
            guard let index = state.partitions.index(forKey: topicPartition),
                state.partitions.values[index].generation == generation
            else { return false }
            return state.partitions.values[index].tracker.markDone(offset)
        }
    }

    /// Takes the next buffered message, waiting when there is none. Returns nil once closed.
    func next() async throws -> KafkaConsumerMessage? {
        try await next(upTo: 1)?.first
    }

    /// Takes up to `maximum` buffered messages at once (at least one), in order, waiting when there is none.
    /// Returns nil once closed.
    func next(upTo maximum: Int) async throws -> [KafkaConsumerMessage]? {
        precondition(maximum > 0, "a batch holds at least one message")
        while true {
            let (polled, topics, end, error, wakePoller) = state.withLock {
                state -> ([PolledMessage], [String], Bool, KafkaError?, Bool) in
                if state.finished { return ([], [], true, state.failure, false) }
                guard !state.buffer.isEmpty else { return ([], [], false, nil, false) }
                var polled: [PolledMessage] = []
                polled.reserveCapacity(min(maximum, state.buffer.count))
                while polled.count < maximum, let message = state.buffer.popFirst() { polled.append(message) }
                // Counted under the lock: once `finished` is set, no new conversion starts.
                conversions.add(polled.count, ordering: .relaxed)
                let resume = state.pausedForFlowControl && state.buffer.isHalfDrained
                return (polled, state.topicNames, false, nil, resume)
            }
            if wakePoller { wake() }
            if !polled.isEmpty {
                let messages = polled.map { $0.converted(topic: topics[$0.topicIndex]) }
                conversions.subtract(polled.count, ordering: .releasing)
                return messages
            }
            if let error { throw error }
            if end { return nil }
            try Task.checkCancellation()
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.finished || !state.buffer.isEmpty || Task.isCancelled { return true }
                        if let previous = state.waiter {
                            // Only one iterator is supported; wake the other so it can notice.
                            previous.resume()
                        }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }

    // MARK: Polling thread side

    func takeCommands() -> [Command] {
        state.withLock { state in
            defer { state.commands = [] }
            return state.commands
        }
    }

    /// Hands freshly polled messages to the application, dropping those of partitions no longer assigned.
    /// `newTopics` are the names of topic indexes first used in this batch, in index order.
    func deliver(_ messages: inout [PolledMessage], newTopics: inout [String]) {
        var dropped: [PolledMessage] = []
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.topicNames.append(contentsOf: newTopics)
            guard !state.finished else {
                dropped = messages
                return nil
            }
            // Messages come in runs of one partition: look the partition up once per run.
            var current: (topicIndex: Int, partition: Int32, index: Dictionary<KafkaTopicPartition, PartitionState>.Index?)?
            for index in messages.indices {
                let message = messages[index]
                if current == nil || current?.partition != message.partition || current?.topicIndex != message.topicIndex {
                    current = (message.topicIndex, message.partition, state.partitions.index(forKey: state.topicPartition(of: message)))
                }
                guard let partitionIndex = current?.index,
                    state.partitions.values[partitionIndex].tracker.delivered(message.offset)
                else {
                    dropped.append(message)
                    continue
                }
                messages[index].generation = state.partitions.values[partitionIndex].generation
                state.buffer.append(messages[index])
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        messages.removeAll(keepingCapacity: true)
        newTopics.removeAll()
        for message in dropped { message.destroy() }
        waiter?.resume()
    }

    /// Waits until no application task is copying a message out of librdkafka. Call after ``finish(failure:)``,
    /// before destroying the client.
    func waitForConversions() {
        while conversions.load(ordering: .acquiring) > 0 {
            usleep(100)
        }
    }

    /// Pauses every assigned partition while the buffer is full, and resumes once it has half drained.
    func applyFlowControl(_ handle: OpaquePointer) {
        let (pause, resume) = state.withLock { state -> ([KafkaTopicPartition], [KafkaTopicPartition]) in
            let full = !state.pausedForFlowControl && state.buffer.isFull
            let drained = state.pausedForFlowControl && state.buffer.isHalfDrained
            guard full || drained else { return ([], []) }
            state.pausedForFlowControl = full
            let affected = state.partitions.filter { !$0.value.pausedByApplication }.map(\.key)
            return full ? (affected, []) : ([], affected)
        }
        if !pause.isEmpty {
            logger.debug("buffer full: pausing fetch", metadata: ["partitions": "\(pause.count)"])
            _ = RDKafkaTopicPartitionList(pause.map { ($0, nil) }).withPointer { rd_kafka_pause_partitions(handle, $0) }
        }
        if !resume.isEmpty {
            _ = RDKafkaTopicPartitionList(resume.map { ($0, nil) }).withPointer { rd_kafka_resume_partitions(handle, $0) }
        }
    }

    /// Commits the done prefix of every partition that advanced. Synchronous; runs on the polling thread.
    @discardableResult
    func commitDone(_ handle: OpaquePointer, only: Set<KafkaTopicPartition>? = nil) -> KafkaError? {
        let pending = state.withLock { state -> [(KafkaTopicPartition, Int64)] in
            state.partitions.compactMap { topicPartition, partition in
                if let only, !only.contains(topicPartition) { return nil }
                return partition.tracker.pendingCommit.map { (topicPartition, $0) }
            }
        }
        guard !pending.isEmpty else { return nil }
        let list = RDKafkaTopicPartitionList(pending.map { ($0.0, $0.1) })
        let err = list.withPointer { rd_kafka_commit(handle, $0, 0) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let error = KafkaError.rdKafka(err, "committing offsets failed")
            logger.warning("offset commit failed; will retry", metadata: ["error": "\(error)"])
            return error
        }
        let failed = Set(list.entries.filter { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }.map(\.topicPartition))
        state.withLock { state in
            for (topicPartition, offset) in pending where !failed.contains(topicPartition) {
                state.partitions[topicPartition]?.tracker.markCommitted(offset)
            }
        }
        return nil
    }

    /// Serves a rebalance on the polling thread.
    func rebalance(_ call: RDKafkaClient.RebalanceCall) {
        let handle = call.handle
        let entries = RDKafkaTopicPartitionList.entries(of: call.partitions).map(\.topicPartition)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        switch call.error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let pauseNow = state.withLock { state -> Bool in
                for topicPartition in entries {
                    state.partitions[topicPartition] = PartitionState(generation: state.nextGeneration)
                    state.nextGeneration += 1
                }
                return state.pausedForFlowControl
            }
            if cooperative {
                if let error = rd_kafka_incremental_assign(handle, call.partitions) {
                    logger.error("incremental assign failed: \(String(cString: rd_kafka_error_string(error)))")
                    rd_kafka_error_destroy(error)
                }
            } else {
                _ = rd_kafka_assign(handle, call.partitions)
            }
            if pauseNow { _ = rd_kafka_pause_partitions(handle, call.partitions) }
            guard !entries.isEmpty else { return }
            logger.info("partitions assigned", metadata: ["partitions": "\(entries)"])
            eventSink.yield(.assigned(entries))
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(handle) != 0
            if !lost { commitDone(handle, only: Set(entries)) }
            let revoked = Set(entries)
            let dropped = state.withLock { state -> [PolledMessage] in
                for topicPartition in entries { state.partitions[topicPartition] = nil }
                return state.removeBuffered(of: revoked)
            }
            for message in dropped { message.destroy() }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(handle, call.partitions) {
                    logger.error("incremental unassign failed: \(String(cString: rd_kafka_error_string(error)))")
                    rd_kafka_error_destroy(error)
                }
            } else {
                _ = rd_kafka_assign(handle, nil)
            }
            guard !entries.isEmpty else { return }
            logger.info(lost ? "partitions lost" : "partitions revoked", metadata: ["partitions": "\(entries)"])
            eventSink.yield(lost ? .lost(entries) : .revoked(entries))
        default:
            let error = KafkaError.rdKafka(call.error, "rebalance failed")
            logger.error("\(error)")
            let dropped = state.withLock { state -> [PolledMessage] in
                state.partitions.removeAll()
                return state.buffer.removeAll()
            }
            for message in dropped { message.destroy() }
            _ = rd_kafka_assign(handle, nil)
            eventSink.yield(.error(error))
        }
    }

    /// Reports an error from librdkafka to the application's event stream.
    func report(_ error: KafkaError) {
        logger.warning("kafka consumer error", metadata: ["error": "\(error)"])
        eventSink.yield(.error(error))
    }

    /// Ends the message sequence (after a close, or with a fatal error) and the event stream. Runs on the polling
    /// thread (commands and callbacks do), which destroys the client afterwards: the buffered C messages it releases
    /// must go first.
    func finish(failure: KafkaError? = nil) {
        let (waiter, dropped) = state.withLock { state -> (CheckedContinuation<Void, Never>?, [PolledMessage]) in
            state.finished = true
            state.failure = state.failure ?? failure
            defer { state.waiter = nil }
            return (state.waiter, state.buffer.removeAll())
        }
        for message in dropped { message.destroy() }
        waiter?.resume()
        eventSink.finish()
    }

    var isFinished: Bool { state.withLock { $0.finished } }
}

/// An owned `rd_kafka_queue_t` handle, destroyed in `deinit`; the pointer is handed out only inside
/// ``withPointer(_:)``, which keeps the owner alive. `@unchecked Sendable`: librdkafka queues are thread-safe.
final class RDKafkaQueue: @unchecked Sendable {
    private let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { rd_kafka_queue_destroy(pointer) }

    /// Calls `body` with the C queue; the queue stays alive until `body` returns.
    func withPointer<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(pointer) }
    }
}
