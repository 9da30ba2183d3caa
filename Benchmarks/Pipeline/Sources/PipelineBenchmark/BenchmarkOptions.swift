import Foundation

/// Command-line options (`--name value`).
struct BenchmarkOptions {
    var brokers = ProcessInfo.processInfo.environment["ASSETFORGE_KAFKA_BROKERS"] ?? ""
    var events = 100_000
    var runs = 3
    var partitions = 6
    var ledger = ""
    var examples = "schemas/examples"
    var workload = "replay"
    var commands = 10_000
    var taskSeconds = 60
    var pollMilliseconds = 0

    static let usage = """
        pipeline-benchmark --brokers HOST:PORT [--events 100000] [--runs 3] [--partitions 6] [--ledger PATH]
                           [--examples schemas/examples]
        pipeline-benchmark --workload video [--commands 10000] [--task-seconds 60]
          replay: AssetForge's replay of already-published product.listed events against a C relay loop.
          --ledger: where the seeded ledger is kept (reused when it already holds the events);
                    default .build/pipeline-benchmark/ledger-EVENTS.db under the working directory.
          video:  commands in flight against the provider simulator: peak RSS, CPU per poll and per task.
        """

    init(arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let name = iterator.next() {
            if name == "--help" || name == "-h" {
                print(Self.usage)
                exit(0)
            }
            guard let value = iterator.next() else { throw BenchmarkFailure("\(name) needs a value\n\(Self.usage)") }
            switch name {
            case "--brokers": brokers = value
            case "--events": events = try Self.number(name, value)
            case "--runs": runs = try Self.number(name, value)
            case "--partitions": partitions = try Self.number(name, value)
            case "--ledger": ledger = value
            case "--examples": examples = value
            case "--workload": workload = value
            case "--commands": commands = try Self.number(name, value)
            case "--task-seconds": taskSeconds = try Self.number(name, value)
            case "--poll-ms": pollMilliseconds = try Self.number(name, value)
            default: throw BenchmarkFailure("unknown option \(name)\n\(Self.usage)")
            }
        }
        if ledger.isEmpty { ledger = ".build/pipeline-benchmark/ledger-\(events).db" }
    }

    private static func number(_ name: String, _ value: String) throws -> Int {
        guard let number = Int(value.replacingOccurrences(of: "_", with: "")), number > 0 else {
            throw BenchmarkFailure("\(name) takes a positive number, not \(value)")
        }
        return number
    }
}
