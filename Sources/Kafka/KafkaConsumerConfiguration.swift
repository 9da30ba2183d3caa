/// Configuration of a ``KafkaConsumer`` in a consumer group.
public struct KafkaConsumerConfiguration: Sendable {
    /// Where a group with no committed offset starts reading (`auto.offset.reset`).
    public enum OffsetReset: String, Sendable {
        /// The oldest retained message.
        case earliest
        /// Only messages produced after the group first joined.
        case latest
        /// Fail instead of guessing.
        case error
    }

    /// How partitions are spread over the group's members (`partition.assignment.strategy`).
    public enum AssignmentStrategy: String, Sendable {
        /// Incremental rebalancing: members keep partitions that do not move.
        case cooperativeSticky = "cooperative-sticky"
        /// Eager range assignment.
        case range = "range"
        /// Eager round-robin assignment.
        case roundRobin = "roundrobin"
    }

    /// Brokers, security and raw properties.
    public var client: KafkaClientConfiguration
    /// The consumer group (`group.id`).
    public var groupID: String
    /// Where to start without a committed offset. Default ``OffsetReset/latest``.
    public var offsetReset: OffsetReset = .latest
    /// Assignment strategy. Default ``AssignmentStrategy/cooperativeSticky``.
    public var assignmentStrategy: AssignmentStrategy = .cooperativeSticky
    /// How long the group waits for a silent member before rebalancing (`session.timeout.ms`). Default 45 s.
    public var sessionTimeout: Duration = .seconds(45)
    /// The longest a rebalance may wait for this member (`max.poll.interval.ms`, which librdkafka also sends as the
    /// group's rebalance timeout and uses, plus 3 s, as the timeout of its JoinGroup request). Default 60 s, raised
    /// to ``sessionTimeout`` when that is longer (librdkafka requires it). librdkafka's own default (300 s) guards
    /// applications that stop polling; this consumer polls on its own thread whatever the application does, so a
    /// short bound costs nothing, and a JoinGroup whose answer is lost stalls the member for about a minute instead
    /// of five. A `max.poll.interval.ms` raw property overrides it.
    public var maxPollInterval: Duration = .seconds(60)
    /// How often done offsets are committed in the background. Default 1 s.
    public var commitInterval: Duration = .seconds(1)
    /// How many fetched messages may wait for the application before fetching pauses. Default 100,000.
    ///
    /// The consumer keeps polling (and so keeps its group membership) while the application is slow; this and
    /// ``bufferCapacityBytes`` bound the memory it uses meanwhile. A pause makes librdkafka drop what it had
    /// prefetched for the partition (it fetches again on resume), so keep the bounds well above a burst.
    public var bufferCapacity: Int = 100_000
    /// How many bytes (keys and values) of fetched messages may wait before fetching pauses.
    /// Default 64 MiB, librdkafka's own prefetch bound (`queued.max.messages.kbytes`). Waiting messages stay in
    /// librdkafka's fetch buffers until the application takes them, so a buffer shared with messages already
    /// taken lives until its last waiting message is taken.
    public var bufferCapacityBytes: Int = 64 << 20
    /// Static group membership (`group.instance.id`), optional.
    public var groupInstanceID: String?

    /// Creates a configuration for the given brokers and group.
    public init(bootstrapServers: [String], groupID: String) {
        self.client = KafkaClientConfiguration(bootstrapServers: bootstrapServers)
        self.groupID = groupID
    }

    /// Creates a configuration from shared client settings.
    public init(client: KafkaClientConfiguration, groupID: String) {
        self.client = client
        self.groupID = groupID
    }

    /// Properties the binding owns: offsets are stored and committed only through ``KafkaConsumer/markDone(_:)``.
    static let ownedProperties: [String: String] = [
        "enable.auto.commit": "false",
        "enable.auto.offset.store": "false",
    ]

    func rdKafkaProperties() throws(KafkaError) -> [(String, String)] {
        guard !groupID.isEmpty else {
            throw KafkaError(code: .invalidConfiguration, message: "the consumer group id is empty", property: "group.id")
        }
        guard bufferCapacity > 0 else {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "bufferCapacity must be at least 1, got \(bufferCapacity)",
                property: "bufferCapacity"
            )
        }
        guard bufferCapacityBytes > 0 else {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "bufferCapacityBytes must be at least 1, got \(bufferCapacityBytes)",
                property: "bufferCapacityBytes"
            )
        }
        for (name, required) in Self.ownedProperties {
            if let given = client.properties[name], given.lowercased() != required {
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "'\(name)=\(given)' is not supported: the consumer commits only offsets the application "
                        + "marked done (remove the property)",
                    property: name
                )
            }
        }
        var result = try client.rdKafkaProperties()
        result += [
            ("group.id", groupID),
            ("auto.offset.reset", offsetReset.rawValue),
            ("partition.assignment.strategy", assignmentStrategy.rawValue),
            ("session.timeout.ms", String(sessionTimeout.milliseconds)),
            ("heartbeat.interval.ms", String(max(100, min(3000, sessionTimeout.milliseconds / 3)))),
            (
                "max.poll.interval.ms",
                String(max(sessionTimeout.milliseconds, maxPollInterval.milliseconds))
            ),
            ("enable.partition.eof", "false"),
        ]
        if let groupInstanceID { result.append(("group.instance.id", groupInstanceID)) }
        result += client.properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        result += Self.ownedProperties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return result
    }
}
