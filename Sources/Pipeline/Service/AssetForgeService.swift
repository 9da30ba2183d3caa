import AssetForgeConfiguration
import AssetHTTPServer
import AssetImaging
import AsyncHTTPClient
import EventIntake
import Events
import Foundation
import Kafka
import Ledger
import Logging
import ObjectStorage
import SafeFetch
import Providers
import ServiceLifecycle
import Synchronization

/// The whole of AssetForge in one process: consume events, plan them into the ledger, run the commands against
/// the providers, store the results, publish `asset.ready` / `asset.failed`, and serve `/healthz`, `/readyz` and
/// (with a file store) the assets over HTTP.
///
/// A `Service`: on graceful shutdown it stops fetching, closes the consumer (committing done offsets and leaving
/// the group), hands every running command back to the ledger with its progress recorded, flushes the producer and
/// returns. Nothing is lost on a hard kill either: the ledger holds every step.
public final class AssetForgeService: Service, Sendable {
    /// Settings beyond the configuration file, mostly for tests and the quick start.
    public struct Options: Sendable {
        /// The recipe.
        public var recipe = Recipe()
        /// How long a claim lasts without renewal; `nil` for the configuration's `pipeline.leaseSeconds`.
        public var leaseDuration: Duration?
        /// How often the ledger is checked for due commands; `nil` for `pipeline.pollIntervalMilliseconds`.
        public var pollInterval: Duration?
        /// Provider fleet options (timeouts, worker settings, prices, routes).
        public var fleet = ProviderFleetOptions()
        /// Consumer session timeout.
        public var sessionTimeout: Duration?
        /// Called with the bound HTTP port once the server listens.
        public var onHTTPRunning: @Sendable (Int) async -> Void = { _ in }

        /// The defaults.
        public init() {}
    }

    private let configuration: AssetForgeConfiguration
    private let options: Options
    private let logger: Logger

    /// A service for `configuration`.
    public init(configuration: AssetForgeConfiguration, options: Options = Options(), logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
    }

