extension AssetForgeConfiguration {
    /// How AssetForge connects to Kafka.
    public struct Kafka: Sendable, Equatable {
        /// Bootstrap brokers. File `kafka.brokers` (a list, or a comma-separated string);
        /// env `ASSETFORGE_KAFKA_BROKERS` (comma-separated `host:port`). Default `127.0.0.1:9092`.
        public var brokers: [KafkaBroker] = [KafkaBroker(host: "127.0.0.1", port: 9092)]

        /// The consumer group id. File `kafka.group`; env `ASSETFORGE_KAFKA_GROUP`. Default `assetforge`.
        public var group: String = "assetforge"

        /// Where to start without a committed offset. File `kafka.offsetReset`;
        /// env `ASSETFORGE_KAFKA_OFFSET_RESET` (`earliest` or `latest`). Default `latest`.
        public var offsetReset: OffsetReset = .latest

        /// The consumer group session timeout in milliseconds (librdkafka `session.timeout.ms`), 1–3600000;
        /// brokers accept 6000–1800000 unless configured otherwise. File `kafka.sessionTimeoutMs`;
        /// env `ASSETFORGE_KAFKA_SESSION_TIMEOUT_MS`. Default `45000`.
        public var sessionTimeoutMilliseconds: Int = 45_000

        /// Extra librdkafka properties passed through unchanged, e.g. `security.protocol: SASL_SSL`.
        /// File only: the mapping `kafka.properties`. Default empty. Properties that have their own
        /// setting (`bootstrap.servers`, `group.id`, `auto.offset.reset`, `session.timeout.ms`) are rejected;
        /// values of properties whose names mention a password, secret, token or key material are redacted
        /// when printed.
        public var properties: [String: String] = [:]

        /// ``sessionTimeoutMilliseconds`` as a `Duration`.
        public var sessionTimeout: Duration { .milliseconds(sessionTimeoutMilliseconds) }

        /// The defaults.
        public init() {}
    }
}

extension AssetForgeConfiguration.Kafka: CustomReflectable {
    /// The stored properties, with sensitive `properties` values shown as `<redacted>`, so that `print`
    /// and `dump` cannot reveal a SASL password.
    public var customMirror: Mirror {
        let redactedProperties = properties.mapValues { _ in Secret.redactedPlaceholder }
            .merging(properties.filter { !KafkaProperty.isSensitive($0.key) }) { $1 }
        return Mirror(
            self,
            children: [
                "brokers": brokers, "group": group, "offsetReset": offsetReset,
                "sessionTimeoutMilliseconds": sessionTimeoutMilliseconds, "properties": redactedProperties,
            ],
            displayStyle: .struct)
    }
}
