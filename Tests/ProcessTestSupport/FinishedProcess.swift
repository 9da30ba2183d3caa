import Foundation

/// A child process run to its end, with everything it wrote.
///
/// The process is started, read and waited for on a thread of its own: blocking reads and `waitUntilExit` on
/// Swift's cooperative pool (two threads on a two-core machine) would stall every other test of the process,
/// timers and lease renewals included.
public struct FinishedProcess: Sendable {
    /// Its exit status.
    public var status: Int32
    /// What it wrote to standard output.
    public var output: Data
    /// What it wrote to standard error.
    public var errors: Data

    /// Standard output and standard error as text, for failure messages.
    public var transcript: String { String(decoding: output + errors, as: UTF8.self) }

    /// Runs `executable` with `arguments` until it exits.
    public static func run(_ executable: String, _ arguments: [String]) async throws -> FinishedProcess {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try runBlocking(executable, arguments))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "FinishedProcess"
            thread.start()
        }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String]) throws -> FinishedProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Standard error is drained beside standard output, so that neither pipe can fill up and stall the child.
        let errorBytes = ErrorBytes()
        let drained = Thread { errorBytes.data = errors.fileHandleForReading.readDataToEndOfFile() }
        drained.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorBytes.finished.wait()
        return FinishedProcess(status: process.terminationStatus, output: outputData, errors: errorBytes.data)
    }
}

/// Standard error collected by the draining thread; `finished` is signalled once it is complete.
private final class ErrorBytes: @unchecked Sendable {
    var data = Data() {
        didSet { finished.signal() }
    }
    let finished = DispatchSemaphore(value: 0)
}
