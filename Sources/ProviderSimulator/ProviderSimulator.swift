import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A loopback HTTP server that speaks the DashScope (Wanx, Qwen), Kling, MiniMax (Hailuo) and Volcengine (Jimeng)
/// APIs the way the vendors do, with injected faults, for tests, benchmarks and the quick start.
///
/// Vendor paths are served at the root of one server, so every vendor base URL of AssetForge points at it.
/// Besides the vendor APIs it serves:
/// - `GET /_sim/files/NAME?Expires=…&Signature=…`: result files (PNG, MP4) behind expiring signed URLs;
/// - `GET /samples/NAME.png[?w=W&h=H]`: sample product photos (a coloured shape on white);
/// - `GET /_sim/stats`: ``SimulatorStats`` as JSON;
/// - `POST /_sim/config`: a partial ``SimulatorConfiguration`` (JSON) applied at once;
/// - `POST /_sim/reset`: forget tasks and counters.
///
/// ```swift
/// let simulator = try await ProviderSimulator.start()
/// // … point clients at simulator.baseURL …
/// await simulator.shutdown()
/// ```
public final class ProviderSimulator: Sendable {
    /// The port the server listens on.
    public let port: Int
    /// The host it listens on.
    public let host: String
    private let core: SimulatorCore
    private let serviceGroup: ServiceGroup
    private let serverTask: Task<Void, any Error>

    /// `http://HOST:PORT`, the base URL for every vendor.
    public var baseURL: URL { URL(string: "http://\(host):\(port)")! }

    private init(port: Int, host: String, core: SimulatorCore, serviceGroup: ServiceGroup, serverTask: Task<Void, any Error>) {
        self.port = port
        self.host = host
        self.core = core
        self.serviceGroup = serviceGroup
        self.serverTask = serverTask
    }

    /// Starts a simulator in this process and returns once it accepts connections.
    ///
    /// - Parameters:
    ///   - port: the port; 0 (the default) picks a free one.
    ///   - logger: where the simulator logs (abandoned submits, configuration changes).
    public static func start(
        configuration: SimulatorConfiguration = SimulatorConfiguration(), host: String = "127.0.0.1", port: Int = 0,
        logger: Logger = ProviderSimulator.quietLogger
    ) async throws -> ProviderSimulator {
        let core = SimulatorCore(configuration: configuration, logger: logger)
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let application = makeApplication(core: core, host: host, port: port, logger: logger) { boundPort in
            continuation.yield(boundPort)
            continuation.finish()
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let serverTask = Task {
            defer { continuation.finish() }
            try await serviceGroup.run()
        }
        var iterator = stream.makeAsyncIterator()
        guard let boundPort = await iterator.next() else {
            // The server stopped before it was running: surface its error.
            try await serverTask.value
            throw SimulatorStartError()
        }
        return ProviderSimulator(port: boundPort, host: host, core: core, serviceGroup: serviceGroup, serverTask: serverTask)
    }

    /// Runs a simulator until SIGINT or SIGTERM (for `assetforge simulate`).
    public static func run(
        configuration: SimulatorConfiguration, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) -> Void
    ) async throws {
        let core = SimulatorCore(configuration: configuration, logger: logger)
        let application = makeApplication(core: core, host: host, port: port, logger: logger, onRunning: onRunning)
        try await application.runService()
    }

    private static func makeApplication(
        core: SimulatorCore, host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) -> Void
    ) -> some ApplicationProtocol {
        Application(
            responder: SimulatorResponder(core: core),
            configuration: .init(address: .hostname(host, port: port), serverName: "assetforge-simulator", backlog: 1024),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// The default logger of in-process simulators: warnings and errors only.
    public static var quietLogger: Logger {
        var logger = Logger(label: "assetforge.simulator")
        logger.logLevel = .warning
        return logger
    }

    /// The counters, as `GET /_sim/stats` reports them.
    public func stats() -> SimulatorStats { core.stats() }

    /// The configuration in force.
    public var configuration: SimulatorConfiguration { core.configuration }

    /// Replaces the configuration (faults, timings, credentials) at once.
    public func configure(_ update: (inout SimulatorConfiguration) -> Void) {
        var configuration = core.configuration
        update(&configuration)
        let updated = configuration
        core.state.withLock { state in
            if state.configuration.seed != updated.seed { state.random = SeededRandom(seed: updated.seed) }
            state.configuration = updated
        }
    }

    /// Forgets tasks and counters.
    public func reset() { core.reset() }

    /// Stops the server gracefully (requests in progress are answered) and waits for it to finish.
    public func shutdown() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = try? await serverTask.value
    }
}

/// The simulator's server stopped before it accepted connections.
public struct SimulatorStartError: Error, CustomStringConvertible {
    public var description: String { "the provider simulator stopped before it was running" }
}
