/// Something that happened to a ``KafkaConsumer`` besides messages.
public enum KafkaConsumerEvent: Sendable {
    /// The group gave this member these partitions (in addition to any it had, with cooperative rebalancing).
    case assigned([KafkaTopicPartition])
    /// These partitions were taken away. Done-marks for their messages delivered before are now ignored;
    /// what was done by the time of revocation has been committed.
    case revoked([KafkaTopicPartition])
    /// These partitions were lost (the member was thrown out of the group); nothing could be committed for them.
    case lost([KafkaTopicPartition])
    /// A non-fatal error reported by librdkafka (for example all brokers down); the client keeps trying.
    case error(KafkaError)
}
