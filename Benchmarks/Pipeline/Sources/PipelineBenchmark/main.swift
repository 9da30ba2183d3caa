import CRelayLoop
import Foundation
import Logging

// Progress lines as they happen, also when stdout is a file.
crl_line_buffered_stdout()
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .warning
    return handler
}
let benchmarkLogger = Logger(label: "pipeline-benchmark")

do {
    let options = try BenchmarkOptions(arguments: CommandLine.arguments)
    let known = ["replay", "ledger", "instances", "video", "service-video", "simulator"]
    if let unknown = options.workloads.first(where: { !known.contains($0) }) {
        throw BenchmarkFailure("unknown workload \(unknown)\n\(BenchmarkOptions.usage)")
    }
    // Before any workload runs: a missing or wrong URL should not surface after a long first one.
    for workload in options.workloads where workload == "ledger" || workload == "instances" {
        _ = try options.postgresLedger(for: workload)
    }
    for workload in options.workloads {
        if options.workloads.count > 1 { print("## workload \(workload)") }
        switch workload {
        case "replay":
            try await ReplayBenchmark(options: options, logger: benchmarkLogger).run()
        case "ledger":
            try await LedgerBenchmark(options: options, logger: benchmarkLogger).run()
        case "instances":
            try await InstancesBenchmark(options: options, logger: benchmarkLogger).run()
        case "video":
            try await VideoBenchmark(options: options, logger: benchmarkLogger).run()
        case "service-video":
            try await ServiceVideoBenchmark(options: options, logger: benchmarkLogger).run()
        case "simulator":
            try await SimulatorProcess.serve(taskSeconds: options.taskSeconds, logger: benchmarkLogger)
        default:
            throw BenchmarkFailure("unknown workload \(workload)")
        }
    }
} catch {
    FileHandle.standardError.write(Data("pipeline-benchmark: \(error)\n".utf8))
    exit(1)
}
