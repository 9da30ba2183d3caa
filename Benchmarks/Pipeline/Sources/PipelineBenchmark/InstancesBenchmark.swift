import AssetForgeConfiguration
import Foundation
import Ledger
import Logging

/// The replay of already-published events on the PostgreSQL ledger with one and with several AssetForge instances
/// in one consumer group, beside one instance on the SQLite ledger: the same topic, a fresh group per run and side,
/// the sides' order rotated from run to run.
///
/// The instances run in this process (``ReplayRunner/assetForge(group:instances:)``): each has its own consumer,
/// producer, ledger store and intake path, as separate processes would, but they share this process's CPU and
/// runtime. On a machine with few cores, processes would add nothing but their own runtime threads competing for
/// the same cores.
struct InstancesBenchmark {
    let options: BenchmarkOptions
    let logger: Logger

    func run() async throws {
        guard !options.brokers.isEmpty else {
            throw BenchmarkFailure("--brokers (or ASSETFORGE_KAFKA_BROKERS) is needed")
        }
        let postgres = try options.postgresLedger(for: "instances")
        let stamp = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
        let products = try ProductEvents(count: options.events, examples: URL(fileURLWithPath: options.examples))
        let seeded = SeededLedger(events: try products.decoded(), logger: logger)
        let postgresEnvelopes = try await seeded.postgres(postgres)
        let sqliteEnvelopes = try await seeded.sqlite(path: options.ledger)
        let inputTopic = "bench.product.listed.\(stamp)"
        try await ReplayTopic(brokers: options.brokers, partitions: options.partitions, logger: logger)
            .create(inputTopic, with: products)

        let scratch = FileManager.default.temporaryDirectory.appending(path: "pipeline-benchmark-\(stamp)")
        func runner(_ ledger: LedgerLocation, _ envelopes: [LedgerEnvelope]) -> ReplayRunner {
            ReplayRunner(
                brokers: options.brokers, inputTopic: inputTopic, partitions: options.partitions, ledger: ledger,
                events: options.events, envelopes: envelopes, scratch: scratch, logger: logger)
        }
        let sqliteSide = (name: "SQLite ×1", runner: runner(.sqlite(path: options.ledger), sqliteEnvelopes), count: 1)
        let postgresRunner = runner(postgres, postgresEnvelopes)
        let sides =
            [sqliteSide] + options.instances.map { (name: "PostgreSQL ×\($0)", runner: postgresRunner, count: $0) }
        print(
            "instances: \(options.events) events on \(options.partitions) partitions; ledgers \(options.ledger) and "
                + "\(postgres); sides \(sides.map(\.name).joined(separator: ", "))")

        var samples: [String: [ComparisonTable.Sample]] = [:]
        for run in 1...options.runs {
            let shift = (run - 1) % sides.count
            for side in sides[shift...] + sides[..<shift] {
                let group = "bench-\(stamp)-\(run)-\(side.name.filter { $0.isLetter || $0.isNumber })"
                let measurement = try await side.runner.assetForge(group: group, instances: side.count)
                samples[side.name, default: []].append(
                    ComparisonTable.Sample(
                        rate: measurement.eventsPerSecond, cpuMicroseconds: measurement.cpuMicrosecondsPerEvent,
                        machineBusy: measurement.machineBusy))
                print(
                    "run \(run) \(side.name): \(Int(measurement.eventsPerSecond)) events/s, "
                        + "\(measurement.produced) produced, "
                        + String(
                            format: "%.2f s, %.1f µs CPU/event, machine %.0f %% busy", measurement.seconds,
                            measurement.cpuMicrosecondsPerEvent, 100 * measurement.machineBusy))
            }
        }

        var ratios: [ComparisonTable.Ratio] = []
        if let single = options.instances.first {
            let base = "PostgreSQL ×\(single)"
            ratios.append(ComparisonTable.Ratio(name: "\(base) / SQLite ×1", numerator: base, denominator: "SQLite ×1"))
            for count in options.instances.dropFirst() {
                let name = "PostgreSQL ×\(count)"
                ratios.append(ComparisonTable.Ratio(name: "\(name) / \(base)", numerator: name, denominator: base))
            }
        }
        ComparisonTable(
            item: "event", sides: sides.map { ComparisonTable.Side(name: $0.name, runs: samples[$0.name] ?? []) },
            ratios: ratios
        ).print()
    }
}
