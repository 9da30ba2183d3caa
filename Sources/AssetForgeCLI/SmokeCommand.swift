import ArgumentParser
import Foundation
import Kafka
import Logging
import Pipeline

/// `assetforge smoke`: a produce/consume round trip through the Kafka binding, with a short report.
struct SmokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke",
        abstract: "Produce and consume messages through the Kafka binding and report what happened."
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "Kafka brokers, host:port[,host:port…]; overrides the configuration (ASSETFORGE_KAFKA_BROKERS).")
    var brokers: String?

    @Option(help: "How many messages to send.")
    var count: Int = 1000

    @Option(help: "Partitions of the smoke topic.")
    var partitions: Int = 6

    @Option(help: "Seconds to wait for the broker and for each phase.")
    var timeout: Int = 60

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be at least 1") }
        guard partitions > 0 else { throw ValidationError("--partitions must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1") }
    }

    func run() async throws {
        var logger = Logger(label: "assetforge.smoke")
        logger.logLevel = .warning
        var client = try await options.load().kafkaClient
        if let brokers { client.bootstrapServers = brokers.split(separator: ",").map(String.init) }
        let servers = client.bootstrapServers
        client.connectTimeout = .seconds(timeout)
        let bound = Duration.seconds(timeout)
        let runID = UUID().uuidString.prefix(8).lowercased()
        let topic = "assetforge.smoke.\(runID)"
        let clock = ContinuousClock()

        print("smoke: brokers \(servers.joined(separator: ",")), topic \(topic), \(count) messages")
        let admin = try KafkaAdminClient(configuration: client, logger: logger)
        try await admin.checkBrokers()
        try await admin.createTopics([.init(name: topic, partitions: partitions)])
        await admin.close()

        let producer = try await KafkaProducer.connect(configuration: KafkaProducerConfiguration(client: client), logger: logger)
        let messages = (0..<count).map { index in
            KafkaProducerMessage(
                topic: topic,
                key: "sku-\(index % 97)",
                value: Array(#"{"specversion":"1.0","type":"assetforge.smoke","id":"\#(runID)-\#(index)","data":{"n":\#(index)}}"#.utf8),
                headers: [KafkaHeader(key: "smoke-run", string: String(runID))]
            )
        }
        let produceStart = clock.now
        let reports = await producer.send(messages)
        let produced = clock.now - produceStart
        await producer.close()
        let failures = reports.compactMap { result -> KafkaError? in
            if case .failure(let error) = result { return error }
            return nil
        }
        guard failures.isEmpty else {
            throw SmokeFailure("\(failures.count) of \(count) messages were not delivered; first error: \(failures[0])")
        }
        print("smoke: produced \(count) messages in \(produced.formatted) (\(Self.rate(count, produced)) msg/s), all acknowledged")

        var consumerConfiguration = KafkaConsumerConfiguration(client: client, groupID: "assetforge.smoke.\(runID)")
        consumerConfiguration.offsetReset = .earliest
        consumerConfiguration.sessionTimeout = .seconds(6)
        let consumeStart = clock.now
        let consumer = try await KafkaConsumer.connect(configuration: consumerConfiguration, topics: [topic], logger: logger)
        let expected = count
        let run = String(runID)
        let (seen, perPartition) = try await Self.within(bound, "consuming \(count) messages") {
            var seen = Set<String>()
            var perPartition: [Int32: Int] = [:]
            for try await message in consumer.messages {
                guard message.headers.string(forKey: "smoke-run") == run else { continue }
                seen.insert("\(message.partition)/\(message.offset)")
                perPartition[message.partition, default: 0] += 1
                consumer.markDone(message)
                if seen.count == expected { break }
            }
            return (seen, perPartition)
        }
        let consumed = clock.now - consumeStart
        try await consumer.commit()
        try await consumer.close()
        let spread = perPartition.keys.sorted().map { "p\($0)=\(perPartition[$0] ?? 0)" }.joined(separator: " ")
        print("smoke: consumed \(seen.count) messages in \(consumed.formatted) including the group join; partitions \(spread)")

        let again = try await KafkaConsumer.connect(configuration: consumerConfiguration, topics: [topic], logger: logger)
        let redelivered = try await Self.countMessages(on: again, for: .seconds(8))
        try await again.close()
        guard redelivered == 0 else {
            throw SmokeFailure("a restarted consumer received \(redelivered) messages that were already committed")
        }
        print("smoke: a restarted consumer in the same group resumed after the committed offsets (0 redelivered)")
        print("smoke: OK")
    }

    private static func countMessages(on consumer: KafkaConsumer, for window: Duration) async throws -> Int {
        try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                var count = 0
                do {
                    for try await _ in consumer.messages { count += 1 }
                } catch is CancellationError {}
                return count
            }
            group.addTask {
                try await Task.sleep(for: window)
                return nil
            }
            _ = try await group.next()
            group.cancelAll()
            var total = 0
            while let result = try await group.next() { total += result ?? 0 }
            return total
        }
    }

    private static func within<T: Sendable>(
        _ bound: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: bound)
                throw SmokeFailure("timed out after \(bound) \(what)")
            }
            defer { group.cancelAll() }
            guard let result = try await group.next(), let value = result else {
                throw SmokeFailure("timed out after \(bound) \(what)")
            }
            return value
        }
    }

    private static func rate(_ count: Int, _ duration: Duration) -> Int {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds > 0 ? Int(Double(count) / seconds) : count
    }
}

/// A failed smoke check, with what went wrong.
struct SmokeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    /// Milliseconds, for reports.
    var formatted: String {
        let milliseconds = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        return milliseconds >= 1000 ? String(format: "%.2f s", milliseconds / 1000) : String(format: "%.0f ms", milliseconds)
    }
}
