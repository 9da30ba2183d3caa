import Events
import Foundation
import Kafka
@_spi(Benchmarking) import Ledger
import Logging

/// The replay benchmark: seed (or reuse) the ledger, publish the events to a fresh topic, then time AssetForge and
/// the C relay loop in interleaved runs, each in a fresh consumer group.
struct ReplayBenchmark {
    let options: BenchmarkOptions
    let logger: Logger

    func run() async throws {
        guard !options.brokers.isEmpty else {
            throw BenchmarkFailure("--brokers (or ASSETFORGE_KAFKA_BROKERS) is needed")
        }
        let stamp = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
        let products = try ProductEvents(count: options.events, examples: URL(fileURLWithPath: options.examples))
        let decoded = try products.decoded()
        let readyTopic = "bench.asset.ready"
        let envelopes = try await seededEnvelopes(decoded, readyTopic: readyTopic)
        print("ledger: \(options.ledger), \(envelopes.count) published commands for \(options.events) events")

        let inputTopic = "bench.product.listed.\(stamp)"
        let admin = try KafkaAdminClient(configuration: KafkaClientConfiguration(bootstrapServers: [options.brokers]))
        try await admin.createTopics([.init(name: inputTopic, partitions: options.partitions)])
        // Kept from an earlier invocation against the same broker: its envelopes name it.
        try? await admin.createTopics([.init(name: readyTopic, partitions: options.partitions)])
        await admin.close()
        try await publish(products, to: inputTopic)
        print("published \(options.events) product.listed events to \(inputTopic) (\(options.partitions) partitions)")

        let scratch = FileManager.default.temporaryDirectory.appending(path: "pipeline-benchmark-\(stamp)")
        let runner = ReplayRunner(
            brokers: options.brokers, inputTopic: inputTopic, ledgerPath: options.ledger, events: options.events,
            envelopes: envelopes, scratch: scratch, logger: logger)
        var swiftRuns: [RunMeasurement] = []
        var cRuns: [RunMeasurement] = []
        for run in 1...options.runs {
            let swiftFirst = run % 2 == 1
            for side in swiftFirst ? ["AssetForge", "C"] : ["C", "AssetForge"] {
                let group = "bench-\(stamp)-\(run)-\(side)"
                let measurement: RunMeasurement
                if side == "C" {
                    measurement = try await runner.cLoop(group: group)
                } else {
                    measurement = try await runner.assetForge(group: group)
                }
                if side == "C" { cRuns.append(measurement) } else { swiftRuns.append(measurement) }
                print(
                    "run \(run) \(side): \(Int(measurement.eventsPerSecond)) events/s, "
                        + "\(measurement.produced) produced, "
                        + String(format: "%.2f s, %.1f µs CPU/event", measurement.seconds,
                            measurement.cpuMicrosecondsPerEvent))
            }
        }
        ResultsTable(assetForge: swiftRuns, cLoop: cRuns).print()
    }

    /// Seeds the ledger, or reuses it when it already holds these events' published commands.
    private func seededEnvelopes(_ events: [AnyEvent], readyTopic: String) async throws -> [LedgerEnvelope] {
        if FileManager.default.fileExists(atPath: options.ledger) {
            let ledger = try await SQLiteLedgerStore.open(path: options.ledger, logger: logger)
            let counts = try await ledger.countsByState()
            await ledger.close()
            if counts[.published] == events.count * 4 && counts.values.reduce(0, +) == events.count * 4 {
                print("reusing the seeded ledger \(options.ledger)")
                return try await LedgerSeeder(path: options.ledger, readyTopic: readyTopic, logger: logger)
                    .envelopes(for: events)
            }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: options.ledger + suffix) }
        }
        let started = ContinuousClock.now
        let seeder = LedgerSeeder(path: options.ledger, readyTopic: readyTopic, logger: logger)
        try await seeder.seed(events)
        print(String(format: "seeded in %.1f s", (ContinuousClock.now - started).seconds))
        return try await seeder.envelopes(for: events)
    }

    /// Publishes the events (untimed), in batches, with the binding's producer.
    private func publish(_ products: ProductEvents, to topic: String) async throws {
        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: [options.brokers]), logger: logger)
        let header = [KafkaHeader(key: "content-type", string: "application/cloudevents+json")]
        for batch in stride(from: 0, to: products.values.count, by: 10_000) {
            let range = batch..<min(batch + 10_000, products.values.count)
            let messages = range.map {
                KafkaProducerMessage(topic: topic, key: products.keys[$0], value: products.values[$0], headers: header)
            }
            let failures = await producer.send(messages).filter { if case .failure = $0 { true } else { false } }
            guard failures.isEmpty else { throw BenchmarkFailure("\(failures.count) events were not published") }
        }
        await producer.close()
    }
}
