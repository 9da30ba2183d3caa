/// The messages of a ``KafkaConsumer`` as an `AsyncSequence`. Iterate it from one task only.
///
/// It ends (returns nil) after ``KafkaConsumer/close()``, and throws a fatal consumer error.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerMessage

    let core: ConsumerCore

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(core: core)
    }

    /// Iterator over a consumer's messages. Holds no messages of its own: dropping it loses nothing.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let core: ConsumerCore

        public mutating func next() async throws -> KafkaConsumerMessage? {
            try await core.next()
        }
    }
}
