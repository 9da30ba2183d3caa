import Foundation
import KafkaTestSupport

/// An `assetforge run` child process, with its standard error captured (for "partitions assigned").
final class AssetForgeProcess: Sendable {
    private let process: Process
    private let log: Locked<String>

    /// The `assetforge` binary built beside the tests (`ASSETFORGE_TEST_BINARY` overrides).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["ASSETFORGE_TEST_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/assetforge")
    }

    /// Starts `assetforge run` with `environment` (and nothing else from this process's environment but PATH).
    init(environment: [String: String]) throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["run"]
        var environment = environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        process.environment = environment
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        let log = Locked("")
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            let text = String(decoding: data, as: UTF8.self)
            log.withLock { $0 += text }
        }
        try process.run()
        self.process = process
        self.log = log
    }

    /// What it logged so far.
    var output: String { log.value }

    /// Whether it is still running.
    var isRunning: Bool { process.isRunning }

    /// Its process id (part of its lease owner name in the ledger).
    var processIdentifier: Int32 { process.processIdentifier }

    /// Waits until its consumer holds partitions (it has joined its group).
    func waitUntilAssigned(within bound: Duration = .seconds(90)) async throws {
        try await waitUntil("assetforge to join its group", within: bound) {
            guard self.process.isRunning else { throw Exited(output: self.output) }
            return self.output.contains("partitions assigned")
        }
    }

    /// `kill -9`.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for the exit; returns the status.
    func terminate(within bound: Duration = .seconds(60)) async throws -> Int32 {
        process.terminate()
        try await waitUntil("assetforge to exit after SIGTERM", within: bound) { !self.process.isRunning }
        return process.terminationStatus
    }

    struct Exited: Error, CustomStringConvertible {
        var output: String
        var description: String { "assetforge exited early:\n\(output.suffix(3000))" }
    }
}
