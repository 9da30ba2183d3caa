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
        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers]), logger: logger)
        let header = [KafkaHeader(key: "content-type", string: "application/cloudevents+json")]
        for batch in stride(from: 0, to: products.values.count, by: 10_000) {
            let range = batch..<min(batch + 10_000, products.values.count)
            let messages = range.map {
                KafkaProducerMessage(topic: name, key: products.keys[$0], value: products.values[$0], headers: header)
            }
            let failures = await producer.send(messages).filter { if case .failure = $0 { true } else { false } }
            guard failures.isEmpty else { throw BenchmarkFailure("\(failures.count) events were not published") }
        }
        await producer.close()
        print("published \(products.values.count) product.listed events to \(name) (\(partitions) partitions)")
    }
}
