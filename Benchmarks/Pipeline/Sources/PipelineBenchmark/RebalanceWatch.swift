import Kafka
import Synchronization

/// Notes partitions revoked from or lost by the watched consumers once armed. A timed run during which a partition
/// moved may have handled records twice (the old owner's in-flight record is delivered again to the new one), so it
/// is thrown away rather than reported.
final class RebalanceWatch: Sendable {
    private struct State {
        var armed = false
        var moved: [KafkaTopicPartition] = []
    }

    private let state = Mutex(State())

    /// The partitions that moved since ``arm()``.
    var moved: [KafkaTopicPartition] { state.withLock { $0.moved } }

    /// Starts noting moves (earlier ones, from the group's forming, are ignored).
    func arm() {
        state.withLock { $0.armed = true }
    }

    /// Follows `consumer`'s events until the task is cancelled or the consumer closes.
    func watch(_ consumer: KafkaConsumer) -> Task<Void, Never> {
        Task {
            for await event in consumer.events {
                switch event {
                case .revoked(let partitions), .lost(let partitions):
                    state.withLock { state in
                        if state.armed { state.moved += partitions }
                    }
                case .assigned, .error:
                    break
                }
            }
        }
    }
}