    /// Runs until graceful shutdown or cancellation (both stop it the same orderly way and return normally).
    public func run() async throws {
        let configuration = self.configuration
        let logger = self.logger
        let ledger = try await LedgerOpener.open(configuration.ledger.location, logger: logger)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await runOpened(ledger: ledger, httpClient: httpClient)
        } catch {
            try? await httpClient.shutdown()
            await ledger.close()
            throw error
        }
        try? await httpClient.shutdown()
        await ledger.close()
    }

    private func runOpened(ledger: any LedgerStore, httpClient: HTTPClient) async throws {
        let configuration = self.configuration
        let logger = self.logger
        let port = BoundPort()
        var storeOptions = try ObjectStoreOptions(store: configuration.store)
        storeOptions.boundHTTPPort = configuration.http.port == 0 ? nil : configuration.http.port
        let httpServer = makeHTTPServer(ledger: ledger)

        // The HTTP server first: /healthz answers from the start, and a file store's URLs need its port.
        do {
            try await serve(ledger: ledger, httpClient: httpClient, httpServer: httpServer, port: port,
                            storeOptions: storeOptions)
        } catch is CancellationError {
            // Cancelled: the steps below already stopped everything in order.
        }
        logger.info("AssetForge stopped")
    }

    private func serve(
        ledger: any LedgerStore, httpClient: HTTPClient, httpServer: AssetHTTPServer, port: BoundPort,
        storeOptions: ObjectStoreOptions
    ) async throws {
        let configuration = self.configuration
        let logger = self.logger
        var storeOptions = storeOptions
        try await withThrowingDiscardingTaskGroup { group in
            let application = httpServer.makeApplication { bound in
                port.set(bound)
                await self.options.onHTTPRunning(bound)
            }
            // In a group and a task of its own, outside this task's cancellation, so that it is shut down
            // gracefully (open requests finish) at the end, after everything else has stopped.
            let server = ServiceGroup(
                configuration: ServiceGroupConfiguration(services: [.init(service: application)], logger: logger))
            let serverTask = Task {
                do {
                    try await server.run()
                    port.fail(HTTPServerStopped(reason: "it stopped"))
                } catch {
                    port.fail(HTTPServerStopped(reason: "\(error)"))
                    throw error
                }
            }
            defer { serverTask.cancel() }
            let boundPort = try await port.wait()
            if configuration.http.port == 0 { storeOptions.boundHTTPPort = boundPort }
            let store = try configuration.makeObjectStore(options: storeOptions, httpClient: httpClient, logger: logger)
            let client = configuration.kafkaClient
            let producer = try await KafkaProducer.connect(
                configuration: KafkaProducerConfiguration(client: client), logger: logger)
            var consumerConfiguration = KafkaConsumerConfiguration(client: client, groupID: configuration.kafka.group)
            consumerConfiguration.offsetReset = configuration.kafka.offsetReset == .earliest ? .earliest : .latest
            consumerConfiguration.sessionTimeout = options.sessionTimeout ?? configuration.kafka.sessionTimeout
            let topics = configuration.topics
            let consumer = try await KafkaConsumer.connect(
                configuration: consumerConfiguration, topics: [topics.productListed, topics.skuPromoted],
                logger: logger)
            self.readiness.set(producer: producer, ledger: ledger)

            let publisher = AssetPublisher(producer: producer)
            let planner = Planner(recipe: options.recipe, sceneImageWait: configuration.pipeline.sceneImageWait)
            var settings = CommandScheduler.Settings(owner: CommandScheduler.Settings.uniqueOwner())
            settings.leaseDuration = options.leaseDuration ?? .seconds(configuration.pipeline.leaseSeconds)
            settings.pollInterval =
                options.pollInterval ?? .milliseconds(configuration.pipeline.pollIntervalMilliseconds)
            // On a shared (PostgreSQL) ledger, vendor limits and budgets hold for every instance together.
            var fleetOptions = options.fleet
            let accountLimits = (ledger as? PostgresLedgerStore).map {
                PostgresAccountLimits(
                    store: $0, owner: settings.owner, holdDuration: settings.leaseDuration * 2, logger: logger)
            }
            if let accountLimits, fleetOptions.sharedLimits == nil { fleetOptions.sharedLimits = accountLimits }
            let fleet = ProviderFleet.live(
                providers: configuration.providers, httpClient: httpClient, options: fleetOptions, logger: logger)
            let transfer = AssetTransfer(store: store, fetcher: SafeFetcher(fetch: configuration.fetch, logger: logger))
            let scheduler = CommandScheduler(
                ledger: ledger,
                runner: { onPlanned in
                    CommandRunner(
                        ledger: ledger, fleet: fleet, transfer: transfer, publisher: publisher,
                        encoder: EventEncoder(source: configuration.events.source), planner: planner,
                        imageInspector: VipsImagePreparer(), topics: (topics.assetReady, topics.assetFailed),
                        retry: CommandRunner.RetryPolicy(), logger: logger, onPlanned: onPlanned)
                }, settings: settings, logger: logger)
            let eventPlanner = EventPlanner(
                planner: planner, ledger: ledger, publisher: publisher,
                republishOnReplay: configuration.events.republishOnReplay,
                maxUnfinished: configuration.pipeline.maxUnfinishedCommands, consumer: consumer, logger: logger,
                onPlanned: { scheduler.wake() })
            var intakeConfiguration = EventIntakeConfiguration()
            intakeConfiguration.topics = [topics.productListed: .productListed, topics.skuPromoted: .skuPromoted]
            intakeConfiguration.deadLetterTopic = topics.deadLetter
            intakeConfiguration.maximumDeadLetterBytes = configuration.deadLetter.maxMessageBytes
            let intake = EventIntake(
                consumer: consumer, deadLetterProducer: producer, archive: ObjectStoreDeadLetterArchive(store: store),
                configuration: intakeConfiguration, logger: logger, batchHandler: eventPlanner.handle)

            logger.info(
                "AssetForge is running",
                metadata: [
                    "http.port": "\(boundPort)", "ledger": "\(configuration.ledger.location)",
                    "store": "\(configuration.store.location)", "group": "\(configuration.kafka.group)",
                    "providers": "\(configuration.providers.enabledProviders.map(\.rawValue))",
                ])
            // Work resumes from the ledger at once, before the first event arrives.
            let schedulerTask = Task { await scheduler.run() }
            // Slots still held at shutdown belong to tasks running at the vendor: they are left to lapse (or to be
            // taken back by whoever continues the command), not freed.
            let accountLimitsTask = Task { await accountLimits?.renewUntilCancelled() }
            let providerEvents = Task {
                await ProviderEventRecorder(ledger: ledger, scheduler: scheduler, logger: logger).record(fleet.events)
            }
            let intakeTask = Task { try await intake.run() }
            await withTaskCancellationHandler {
                await withGracefulShutdownHandler {
                    _ = await intakeTask.result
                } onGracefulShutdown: {
                    logger.info("shutting down: no more fetching; handing running commands back to the ledger")
                    intakeTask.cancel()
                }
            } onCancel: {
                intakeTask.cancel()
            }
            // Intake stopped (shutdown, or the consumer failed): let republished outcomes be acknowledged, close the
            // consumer (commits done offsets, leaves the group), stop the commands (each hands itself back), flush
            // the producer.
            await eventPlanner.finishRepublishing(within: .seconds(10))
            try? await consumer.close()
            schedulerTask.cancel()
            await schedulerTask.value
            accountLimitsTask.cancel()
            await accountLimitsTask.value
            fleet.finishEvents()
            await providerEvents.value
            await producer.close()
            await server.triggerGracefulShutdown()
            _ = await serverTask.result
            if case .failure(let error) = await intakeTask.result, !(error is CancellationError) {
                throw error
            }
        }
    }

    private let readiness = Readiness()

    private func makeHTTPServer(ledger: any LedgerStore) -> AssetHTTPServer {
        var server = AssetHTTPServer(configuration: configuration, logger: logger)
        let readiness = self.readiness
        server.readiness = { await readiness.check() }
        return server
    }
}

