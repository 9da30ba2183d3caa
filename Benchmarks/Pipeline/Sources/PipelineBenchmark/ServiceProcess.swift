import Foundation
import Synchronization

/// An `assetforge run` child process with its standard error kept (for failure reports). The benchmark stops it on
/// every path it controls; a benchmark killed with SIGKILL leaves it running (`pkill -f 'assetforge run'`).
final class ServiceProcess: Sendable {
    private let process: Process
    private let log: Mutex<String>

    private init(process: Process) {
        self.process = process
        self.log = Mutex("")
    }

    /// Starts `binary run` with `environment` and nothing else from this process's environment but PATH.
    static func start(binary: String, environment: [String: String]) throws -> ServiceProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run"]
        var environment = environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        // The allocator's own settings, when the benchmark is given them (jemalloc reads MALLOC_CONF).
        if let allocator = ProcessInfo.processInfo.environment["MALLOC_CONF"] { environment["MALLOC_CONF"] = allocator }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardError = pipe
        let started = ServiceProcess(process: process)
        pipe.fileHandleForReading.readabilityHandler = { [started] handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            let text = String(decoding: data, as: UTF8.self)
            started.log.withLock { log in
                log += text
                // Keep the tail only: a long run at warning level can still log a lot.
                if log.utf8.count > 1 << 20 { log = String(log.suffix(64 << 10)) }
            }
        }
        try process.run()
        return started
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    /// What it logged to standard error so far (the last part of it).
    var output: String { log.withLock { $0 } }

    /// SIGTERM, then SIGKILL if it has not exited within 60 s; returns its exit status.
    func terminate() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
