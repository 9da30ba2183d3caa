import AssetForgeConfiguration
import Foundation
import Ledger
import Logging
import Pipeline

/// The replay path's ledger operations, SQLite against PostgreSQL in the same run, on ledgers holding the
/// benchmark's events as published: `entry(key)` of every published command, and `plan` of every event's commands
/// (all already planned, so nothing is created: what ``EventPlanner`` does for a replayed event). Each with every
/// number of concurrent callers; per case the two backends are timed back to back, in alternating order.
struct LedgerBenchmark {
    let options: BenchmarkOptions
    let logger: Logger

    private enum Operation: String, CaseIterable {
        case entry
        case plan
    }

    private static let backends = ["SQLite", "PostgreSQL"]

    func run() async throws {
        let postgres = try options.postgresLedger(for: "ledger")
        let products = try ProductEvents(count: options.events, examples: URL(fileURLWithPath: options.examples))
        let events = try products.decoded()
        let seeded = SeededLedger(events: events, logger: logger)
        // PostgreSQL first: a wrong URL fails before the SQLite seeding.
        _ = try await seeded.postgres(postgres)
        _ = try await seeded.sqlite(path: options.ledger)

        let sqliteLedger = try await SeededLedger.open(.sqlite(path: options.ledger), logger: logger)
        let postgresLedger = try await SeededLedger.open(postgres, logger: logger)
        // The commands the planner makes for each event (untimed); the same keys on both backends.
        var planned: [[LedgerCommand]] = []
        for event in events {
            planned.append(try await Planner().commands(for: event, ledger: sqliteLedger, now: Date()))
        }
        let commands = planned
        let keys = commands.flatMap { $0.map(\.key) }
        print(
            "ledger: \(keys.count) published commands of \(events.count) events in \(options.ledger) and \(postgres); "
                + "callers \(options.callers.map(String.init).joined(separator: ", "))")

        var samples: [String: [ComparisonTable.Sample]] = [:]
        for run in 1...options.runs {
            let order = run % 2 == 1 ? Self.backends : Self.backends.reversed()
            for operation in Operation.allCases {
                for callers in options.callers {
                    for backend in order {
                        let ledger = backend == "SQLite" ? sqliteLedger : postgresLedger
                        let sample: ComparisonTable.Sample
                        switch operation {
                        case .entry:
                            sample = try await Self.time(count: keys.count, callers: callers) { index in
                                guard let entry = try await ledger.entry(keys[index]), entry.state == .published,
                                    entry.envelope != nil
                                else { throw BenchmarkFailure("\(backend): \(keys[index]) is not published") }
                            }
                        case .plan:
                            sample = try await Self.time(count: commands.count, callers: callers) { index in
                                let outcomes = try await ledger.plan(commands[index], now: Date())
                                guard outcomes.count == commands[index].count,
                                    outcomes.allSatisfy({ !$0.created && $0.entry.state == .published })
                                else { throw BenchmarkFailure("\(backend): a replayed plan created or lost entries") }
                            }
                        }
                        let side = Self.side(operation, callers, backend)
                        samples[side, default: []].append(sample)
                        print(
                            "run \(run) \(side): \(Int(sample.rate)) ops/s, "
                                + String(
                                    format: "%.1f µs CPU/op, machine %.0f %% busy", sample.cpuMicroseconds,
                                    100 * sample.machineBusy))
                    }
                }
            }
        }
        await sqliteLedger.close()
        await postgresLedger.close()

        var sides: [ComparisonTable.Side] = []
        var ratios: [ComparisonTable.Ratio] = []
        for operation in Operation.allCases {
            for callers in options.callers {
                for backend in Self.backends {
                    let name = Self.side(operation, callers, backend)
                    sides.append(ComparisonTable.Side(name: name, runs: samples[name] ?? []))
                }
                ratios.append(
                    ComparisonTable.Ratio(
                        name: "\(operation.rawValue), \(Self.callers(callers)): PostgreSQL / SQLite",
                        numerator: Self.side(operation, callers, "PostgreSQL"),
                        denominator: Self.side(operation, callers, "SQLite")))
            }
        }
        ComparisonTable(item: "op", sides: sides, ratios: ratios).print()
    }

    private static func side(_ operation: Operation, _ callers: Int, _ backend: String) -> String {
        "\(operation.rawValue), \(Self.callers(callers)), \(backend)"
    }

    private static func callers(_ count: Int) -> String {
        count == 1 ? "1 caller" : "\(count) callers"
    }

    /// Calls `operation` for every index below `count` from `callers` concurrent tasks (task `c` takes `c`,
    /// `c + callers`, …), and times the whole.
    private static func time(
        count: Int, callers: Int, _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> ComparisonTable.Sample {
        let startMachine = MachineCPU.now()
        let startCPU = ProcessCPU.seconds()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    for index in stride(from: caller, to: count, by: callers) { try await operation(index) }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (ContinuousClock.now - start).seconds
        let cpuSeconds = ProcessCPU.seconds() - startCPU
        return ComparisonTable.Sample(
            rate: Double(count) / seconds, cpuMicroseconds: cpuSeconds * 1e6 / Double(count),
            machineBusy: MachineCPU.now().busyFraction(since: startMachine))
    }
}
