import CKafkaLoops
import Kafka
import Logging
import Synchronization

/// Produces through the Swift binding's public API: `KafkaProducer.send(_:)` with batches, several in flight.
struct SwiftProducerLoop {
    let brokers: [String]
    /// Messages per `send` call.
    let batchSize: Int
    /// Batches awaiting their delivery reports at the same time.
    let inFlight: Int
    let logger: Logger

    /// Timed: from the first send until the last batch's delivery reports arrived. Connecting and closing are not.
    func run(topic: String, messages: Int, payloads: PayloadPool) async throws -> Measurement {
        var configuration = KafkaProducerConfiguration(bootstrapServers: brokers)
        configuration.client.clientID = "assetforge-benchmark-swift"
        configuration.linger = .milliseconds(5)
        let producer = try await KafkaProducer.connect(configuration: configuration, logger: logger)

        let cursor = BatchCursor()
        let batchSize = self.batchSize
        let clock = ContinuousClock()
        let start = clock.now
        let startCPU = ckl_process_cpu()
        let (acknowledged, failed, firstError) = await withTaskGroup(of: (Int, Int, KafkaError?).self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    var acknowledged = 0
                    var failed = 0
                    var firstError: KafkaError?
                    while let range = cursor.claim(batchSize, below: messages) {
                        var batch: [KafkaProducerMessage] = []
                        batch.reserveCapacity(range.count)
                        for index in range {
                            let slot = index % payloads.count
                            batch.append(
                                KafkaProducerMessage(
                                    topic: topic, key: payloads.keys[slot], value: payloads.values[slot]))
                        }
                        for result in await producer.send(batch) {
                            switch result {
                            case .success: acknowledged += 1
                            case .failure(let error):
                                failed += 1
                                if firstError == nil { firstError = error }
                            }
                        }
                    }
                    return (acknowledged, failed, firstError)
                }
            }
            var total = (0, 0, KafkaError?.none)
            for await (acknowledged, failed, error) in group {
                total.0 += acknowledged
                total.1 += failed
                total.2 = total.2 ?? error
            }
            return total
        }
        let elapsed = clock.now - start
        let cpu = ckl_process_cpu() - startCPU
        await producer.close()
        return Measurement(
            messages: acknowledged,
            expected: messages,
            seconds: elapsed.seconds,
            cpuSeconds: cpu,
            error: failed > 0 ? "\(failed) messages failed, first: \(firstError.map { "\($0)" } ?? "?")" : nil
        )
    }
}

/// Hands out consecutive ranges of message indices to the concurrent senders.
final class BatchCursor: Sendable {
    private let next = Atomic<Int>(0)

    func claim(_ size: Int, below limit: Int) -> Range<Int>? {
        let first = next.add(size, ordering: .relaxed).oldValue
        guard first < limit else { return nil }
        return first..<min(first + size, limit)
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
