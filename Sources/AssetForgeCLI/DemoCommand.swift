import ArgumentParser
import AssetForgeConfiguration
import Events
import Foundation
import Kafka
import Logging
import Pipeline
import ProviderSimulator
import Providers
import ServiceLifecycle
import UnixSignals

/// `assetforge demo`: the quick start's main job. Runs AssetForge on the embedded defaults (SQLite ledger, file
/// store served over HTTP) against the provider simulator, publishes the sample events of `schemas/examples/`,
/// waits for their assets, prints a report, and serves the asset URLs until Ctrl-C.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole flow on sample events and serve the generated assets until Ctrl-C.",
        discussion: """
            With vendor credentials in the environment (DASHSCOPE_API_KEY, KLING_ACCESS_KEY…), those vendors are \
            called for real (it costs money); vendors without credentials are served by the provider simulator. \
            Settings otherwise come from the configuration file and ASSETFORGE_* variables as for `run`, except the \
            consumer group (assetforge.demo) and the offset reset (earliest), so the samples are read.
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "Kafka brokers, host:port[,host:port…]; overrides the configuration (ASSETFORGE_KAFKA_BROKERS).")
    var brokers: String?

    @Option(help: "The directory of sample events (product.listed/valid, sku.promoted/valid).")
    var examples: String = "schemas/examples"

    @Option(help: "The port of the provider simulator, which also serves the sample product photos.")
    var simulatorPort: Int = 8090

    @Option(help: "Seconds to wait for all assets before reporting what is there.")
    var timeout: Int = 600

    @Flag(help: "Exit after the report instead of serving the assets until Ctrl-C.")
    var exitAfterReport = false

    func validate() throws {
        guard (0...65535).contains(simulatorPort) else { throw ValidationError("--simulator-port must be 0 to 65535") }
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1") }
    }

    func run() async throws {
        var configuration = try await options.load()
        if let brokers {
            configuration.kafka.brokers = try brokers.split(separator: ",").map { try KafkaBroker(parsing: String($0)) }
        }
        configuration.kafka.group = "assetforge.demo"
        configuration.kafka.offsetReset = .earliest
        let level = Logger.Level(rawValue: configuration.logging.level.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = max(level, .notice)
            return handler
        }
        let logger = Logger(label: "assetforge.demo")
        let samples = try SampleEvents.load(directory: examples)

        let simulator = try await Self.startSimulator(port: simulatorPort)
        let real = configuration.providers.enabledVendors
        var fleet = ProviderFleetOptions()
        for vendor in ProviderVendor.allCases where !real.contains(vendor) {
            Self.useSimulator(simulator, for: vendor, in: &configuration)
        }
        for provider in GenerationProvider.allCases where !real.contains(provider.vendor) {
            fleet.workers[provider] = Self.simulatorWorker(provider, settings: configuration.providers.settings(for: provider))
        }
        if real.isEmpty {
            say("no vendor credentials in the environment: using the provider simulator at \(simulator.baseURL)")
        } else {
            say("using the REAL providers of \(real.map(\.rawValue).joined(separator: ", ")) (this costs money);"
                + " the simulator serves the others and the sample photos at \(simulator.baseURL)")
        }

        var serviceOptions = AssetForgeService.Options()
        serviceOptions.fleet = fleet
        let service = AssetForgeService(configuration: configuration, options: serviceOptions, logger: logger)
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let events = samples.rewritingSampleHost(to: simulator.baseURL)
        let timeout = Duration.seconds(self.timeout)
        let exitAfterReport = self.exitAfterReport
        let topics = configuration.topics
        let client = configuration.kafkaClient

        let outcome: Result<Void, any Error> = await withTaskGroup(of: Result<Void, any Error>?.self) { group in
            group.addTask {
                do {
                    try await service.run()
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                do {
                    try await DemoDriver(client: client, topics: topics, events: events, timeout: timeout).run()
                    if exitAfterReport { return .success(()) }
                    say("serving the assets until Ctrl-C")
                    try await Task.sleep(for: .seconds(365 * 24 * 3600))
                    return nil
                } catch is CancellationError {
                    return nil
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                for await signal in signals {
                    say("\(signal): stopping")
                    return .success(())
                }
                return nil
            }
            var first: Result<Void, any Error>?
            while let next = await group.next() {
                if let next {
                    first = next
                    break
                }
            }
            group.cancelAll()
            while await group.next() != nil {}
            return first ?? .success(())
        }
        await simulator.shutdown()
        try outcome.get()
        say("stopped; nothing left running")
    }

    private static func startSimulator(port: Int) async throws -> ProviderSimulator {
        do {
            return try await ProviderSimulator.start(port: port)
        } catch {
            guard port != 0 else { throw error }
            say("port \(port) is taken; the simulator takes a free port instead")
            return try await ProviderSimulator.start(port: 0)
        }
    }

    private static func useSimulator(
        _ simulator: ProviderSimulator, for vendor: ProviderVendor, in configuration: inout AssetForgeConfiguration
    ) {
        let credentials = simulator.configuration.credentials
        var account = configuration.providers[account: vendor]
        account.baseURL = simulator.baseURL
        switch vendor {
        case .dashscope: account.apiKey = Secret(credentials.dashscopeAPIKey)
        case .kling: (account.accessKey, account.secretKey) = (Secret(credentials.klingAccessKey), Secret(credentials.klingSecretKey))
        case .minimax: account.apiKey = Secret(credentials.minimaxAPIKey)
        case .volcengine:
            (account.accessKey, account.secretKey) = (
                Secret(credentials.volcengineAccessKey), Secret(credentials.volcengineSecretKey)
            )
        }
        configuration.providers[account: vendor] = account
    }

    /// The simulator's tasks take seconds, not minutes: poll them accordingly.
    private static func simulatorWorker(_ provider: GenerationProvider, settings: ProviderSettings)
        -> ProviderWorkerConfiguration
    {
        var worker = ProviderWorkerConfiguration.defaults(for: provider, settings: settings)
        worker.imagePolling = PollingSchedule(firstPoll: .seconds(1), interval: .seconds(1), maxInterval: .seconds(2))
        worker.videoPolling = PollingSchedule(firstPoll: .seconds(2), interval: .seconds(2), maxInterval: .seconds(4))
        worker.submitsPerSecond = max(worker.submitsPerSecond, 10)
        return worker
    }
}

/// Prints a line of the demo's own output (stdout, flushed).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data("[demo] \(line)\n".utf8))
}
