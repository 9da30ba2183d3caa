import ArgumentParser
import Dispatch
import Foundation
import Logging
import Pipeline
import ServiceLifecycle
import Synchronization

/// `assetforge run`: the service. Consumes `product.listed` and `sku.promoted`, generates the assets, publishes
/// `asset.ready` / `asset.failed`. SIGTERM or SIGINT shuts it down gracefully; a second signal exits at once (the
/// ledger still holds every step, so nothing is lost either way).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run AssetForge: consume product events, generate assets, publish asset events.",
        discussion: """
            Settings come from the configuration file (--config or ASSETFORGE_CONFIG) and ASSETFORGE_* environment \
            variables; `assetforge config` prints the effective ones. HTTP: /healthz, /readyz and, with a file \
            store, /assets/… on ASSETFORGE_HTTP_PORT.
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "Seconds a graceful shutdown may take before in-flight work is cut off (it stays in the ledger).")
    var shutdownTimeout: Int = 30

    func validate() throws {
        guard shutdownTimeout > 0 else { throw ValidationError("--shutdown-timeout must be at least 1") }
    }

    func run() async throws {
        let configuration = try await options.load()
        let level = Logger.Level(rawValue: configuration.logging.level.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "assetforge")
        let watcher = SecondSignalWatcher(logger: logger)
        let service = AssetForgeService(configuration: configuration, logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(shutdownTimeout)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
        withExtendedLifetime(watcher) {}
    }
}

/// Exits at once on the second SIGTERM or SIGINT: the first starts a graceful shutdown, an impatient operator
/// (or supervisor) gets an immediate exit with the second. The ledger has every step, so nothing is lost.
final class SecondSignalWatcher {
    private let sources: [any DispatchSourceSignal]

    init(logger: Logger) {
        let queue = DispatchQueue(label: "assetforge.signals")
        let count = SignalCount()
        sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if count.increment() >= 2 {
                    logger.warning("second signal: exiting now; unfinished work stays in the ledger")
                    exit(130)
                }
            }
            source.resume()
            return source
        }
    }
}

/// Signals seen so far.
private final class SignalCount: Sendable {
    private let value = Mutex(0)

    func increment() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}
