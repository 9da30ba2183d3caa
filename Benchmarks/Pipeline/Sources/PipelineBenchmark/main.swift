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
    switch options.workload {
    case "replay":
        try await ReplayBenchmark(options: options, logger: benchmarkLogger).run()
    case "video":
        try await VideoBenchmark(options: options, logger: benchmarkLogger).run()
    default:
        throw BenchmarkFailure("unknown workload \(options.workload)\n\(BenchmarkOptions.usage)")
    }
} catch {
    FileHandle.standardError.write(Data("pipeline-benchmark: \(error)\n".utf8))
    exit(1)
}
