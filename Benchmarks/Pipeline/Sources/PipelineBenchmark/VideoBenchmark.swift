import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ProviderSimulator
import Providers

/// Many video commands in flight at once against the provider simulator (in a child process by default), through
/// ``ProviderFleet`` directly (no ledger, no scheduler): peak resident memory, and CPU per poll and per completed
/// task.
struct VideoBenchmark {
    let options: BenchmarkOptions
    let logger: Logger

    /// The simulator, in this process or in a child.
    private enum Simulator {
        case inProcess(ProviderSimulator)
        case child(SimulatorProcess)

        var baseURL: URL {
            switch self {
            case .inProcess(let simulator): simulator.baseURL
            case .child(let child): child.baseURL
            }
        }

        func stats(http: HTTPClient) async throws -> ServiceStats? {
            switch self {
            case .inProcess(let simulator): simulator.stats().services["kling"]
            case .child(let child): try await child.stats(http: http).services["kling"]
            }
        }

        func stop() async {
            switch self {
            case .inProcess(let simulator): await simulator.shutdown()
            case .child(let child): child.stop()
            }
        }
    }

    func run() async throws {
        var simulatorConfiguration = SimulatorConfiguration()
        simulatorConfiguration.taskSeconds["kling"] = Double(options.taskSeconds)
        simulatorConfiguration.queuedFraction = 0
        let simulator: Simulator
        if options.simulatorInProcess {
            simulator = .inProcess(try await ProviderSimulator.start(configuration: simulatorConfiguration, logger: logger))
        } else {
            simulator = .child(try SimulatorProcess.start(taskSeconds: options.taskSeconds))
        }
        // The simulator's process must not outlive a failed measurement.
        do {
            try await measure(against: simulator, credentials: simulatorConfiguration.credentials)
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
    }

    private func measure(against simulator: Simulator, credentials: SimulatorCredentials) async throws {
        let http = HTTPClient.makeForProviders(connectionsPerHost: 64)
        var providers = AssetForgeConfiguration.Providers()
        providers[account: .kling].baseURL = simulator.baseURL
        providers[account: .kling].accessKey = Secret(credentials.klingAccessKey)
        providers[account: .kling].secretKey = Secret(credentials.klingSecretKey)
        // Kling's own cadence (the configuration's defaults: first poll near the typical duration, then every few
        // seconds), unless --poll-ms asks for a fixed interval.
        let polling: PollingSchedule
        if options.pollMilliseconds > 0 {
            let poll = Duration.milliseconds(options.pollMilliseconds)
            polling = PollingSchedule(firstPoll: poll, interval: poll, maxInterval: poll)
        } else {
            polling = ProviderWorkerConfiguration.defaults(for: .kling).videoPolling
        }
        var kling = ProviderWorkerConfiguration(
            maxInFlight: options.commands, submitsPerSecond: 1_000_000, submitBurst: 1_000_000,
            imagePolling: polling, videoPolling: polling)
        kling.breaker.failureThreshold = 1_000_000
        var fleetOptions = ProviderFleetOptions()
        fleetOptions.workers[.kling] = kling
        fleetOptions.routes[.video] = [.kling]
        let fleet = ProviderFleet.live(providers: providers, httpClient: http, options: fleetOptions, logger: logger)
        let image = try await sampleImage(simulator.baseURL, http: http)
        print(
            "video: \(options.commands) kling commands, tasks \(options.taskSeconds) s, polling \(polling), "
                + "input image \(image.count) bytes; RSS before: \(ProcessCPU.peakResidentBytes() >> 20) MiB")

        let startCPU = ProcessCPU.seconds()
        let start = ContinuousClock.now
        let statsBefore = try await simulator.stats(http: http)
        let failures = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<options.commands {
                group.addTask {
                    let command = GenerationCommand.video(
                        VideoCommand(image: .bytes(image), prompt: "slow orbit around product \(index)"))
                    do {
                        _ = try await fleet.generate(command, assetID: "video-bench-\(index)")
                        return true
                    } catch {
                        return false
                    }
                }
            }
            var failures = 0
            for await succeeded in group where !succeeded { failures += 1 }
            return failures
        }
        let elapsed = (ContinuousClock.now - start).seconds
        let cpu = ProcessCPU.seconds() - startCPU
        let stats = try await simulator.stats(http: http)
        let queries = (stats?.queries ?? 0) - (statsBefore?.queries ?? 0)
        let created = (stats?.tasksCreated ?? 0) - (statsBefore?.tasksCreated ?? 0)
        let completed = options.commands - failures
        let peak = ProcessCPU.peakResidentBytes()
        print(
            String(
                format: "elapsed %.1f s; completed %d, failed %d; simulator: %d tasks created, %d polls, "
                    + "most in flight %d", elapsed, completed, failures, created, queries,
                stats?.maxTasksInFlight ?? 0))
        let measured: String
        switch simulator {
        case .inProcess: measured = "process total: fleet, HTTP client and the in-process simulator"
        case .child(let child):
            measured = String(
                format: "this process: fleet and HTTP client; the simulator's process peaked at %.1f MiB",
                Double(child.peakResidentBytes) / 1_048_576)
        }
        print(
            String(
                format: "peak RSS (VmHWM) %.1f MiB; CPU %.1f s = %.0f µs per poll, %.0f µs per completed task",
                Double(peak) / 1_048_576, cpu, cpu * 1e6 / Double(max(queries, 1)),
                cpu * 1e6 / Double(max(completed, 1))) + " (\(measured))")
        fleet.finishEvents()
        try await http.shutdown()
    }

    /// One of the simulator's sample product photos (a PNG), as every command's input image.
    private func sampleImage(_ base: URL, http: HTTPClient) async throws -> [UInt8] {
        let response = try await http.execute(
            HTTPClientRequest(url: base.appending(path: "samples/mug.png").absoluteString), timeout: .seconds(10))
        return Array(buffer: try await response.body.collect(upTo: 32 << 20))
    }
}
