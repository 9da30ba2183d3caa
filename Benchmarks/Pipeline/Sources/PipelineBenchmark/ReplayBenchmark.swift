import Foundation
import Logging

/// The replay benchmark: seed (or reuse) the SQLite ledger, publish the events to a fresh topic, then time AssetForge
/// and the C relay loop in interleaved runs, each in a fresh consumer group.
struct ReplayBenchmark {
    let options: BenchmarkOptions
    let logger: Logger

    func run() async throws {
        guard !options.brokers.isEmpty else {
            throw BenchmarkFailure("--brokers (or ASSETFORGE_KAFKA_BROKERS) is needed")
        }
        let stamp = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
        let products = try ProductEvents(count: options.events, examples: URL(fileURLWithPath: options.examples))
        let envelopes = try await SeededLedger(events: try products.decoded(), logger: logger)
            .sqlite(path: options.ledger)
        print("ledger: \(options.ledger), \(envelopes.count) published commands for \(options.events) events")

        let inputTopic = "bench.product.listed.\(stamp)"
        try await ReplayTopic(brokers: options.brokers, partitions: options.partitions, logger: logger)
            .create(inputTopic, with: products)

        let scratch = FileManager.default.temporaryDirectory.appending(path: "pipeline-benchmark-\(stamp)")
        let runner = ReplayRunner(
            brokers: options.brokers, inputTopic: inputTopic, partitions: options.partitions,
            ledger: .sqlite(path: options.ledger), events: options.events, envelopes: envelopes, scratch: scratch,
            logger: logger)
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
                            measurement.cpuMicrosecondsPerEvent)
                        + (side == "C" ? "" : String(format: ", machine %.0f %% busy", 100 * measurement.machineBusy)))
            }
        }
        ResultsTable(assetForge: swiftRuns, cLoop: cRuns).print()
    }
}
