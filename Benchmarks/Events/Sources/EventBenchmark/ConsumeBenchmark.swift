import Events
import Foundation
import Kafka
import Logging

/// The consume loop's cost per message, raw and with decoding, from the same topic in the same run.
struct ConsumeBenchmark {
    let brokers: [String]
    let messages: Int
    let value: [UInt8]
    let headers: [RecordHeader]

    struct Results {
        /// µs per message of each round.
        var raw: [Double] = []
        var decoding: [Double] = []
    }

    /// The binding's rebalance notices would interleave with the results.
    static let logger: Logger = {
        var logger = Logger(label: "event-benchmark")
        logger.logLevel = .warning
        return logger
    }()

    func run(rounds: Int) async throws -> Results {
        let topic = "bench-events-\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try KafkaAdminClient(configuration: KafkaClientConfiguration(bootstrapServers: brokers))
        try await admin.createTopics([.init(name: topic, partitions: 6)])
        await admin.close()
        try await produce(to: topic)

        var results = Results()
        for _ in 0..<rounds {
            results.raw.append(try await consume(topic, decoding: false))
            results.decoding.append(try await consume(topic, decoding: true))
        }
        return results
    }

    private func produce(to topic: String) async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: brokers)
        configuration.linger = .milliseconds(5)
        let producer = try await KafkaProducer.connect(configuration: configuration, logger: Self.logger)
        let kafkaHeaders = headers.map { KafkaHeader(key: $0.name, value: $0.value) }
        var sent = 0
        while sent < messages {
            let batch = (sent..<min(messages, sent + 10_000)).map {
                KafkaProducerMessage(topic: topic, key: "SKU-\($0 % 997)", value: value, headers: kafkaHeaders)
            }
            for result in await producer.send(batch) { _ = try result.get() }
            sent += batch.count
        }
        await producer.close()
    }

    /// µs per message from the first message to the last, in a new group (the group join is not counted).
    private func consume(_ topic: String, decoding: Bool) async throws -> Double {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: brokers, groupID: "bench-\(UUID().uuidString.prefix(8).lowercased())")
        configuration.offsetReset = .earliest
        configuration.sessionTimeout = .seconds(6)
        let consumer = try await KafkaConsumer.connect(
            configuration: configuration, topics: [topic], logger: Self.logger)
        let decoder = EventDecoder()
        let clock = ContinuousClock()
        var start: ContinuousClock.Instant?
        var count = 0
        var valid = 0
        for try await message in consumer.messages {
            if start == nil { start = clock.now }
            if decoding {
                let recordHeaders = message.headers.map { RecordHeader(name: $0.key, value: $0.value) }
                if (try? decoder.decode(value: message.value, headers: recordHeaders, as: .productListed)) != nil {
                    valid += 1
                }
            }
            consumer.markDone(message)
            count += 1
            if count == messages { break }
        }
        let elapsed = clock.now - (start ?? clock.now)
        try await consumer.close()
        precondition(!decoding || valid == messages, "every message should decode")
        // The first message's own cost is outside the measured span: divide by the rest.
        return elapsed / .microseconds(1) / Double(max(1, messages - 1))
    }
}
