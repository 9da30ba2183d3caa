import Events

/// Configuration of an ``EventIntake``.
public struct EventIntakeConfiguration: Sendable {
    /// The consumed topics and the event type each carries. Default `product.listed` → ``EventType/productListed``,
    /// `sku.promoted` → ``EventType/skuPromoted`` (configuration `topics.productListed`, `topics.skuPromoted`).
    public var topics: [String: EventType] = [
        EventType.productListed.rawValue: .productListed,
        EventType.skuPromoted.rawValue: .skuPromoted,
    ]
    /// The dead-letter topic (configuration `topics.dlq`). Default `assetforge.dlq`.
    public var deadLetterTopic: String = "assetforge.dlq"
    /// The largest dead-letter record, in bytes of key, value and headers (configuration `dlq.maxMessageBytes`).
    /// A record that would be larger goes without its value, which is archived instead. Default 921,600 (900 KiB);
    /// keep it under the producer's `message.max.bytes` and the topic's `max.message.bytes`.
    public var maximumDeadLetterBytes: Int = 921_600
    /// How copying to the dead-letter topic (and archiving) is retried. It is retried until it succeeds: a record
    /// is never marked done before its copy is stored.
    public var retry: RetryBackoff = RetryBackoff()
    /// The most records taken from the consumer at once (what is buffered, up to this; at least 1). Default 256.
    public var maximumBatchSize: Int = 256
    /// How many groups of partitions are handled at once (at least 1). A batch's records are split by partition
    /// number into this many lanes, handled concurrently; records of one partition share a lane and stay in order.
    /// Default 3: while one lane waits for the ledger, the others decode and key their events (measured on the
    /// replay benchmark: 2 and 6 lanes did no better on 2 cores).
    public var lanes: Int = 3

    /// The defaults.
    public init() {}

    /// The topics to subscribe to, sorted.
    public var subscribedTopics: [String] { topics.keys.sorted() }
}
