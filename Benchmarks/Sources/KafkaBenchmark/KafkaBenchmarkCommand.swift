import ArgumentParser
import Foundation
import Kafka
import Logging

/// Measures the Swift Kafka binding's produce and consume throughput against librdkafka's own C loops.
@main
struct KafkaBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-benchmark",
        abstract: "Produce and consume messages/s: the Swift Kafka binding against librdkafka's own C loops.",
        discussion: """
            Each run creates fresh topics and consumer groups on one broker and measures, back to back, the Swift \
            side and the C side (the order alternates between runs). Produce: each side into its own fresh topic. \
            Consume: both sides read the same pre-filled topic, each in its own fresh group, timed from the first \
            message (the group join is excluded); the Swift consumer calls markDone for every message. Prints \
            per-run figures, medians and Swift/C ratios. Exits non-zero when a run lost messages.
            """
    )

    enum Workload: String, ExpressibleByArgument, CaseIterable {
        case both, produce, consume
    }

    enum Side: String, ExpressibleByArgument, CaseIterable {
        case both, swift, c
    }

    @Option(help: "Broker address host:port (default: $ASSETFORGE_KAFKA_BROKERS).")
    var brokers: String?

    @Option(help: "Messages per measurement.")
    var messages: Int = 200_000

    @Option(help: "Interleaved runs (each measures Swift and C).")
    var runs: Int = 3

    @Option(help: "Bytes per message value (JSON event padded to exactly this size).")
    var size: Int = 600

    @Option(help: "Partitions of each fresh topic.")
    var partitions: Int = 6

    @Option(help: "What to measure.")
    var workload: Workload = .both

    @Option(help: "Which side to run (one side only is for profiling; ratios need both).")
    var side: Side = .both

    @Option(help: "Swift producer: messages per send([KafkaProducerMessage]) call.")
    var batchSize: Int = 10_000

    @Option(help: "Swift producer: batches in flight at the same time.")
    var inFlight: Int = 4

    // 100,000 rather than the binding's default 10,000: at 10,000 the consumer pauses fetching a few times per
    // run, and pausing both discards librdkafka's prefetched messages and (in the binding as of this writing)
    // passes a freed partition list to rd_kafka_pause_partitions. See BENCHMARKS.md.
    @Option(help: "Swift consumer: KafkaConsumerConfiguration.bufferCapacity (the binding's default is 10,000).")
    var consumerBuffer: Int = 100_000

    @Flag(help: "Swift consumer: skip markDone (diagnostic only; the reported figures call markDone per message).")
    var skipMarkDone = false

    @Option(help: "Distinct key/value pairs cycled through while producing.")
    var payloads: Int = 1_000

    @Option(help: "Seconds without a message before a consume run gives up.")
    var idleTimeout: Int = 60

    @Option(
        help: "Log level of the benchmark and the Swift clients (trace, debug, info, notice, warning, error, critical)."
    )
    var logLevel: String = "warning"

    @Option(help: "Exit with status 3 when a median Swift/C ratio is below this percentage (no check when absent).")
    var failBelow: Double?

    mutating func validate() throws {
        if brokers == nil, let value = ProcessInfo.processInfo.environment["ASSETFORGE_KAFKA_BROKERS"], !value.isEmpty {
            brokers = value
        }
        guard brokers != nil else { throw ValidationError("give --brokers host:port or set ASSETFORGE_KAFKA_BROKERS") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard messages > 0, runs > 0, partitions > 0, batchSize > 0, inFlight > 0, consumerBuffer > 0, payloads > 0
        else {
            throw ValidationError(
                "--messages, --runs, --partitions, --batch-size, --in-flight, --consumer-buffer and --payloads "
                    + "must be positive"
            )
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "kafka-benchmark")
        let brokers = self.brokers!
        let brokerList = brokers.split(separator: ",").map(String.init)
        let pool = try PayloadPool(count: payloads, valueSize: size)
        let admin = try KafkaAdminClient(configuration: KafkaClientConfiguration(bootstrapServers: brokerList))
        try await admin.checkBrokers()
        let stamp = String(Int(Date().timeIntervalSince1970))

        let producer = SwiftProducerLoop(brokers: brokerList, batchSize: batchSize, inFlight: inFlight, logger: logger)
        let consumer = SwiftConsumerLoop(
            brokers: brokerList, bufferCapacity: consumerBuffer, idleTimeout: .seconds(idleTimeout),
            markDone: !skipMarkDone, logger: logger)

        print(
            "kafka-benchmark: \(messages) messages of \(size) B per measurement, \(partitions) partitions, "
                + "\(runs) runs, broker \(brokers)"
        )
        print(
            "swift producer: batches of \(batchSize), \(inFlight) in flight; "
                + "swift consumer: bufferCapacity \(consumerBuffer), "
                + (skipMarkDone ? "NO markDone (diagnostic)" : "markDone per message")
        )
        var producePairs: [Pair] = []
        var consumePairs: [Pair] = []
        for run in 0..<runs {
            let swiftFirst = run % 2 == 0
            let prefix = "bench-\(stamp)-r\(run + 1)"

            if workload != .consume {
                let swiftTopic = "\(prefix)-produce-swift"
                let cTopic = "\(prefix)-produce-c"
                try await admin.createTopics([
                    .init(name: swiftTopic, partitions: partitions), .init(name: cTopic, partitions: partitions),
                ])
                producePairs.append(
                    try await measurePair(run: run, workload: "produce", swiftFirst: swiftFirst) {
                        try await producer.run(topic: swiftTopic, messages: messages, payloads: pool)
                    } c: {
                        await CLoops.produce(brokers: brokers, topic: cTopic, messages: messages, payloads: pool)
                    }
                )
            }

            if workload != .produce {
                let topic = "\(prefix)-consume"
                try await admin.createTopics([.init(name: topic, partitions: partitions)])
                let fill = await CLoops.produce(brokers: brokers, topic: topic, messages: messages, payloads: pool)
                guard !fill.lostMessages else {
                    throw BenchmarkError(
                        "pre-filling \(topic) failed: \(fill.error ?? "\(fill.messages) of \(messages) acknowledged")")
                }
                consumePairs.append(
                    try await measurePair(run: run, workload: "consume", swiftFirst: swiftFirst) {
                        try await consumer.run(topic: topic, group: "\(prefix)-swift", messages: messages)
                    } c: {
                        await CLoops.consume(
                            brokers: brokers, topic: topic, group: "\(prefix)-c", messages: messages,
                            idleTimeout: .seconds(idleTimeout))
                    }
                )
            }
        }
        await admin.close()

        print("")
        var tables: [ResultsTable] = []
        if !producePairs.isEmpty {
            tables.append(ResultsTable(title: "Produce (messages/s, acknowledged)", pairs: producePairs))
        }
        if !consumePairs.isEmpty {
            tables.append(ResultsTable(title: "Consume (messages/s, after the group join)", pairs: consumePairs))
        }
        print(tables.map { $0.render() }.joined(separator: "\n\n"))

        let lost = (producePairs + consumePairs).contains(where: \.lostMessages)
        if lost {
            print("\nFAILED: a run lost messages (see LOST above).")
            throw ExitCode(2)
        }
        if let failBelow, let worst = tables.compactMap(\.ratioOfMedians).min(), worst * 100 < failBelow {
            print("\nFAILED: a median Swift/C ratio (\(percent(worst))) is below \(failBelow) %.")
            throw ExitCode(3)
        }
    }

    /// Measures the Swift side and the C side back to back, in the given order.
    private func measurePair(
        run: Int,
        workload: String,
        swiftFirst: Bool,
        swift: () async throws -> Measurement,
        c: () async -> Measurement
    ) async throws -> Pair {
        var pair = Pair(swift: nil, c: nil, swiftFirst: swiftFirst)
        for runSwift in swiftFirst ? [true, false] : [false, true] {
            if runSwift, side != .c {
                pair.swift = try await swift()
                report(workload, run, "Swift", pair.swift!)
            } else if !runSwift, side != .swift {
                pair.c = await c()
                report(workload, run, "C", pair.c!)
            }
        }
        return pair
    }

    private func report(_ workload: String, _ run: Int, _ side: String, _ measurement: Measurement) {
        var line =
            "run \(run + 1) \(workload) \(side): \(grouped(measurement.rate)) msg/s "
            + "(\(measurement.messages)/\(measurement.expected) in \(String(format: "%.3f", measurement.seconds)) s, "
            + "process CPU \(String(format: "%.2f", measurement.cpuMicrosecondsPerMessage)) µs/msg)"
        if let error = measurement.error { line += " ERROR: \(error)" }
        print(line)
    }
}
