import Foundation

/// Switches a `perf record --control fifo:PATH -D -1` on for the timed part of AssetForge's replay runs only, when
/// `PIPELINE_BENCHMARK_PERF_FIFO` names that control FIFO. Does nothing otherwise.
enum ProfilerControl {
    static func enable() { send("enable\n") }
    static func disable() { send("disable\n") }

    private static func send(_ command: String) {
        guard let path = ProcessInfo.processInfo.environment["PIPELINE_BENCHMARK_PERF_FIFO"],
            let handle = FileHandle(forWritingAtPath: path)
        else { return }
        handle.write(Data(command.utf8))
        try? handle.close()
    }
}
