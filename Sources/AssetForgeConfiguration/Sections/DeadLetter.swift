extension AssetForgeConfiguration {
    /// The dead-letter queue (its topic is ``Topics/deadLetter``).
    public struct DeadLetter: Sendable, Equatable {
        /// The largest dead-letter copy in bytes; a bigger value goes to the object store and the copy carries its URL. 1000–1000000000
        /// (librdkafka's `message.max.bytes` range); keep it under the topic's `max.message.bytes`.
        /// File `dlq.maxMessageBytes`; env `ASSETFORGE_DLQ_MAX_MESSAGE_BYTES`. Default `921600` (900 KiB).
        public var maxMessageBytes: Int = 921_600

        /// The defaults.
        public init() {}
    }
}
