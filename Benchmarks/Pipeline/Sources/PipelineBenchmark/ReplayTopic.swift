import Foundation
import Kafka
import Logging

/// The replay benchmarks' input: a fresh topic holding the `product.listed` events, published untimed.
struct ReplayTopic {
    let brokers: String
    let partitions: Int
    let logger: Logger

    /// Creates `name` (and the `asset.ready` topic the seeded envelopes name, kept from earlier invocations) and
    /// publishes `products` to it, in batches, with the binding's producer.
    func create(_ name: String, with products: ProductEvents) async throws {
        let admin = try KafkaAdminClient(configuration: KafkaClientConfiguration(bootstrapServers: [brokers]))
        try await admin.createTopics([.init(name: name, partitions: partitions)])
        try? await admin.createTopics([.init(name: SeededLedger.readyTopic, partitions: partitions)])
        await admin.close()
        try await Self.publish(keys: products.keys, values: products.values, to: name, brokers: brokers, logger: logger)
        print("published \(products.values.count) product.listed events to \(name) (\(partitions) partitions)")
    }

    /// Publishes structured-mode CloudEvents (`values`, keyed by `keys`) to `topic`, in batches, with the binding's
    /// producer; fails unless every one was acknowledged.
    static func publish(
        keys: [[UInt8]], values: [[UInt8]], to topic: String, brokers: String, logger: Logger
    ) async throws {
        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers]), logger: logger)
        let header = [KafkaHeader(key: "content-type", string: "application/cloudevents+json")]
        var failed = 0
        for batch in stride(from: 0, to: values.count, by: 10_000) {
            let messages = (batch..<min(batch + 10_000, values.count)).map {
                KafkaProducerMessage(topic: topic, key: keys[$0], value: values[$0], headers: header)
            }
            failed += await producer.send(messages).filter { if case .failure = $0 { true } else { false } }.count
            if failed > 0 { break }
        }
        await producer.close()
        guard failed == 0 else { throw BenchmarkFailure("\(failed) events were not published to \(topic)") }
    }
}
