import AssetForgeConfiguration
import Foundation

/// Command-line options (`--name value`).
struct BenchmarkOptions {
    var brokers = ProcessInfo.processInfo.environment["ASSETFORGE_KAFKA_BROKERS"] ?? ""
    var events = 100_000
    var runs = 3
    var partitions = 6
    var ledger = ""
    var examples = "schemas/examples"
    var workloads = ["replay"]
    var commands = 10_000
    var taskSeconds = 60
    var pollMilliseconds = 0
    var simulatorInProcess = false
    var ledgerURL = ""
    var callers = [1, 16]
    var instances = [1, 3]
    /// The `assetforge` executable the service-video workload runs; default: the one beside this executable.
    var assetforgeBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appending(path: "assetforge").path

    static let usage = """
        pipeline-benchmark --brokers HOST:PORT [--events 100000] [--runs 3] [--partitions 6] [--ledger PATH]
                           [--examples schemas/examples]
        pipeline-benchmark --workload ledger --ledger-url postgres://USER@HOST:PORT/DATABASE [--events 100000]
                           [--runs 3] [--callers 1,16] [--ledger PATH]
        pipeline-benchmark --workload instances --ledger-url postgres://… --brokers HOST:PORT [--events 100000]
                           [--runs 3] [--instances 1,3] [--partitions 6] [--ledger PATH]
        pipeline-benchmark --workload video [--commands 10000] [--task-seconds 60] [--poll-ms N]
                           [--simulator process|in-process]
        pipeline-benchmark --workload service-video --brokers HOST:PORT [--commands 10000] [--task-seconds 60]
                           [--partitions 6] [--assetforge PATH]
          replay:    AssetForge's replay of already-published product.listed events against a C relay loop.
          ledger:    the replay path's ledger operations, SQLite against PostgreSQL: entry(key) of published commands
                     and plan(one event's commands) of planned ones, with each number of concurrent --callers.
          instances: the replay on the PostgreSQL ledger with each number of --instances (in this process, one
                     consumer group), beside one instance on the SQLite ledger.
          video:     commands in flight against the provider simulator: peak RSS, CPU per poll and per task. The
                     simulator runs in a child process (this executable with --workload simulator) unless
                     --simulator in-process is given. Polling at Kling's configured cadence unless --poll-ms N
                     polls every N ms.
          service-video: the same through the whole service: an `assetforge run` child process (default: the
                     assetforge beside this executable, built by `swift build -c release --package-path
                     Benchmarks/Pipeline --product assetforge`) consumes --commands sku.promoted events and takes
                     each 5 s video through the simulator (a child), its SQLite ledger and file store to asset.ready:
                     the service's peak RSS, CPU per poll and per published video.
          --workload takes a comma-separated list (e.g. ledger,instances): they run in turn, sharing the seeded ledgers.
          --ledger:     where the seeded SQLite ledger is kept (reused when it already holds the events);
                        default .build/pipeline-benchmark/ledger-EVENTS.db under the working directory.
          --ledger-url: the PostgreSQL database to seed (an empty one, or one seeded with the same --events) for
                        the ledger and instances workloads.
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
            case "--workload": workloads = value.split(separator: ",").map(String.init)
            case "--commands": commands = try Self.number(name, value)
            case "--task-seconds": taskSeconds = try Self.number(name, value)
            case "--poll-ms": pollMilliseconds = try Self.number(name, value)
            case "--ledger-url": ledgerURL = value
            case "--assetforge": assetforgeBinary = value
            case "--simulator":
                guard value == "process" || value == "in-process" else {
                    throw BenchmarkFailure("--simulator is process or in-process, not \(value)")
                }
                simulatorInProcess = value == "in-process"
            case "--callers": callers = try Self.numbers(name, value)
            case "--instances": instances = try Self.numbers(name, value)
            default: throw BenchmarkFailure("unknown option \(name)\n\(Self.usage)")
            }
        }
        if ledger.isEmpty { ledger = ".build/pipeline-benchmark/ledger-\(events).db" }
    }

    /// The PostgreSQL ledger of `--ledger-url`, which `workload` needs.
    func postgresLedger(for workload: String) throws -> LedgerLocation {
        guard !ledgerURL.isEmpty else {
            throw BenchmarkFailure(
                "--workload \(workload) needs a PostgreSQL ledger: --ledger-url postgres://USER@HOST:PORT/DATABASE "
                    + "(an empty database; Benchmarks/run-pipeline-benchmark.sh starts a throw-away server when "
                    + "neither --ledger-url nor ASSETFORGE_TEST_POSTGRES_URL is given)")
        }
        let location: LedgerLocation
        do throws(InvalidValue) {
            location = try LedgerLocation(parsing: ledgerURL)
        } catch {
            throw BenchmarkFailure("--ledger-url \(error.message)")
        }
        guard case .postgres = location else {
            throw BenchmarkFailure("--ledger-url must name a PostgreSQL database (postgres://…), not \(location)")
        }
        return location
    }

    private static func numbers(_ name: String, _ value: String) throws -> [Int] {
        try value.split(separator: ",").map { try number(name, String($0)) }
    }

    private static func number(_ name: String, _ value: String) throws -> Int {
        guard let number = Int(value.replacingOccurrences(of: "_", with: "")), number > 0 else {
            throw BenchmarkFailure("\(name) takes a positive number, not \(value)")
        }
        return number
    }
}
