import AsyncHTTPClient
import Foundation
import Logging
import ProviderSimulator

/// The provider simulator in a child process (this executable with `--workload simulator`), so that the memory and
/// CPU measured in the benchmark's own process are AssetForge's alone.
final class SimulatorProcess {
    let baseURL: URL
    private let process: Process
    /// The child's standard input, held open while this process lives: the child ends when it reads end-of-file,
    /// so it does not outlive a benchmark that was killed.
    private let lifeline: Pipe

    private init(baseURL: URL, process: Process, lifeline: Pipe) {
        self.baseURL = baseURL
        self.process = process
        self.lifeline = lifeline
    }

    /// Starts the child and waits for the address it prints.
    static func start(taskSeconds: Int) throws -> SimulatorProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--workload", "simulator", "--task-seconds", "\(taskSeconds)"]
        let output = Pipe()
        process.standardOutput = output
        let lifeline = Pipe()
        process.standardInput = lifeline
        try process.run()
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else {
                throw BenchmarkFailure("the simulator process ended before printing its address")
            }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix(Self.addressPrefix), let url = URL(string: String(text.dropFirst(Self.addressPrefix.count)))
        else {
            process.terminate()
            throw BenchmarkFailure("the simulator process printed \(text) instead of its address")
        }
        return SimulatorProcess(baseURL: url, process: process, lifeline: lifeline)
    }

    /// The counters, from `GET /_sim/stats`.
    func stats(http: HTTPClient) async throws -> SimulatorStats {
        let response = try await http.execute(
            HTTPClientRequest(url: baseURL.appending(path: "_sim/stats").absoluteString), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 256 << 20)
        return try JSONDecoder().decode(SimulatorStats.self, from: Data(buffer: body))
    }

    /// The child's peak resident set size, bytes; 0 when unknown.
    var peakResidentBytes: Int { ProcessCPU.peakResidentBytes(pid: process.processIdentifier) }

    /// Stops the child.
    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    /// The credentials the child's simulator accepts (its configuration's defaults).
    static var credentials: SimulatorCredentials { SimulatorConfiguration().credentials }

    /// The line the child prints once it listens.
    static let addressPrefix = "simulator-url "

    /// The child's side: serves the simulator until killed or until its standard input ends (the parent died).
    static func serve(taskSeconds: Int, logger: Logger) async throws -> Never {
        Thread.detachNewThread {
            while !FileHandle.standardInput.availableData.isEmpty {}
            exit(0)
        }
        var configuration = SimulatorConfiguration()
        configuration.taskSeconds["kling"] = Double(taskSeconds)
        configuration.queuedFraction = 0
        let simulator = try await ProviderSimulator.start(configuration: configuration, logger: logger)
        print("\(addressPrefix)\(simulator.baseURL.absoluteString)")
        while true {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}
