/// The messages of a ``KafkaConsumer`` as an `AsyncSequence` of batches: each element holds every message buffered
/// at that moment (at least one, at most ``maximumCount``), in order per partition. Iterate it from one task only,
/// and do not iterate ``KafkaConsumer/messages`` beside it.
///
/// Taking what is there instead of one message at a time lets the application handle a backlog with fewer round
/// trips (one ledger query for many records, say) without adding latency: a lone message comes as a batch of one.
/// It ends (returns nil) after ``KafkaConsumer/close()``, and throws a fatal consumer error.
public struct KafkaConsumerBatches: AsyncSequence, Sendable {
    public typealias Element = [KafkaConsumerMessage]

    let core: ConsumerCore
    /// The most messages in one batch.
    public let maximumCount: Int

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(core: core, maximumCount: maximumCount)
    }

    /// Iterator over a consumer's message batches. Holds no messages of its own: dropping it loses nothing.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let core: ConsumerCore
        let maximumCount: Int

        public mutating func next() async throws -> [KafkaConsumerMessage]? {
            try await core.next(upTo: maximumCount)
        }
    }
}
