import Foundation

/// Command-line options (no argument parser, to keep the package's dependencies to AssetForge's own).
struct BenchmarkOptions {
    var iterations = 200_000
    var rounds = 5
    var messages = 100_000
    var consumeRounds = 3
    var minimumEventsPerSecond: Int?
    var brokers: [String]?
    var examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appending(path: "schemas/examples")

    static let usage = """
        Usage: event-benchmark [--iterations N] [--rounds N] [--messages N] [--consume-rounds N]
                               [--brokers HOST:PORT[,...]] [--examples DIR] [--require N]

        Decodes and validates typical events in a loop on one core (--rounds rounds of --iterations
        events each; the median round is reported). With a broker (--brokers, or
        ASSETFORGE_BENCH_KAFKA_BROKERS / ASSETFORGE_TEST_KAFKA_BROKERS), also produces --messages typical
        events to a fresh topic and consumes them --consume-rounds times with the raw loop (next +
        markDone) and with decoding (next + decode + markDone), alternating, each in a new group.
        --require N exits with status 1 when the typical event (product.listed, structured) decodes at
        fewer than N events/s of CPU time (the contract's gate is 50000).
        """

    init(arguments: [String], environment: [String: String]) throws {
        let fromEnvironment =
            environment["ASSETFORGE_BENCH_KAFKA_BROKERS"] ?? environment["ASSETFORGE_TEST_KAFKA_BROKERS"]
        brokers = fromEnvironment.flatMap { $0.isEmpty ? nil : $0.split(separator: ",").map(String.init) }
        var remaining = arguments[...]
        func value(_ name: String) throws -> String {
            guard let value = remaining.popFirst() else { throw UsageError(message: "\(name) needs a value") }
            return value
        }
        func number(_ name: String) throws -> Int {
            guard let number = Int(try value(name)), number > 0 else {
                throw UsageError(message: "\(name) needs a positive number")
            }
            return number
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--iterations": iterations = try number(argument)
            case "--rounds": rounds = try number(argument)
            case "--messages": messages = try number(argument)
            case "--consume-rounds": consumeRounds = try number(argument)
            case "--brokers": brokers = try value(argument).split(separator: ",").map(String.init)
            case "--examples": examples = URL(fileURLWithPath: try value(argument))
            case "--require": minimumEventsPerSecond = try number(argument)
            case "--help", "-h": throw UsageError(message: nil)
            default: throw UsageError(message: "unknown argument \(argument)")
            }
        }
    }
}

struct UsageError: Error {
    let message: String?
}
