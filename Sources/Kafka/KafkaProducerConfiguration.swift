/// Configuration of a ``KafkaProducer``.
public struct KafkaProducerConfiguration: Sendable {
    /// Which acknowledgement the producer waits for (librdkafka `acks`).
    public enum Acks: String, Sendable {
        /// No acknowledgement (`acks=0`): messages may be lost.
        case none = "0"
        /// The partition leader's acknowledgement (`acks=1`).
        case leader = "1"
        /// All in-sync replicas (`acks=all`); required by idempotence.
        case all = "all"
    }

    /// Brokers, security and raw properties.
    public var client: KafkaClientConfiguration
    /// The idempotent producer (`enable.idempotence`): no duplicates and no reordering on retries. Default true.
    public var idempotence: Bool = true
    /// Acknowledgements. Default ``Acks/all``; idempotence requires it.
    public var acks: Acks = .all
    /// How long messages wait to form batches (`linger.ms`). Default 5 ms.
    public var linger: Duration = .milliseconds(5)
    /// How long a message may take to be delivered, retries included (`message.timeout.ms`).
    /// After this the send fails with ``KafkaError/Code/timedOut``. Default 60 s.
    public var deliveryTimeout: Duration = .seconds(60)
    /// How long ``KafkaProducer/close()`` waits for outstanding messages. Default 30 s.
    public var flushTimeout: Duration = .seconds(30)

    /// Creates a configuration for the given brokers.
    public init(bootstrapServers: [String]) {
        self.client = KafkaClientConfiguration(bootstrapServers: bootstrapServers)
    }

    /// Creates a configuration from shared client settings.
    public init(client: KafkaClientConfiguration) {
        self.client = client
    }

    func rdKafkaProperties() throws(KafkaError) -> [(String, String)] {
        if idempotence && acks != .all {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "the idempotent producer needs acks=all; set acks to .all or turn idempotence off",
                property: "acks"
            )
        }
        var result = try client.rdKafkaProperties()
        result += [
            ("enable.idempotence", idempotence ? "true" : "false"),
            ("acks", acks.rawValue),
            ("linger.ms", String(linger.milliseconds)),
            ("message.timeout.ms", String(deliveryTimeout.milliseconds)),
        ]
        result += client.properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return result
    }
}
