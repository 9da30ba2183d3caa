// Placeholder replaced by the binding.
public struct KafkaError: Error, Sendable {}