/// The checks behind `/readyz`: the broker reachable and the ledger writable.
final class Readiness: Sendable {
    private let state = Mutex<(producer: KafkaProducer?, ledger: (any LedgerStore)?)>((nil, nil))

    func set(producer: KafkaProducer, ledger: any LedgerStore) {
        state.withLock { $0 = (producer, ledger) }
    }

    func check() async -> [String: String] {
        let (producer, ledger) = state.withLock { $0 }
        var failing: [String: String] = [:]
        if let producer {
            do {
                try await producer.checkBrokers(timeout: .seconds(2))
            } catch {
                failing["broker"] = "\(error)"
            }
        } else {
            failing["broker"] = "not connected yet"
        }
        if let ledger {
            do {
                try await ledger.checkWritable()
            } catch {
                failing["ledger"] = "\(error)"
            }
        } else {
            failing["ledger"] = "not open yet"
        }
        return failing
    }
}

/// The port the HTTP server bound, once it listens (or why it never will).
final class BoundPort: Sendable {
    private let state = Mutex<(port: Result<Int, HTTPServerStopped>?, waiters: [CheckedContinuation<Int, any Error>])>(
        (nil, []))

    func set(_ port: Int) {
        finish(.success(port))
    }

    func fail(_ error: HTTPServerStopped) {
        finish(.failure(error))
    }

    private func finish(_ result: Result<Int, HTTPServerStopped>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard state.port == nil else { return [] }
            state.port = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { state -> Result<Int, HTTPServerStopped>? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let result { continuation.resume(with: result.mapError { $0 as any Error }) }
        }
    }
}

/// The HTTP server stopped before or while AssetForge ran.
struct HTTPServerStopped: Error, CustomStringConvertible {
    var reason: String
    var description: String {
        "the HTTP server (ASSETFORGE_HTTP_PORT) stopped: \(reason); check that the port is free"
    }
}
