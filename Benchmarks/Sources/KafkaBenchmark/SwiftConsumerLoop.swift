import CKafkaLoops
import Kafka
import Logging
import Synchronization

/// Consumes through the Swift binding's public API: `for try await` over `KafkaConsumer.messages`, calling
/// `markDone` for every message as an application does.
struct SwiftConsumerLoop {
    let brokers: [String]
    /// `KafkaConsumerConfiguration.bufferCapacity`.
    let bufferCapacity: Int
    /// Give up when no message arrives for this long.
    let idleTimeout: Duration
    /// Call `markDone` for every message, as an application does. Off only to measure what it costs.
    let markDone: Bool
    let logger: Logger

    /// Timed: from the first message to the last, so the group join is excluded. Closing is not timed.
    func run(topic: String, group: String, messages: Int) async throws -> Measurement {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: group)
        configuration.client.clientID = "assetforge-benchmark-swift"
        configuration.offsetReset = .earliest
        configuration.sessionTimeout = .seconds(6)
        configuration.bufferCapacity = bufferCapacity
        let consumer = try await KafkaConsumer.connect(configuration: configuration, topics: [topic], logger: logger)

        // Closes the consumer (ending the message sequence) when no message arrived for `idleTimeout`.
        let progress = ProgressCounter()
        let idleTimeout = self.idleTimeout
        let watchdog = Task {
            var seen = -1
            var idleSince = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                let now = progress.value
                if now != seen {
                    seen = now
                    idleSince = .now
                } else if ContinuousClock.now - idleSince > idleTimeout {
                    try? await consumer.close()
                    return
                }
            }
        }

        let clock = ContinuousClock()
        var count = 0
        var rejectedMarks = 0
        var start = clock.now
        var end = clock.now
        var startCPU = 0.0
        var endCPU = 0.0
        var failure: String?
        do {
            for try await message in consumer.messages {
                if count == 0 {
                    start = clock.now
                    startCPU = ckl_process_cpu()
                }
                count += 1
                if markDone, !consumer.markDone(message) { rejectedMarks += 1 }
                if count & 1023 == 0 { progress.set(count) }
                if count == messages {
                    end = clock.now
                    endCPU = ckl_process_cpu()
                    break
                }
            }
        } catch {
            failure = "\(error)"
        }
        watchdog.cancel()
        try? await consumer.close()
        if count < messages, failure == nil {
            failure = "received \(count) of \(messages) messages; none for \(idleTimeout)"
        }
        if rejectedMarks > 0 {
            logger.warning("markDone refused messages", metadata: ["count": "\(rejectedMarks)"])
        }
        let complete = count == messages
        return Measurement(
            messages: count,
            expected: messages,
            seconds: complete ? (end - start).seconds : 0,
            cpuSeconds: complete ? endCPU - startCPU : 0,
            error: failure
        )
    }
}

/// How many messages the consume loop has seen, for its watchdog.
final class ProgressCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func set(_ value: Int) { count.store(value, ordering: .relaxed) }
}
