import AssetForgeConfiguration
import AssetImaging
import AsyncHTTPClient
import Foundation
import Logging

/// Options for ``ProviderFleet/live(providers:httpClient:options:imagePreparer:logger:)``.
public struct ProviderFleetOptions: Sendable {
    /// Timeouts and size bounds of vendor calls.
    public var http = VendorHTTPConfiguration()
    /// Worker settings per provider, replacing what the service configuration says for it; a missing provider
    /// gets ``ProviderWorkerConfiguration/defaults(for:settings:)`` from the service configuration.
    public var workers: [GenerationProvider: ProviderWorkerConfiguration] = [:]
    /// Prices by model, for every worker; a worker's ``ProviderWorkerConfiguration/prices`` (from the service
    /// configuration unless ``workers`` overrides it) replace them where set.
    public var prices = PriceTable()
    /// Which providers serve each kind of command, primary first, backups after.
    public var routes: [CommandKind: [GenerationProvider]] = ProviderFleet.defaultRoutes
    /// Limits shared with the other instances on the same vendor accounts (tasks in flight, daily budgets); `nil`
    /// for limits per process.
    public var sharedLimits: (any SharedAccountLimits)?
    /// How prepared input images reach vendors that take references (Wanx).
    public var imageHost: any InputImageHost = DataURIImageHost()
    /// Adjusts client settings (models, resolutions…) before the clients are made.
    public var wanx: @Sendable (inout WanxClient.Configuration) -> Void = { _ in }
    /// See ``wanx``.
    public var qwen: @Sendable (inout QwenClient.Configuration) -> Void = { _ in }
    /// See ``wanx``.
    public var kling: @Sendable (inout KlingClient.Configuration) -> Void = { _ in }
    /// See ``wanx``.
    public var hailuo: @Sendable (inout HailuoClient.Configuration) -> Void = { _ in }
    /// See ``wanx``.
    public var jimeng: @Sendable (inout JimengClient.Configuration) -> Void = { _ in }

    /// The defaults.
    public init() {}
}

/// All provider workers and the routing between them: primary providers with fallback to their backups
/// (Wanx → Jimeng for images, Kling → Hailuo for videos) when the primary is disabled, its breaker is open, or
/// it stayed unavailable through its retries. The fallback is recorded in the ``SubmittedTask`` and reported as
/// a ``ProviderEvent/fallback(assetID:from:to:reason:)``.
///
/// How a pipeline uses it:
/// ```swift
/// let task = try await fleet.submit(.sceneImage(command), assetID: asset.id)   // persist `task` (Codable)
/// let result = try await fleet.awaitResult(task)                              // persist urls, cost, provider
/// // after a restart, for every persisted task without a result:
/// let result = try await fleet.resume(task)
/// // or, for thousands of long tasks at once, with no task waiting for each:
/// let watch = try await fleet.watch(task) { outcome in /* persist it, go on */ }
/// ```
public final class ProviderFleet: Sendable {
    /// The default routes.
    public static let defaultRoutes: [CommandKind: [GenerationProvider]] = [
        .sceneImage: [.wanx, .jimeng], .textToImage: [.wanx, .jimeng], .video: [.kling, .hailuo], .copy: [.qwen],
    ]

    /// Workers by provider.
    public let workers: [GenerationProvider: ProviderWorker]
    /// Routes by command kind.
    public let routes: [CommandKind: [GenerationProvider]]
    /// Deferrals, fallbacks, breaker changes and outcomes, for the ledger. Buffered (newest 10 000 kept).
    public let events: AsyncStream<ProviderEvent>
    private let eventSink: AsyncStream<ProviderEvent>.Continuation
    private let downloader: VendorHTTP?
    private let logger: Logger

    /// A fleet over ready-made workers. Make the workers with ``makeEventStream()``'s continuation to see their
    /// events on ``events``.
    public init(
        workers: [ProviderWorker], routes: [CommandKind: [GenerationProvider]] = ProviderFleet.defaultRoutes,
        events: (stream: AsyncStream<ProviderEvent>, continuation: AsyncStream<ProviderEvent>.Continuation) =
            ProviderFleet.makeEventStream(),
        httpClient: HTTPClient? = nil, logger: Logger
    ) {
        self.workers = Dictionary(workers.map { ($0.provider, $0) }, uniquingKeysWith: { first, _ in first })
        self.routes = routes
        self.events = events.stream
        self.eventSink = events.continuation
        self.downloader = httpClient.map { VendorHTTP(client: $0, configuration: VendorHTTPConfiguration(), provider: .wanx) }
        self.logger = logger
    }

    /// A buffered event stream for workers and a fleet to share.
    public static func makeEventStream() -> (
        stream: AsyncStream<ProviderEvent>, continuation: AsyncStream<ProviderEvent>.Continuation
    ) {
        AsyncStream.makeStream(of: ProviderEvent.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// The production fleet: one worker per provider, clients on the shared `httpClient`, and everything else from
    /// the service configuration, so `providers` alone configures it: base URLs and credentials, and through
    /// ``ProviderWorkerConfiguration/defaults(for:settings:)`` concurrency, budgets, pacing (submission rate and
    /// burst, polling, task timeouts, attempts, circuit breaker) and prices. An entry in `options.workers` replaces
    /// that provider's worker configuration as a whole. Providers without credentials are disabled either way.
    public static func live(
        providers: AssetForgeConfiguration.Providers, httpClient: HTTPClient, options: ProviderFleetOptions = ProviderFleetOptions(),
        imagePreparer: any ImagePreparer = VipsImagePreparer(), logger: Logger
    ) -> ProviderFleet {
        let events = makeEventStream()
        var workers: [ProviderWorker] = []
        for provider in GenerationProvider.allCases {
            let settings = providers.settings(for: provider)
            var workerConfiguration = options.workers[provider] ?? .defaults(for: provider, settings: settings)
            workerConfiguration.enabled = workerConfiguration.enabled && settings.isEnabled
            let backend = makeBackend(provider, settings: settings, httpClient: httpClient, options: options, preparer: imagePreparer)
            workers.append(
                ProviderWorker(
                    backend: backend, configuration: workerConfiguration, prices: options.prices, events: events.continuation,
                    shared: options.sharedLimits, logger: logger))
        }
        return ProviderFleet(workers: workers, routes: options.routes, events: events, httpClient: httpClient, logger: logger)
    }

    static func makeBackend(
        _ provider: GenerationProvider, settings: ProviderSettings, httpClient: HTTPClient, options: ProviderFleetOptions,
        preparer: any ImagePreparer
    ) -> any ProviderBackend {
        var apiKey = Secret(""), accessKey = Secret(""), secretKey = Secret("")
        switch settings.credentials {
        case .apiKey(let key): apiKey = key
        case .accessKeyPair(let access, let secret): (accessKey, secretKey) = (access, secret)
        case nil: break
        }
        let base = settings.baseURL
        switch provider {
        case .wanx:
            var configuration = WanxClient.Configuration(baseURL: base, apiKey: apiKey)
            options.wanx(&configuration)
            return WanxBackend(
                client: WanxClient(configuration: configuration, httpClient: httpClient, http: options.http),
                preparer: preparer, host: options.imageHost)
        case .qwen:
            var configuration = QwenClient.Configuration(baseURL: base, apiKey: apiKey)
            options.qwen(&configuration)
            return QwenBackend(client: QwenClient(configuration: configuration, httpClient: httpClient, http: options.http))
        case .kling:
            var configuration = KlingClient.Configuration(baseURL: base, accessKey: accessKey, secretKey: secretKey)
            options.kling(&configuration)
            return KlingBackend(
                client: KlingClient(configuration: configuration, httpClient: httpClient, http: options.http), preparer: preparer)
        case .hailuo:
            var configuration = HailuoClient.Configuration(baseURL: base, apiKey: apiKey)
            options.hailuo(&configuration)
            return HailuoBackend(
                client: HailuoClient(configuration: configuration, httpClient: httpClient, http: options.http), preparer: preparer)
        case .jimeng:
            var configuration = JimengClient.Configuration(baseURL: base, accessKey: accessKey, secretKey: secretKey)
            options.jimeng(&configuration)
            return JimengBackend(
                client: JimengClient(configuration: configuration, httpClient: httpClient, http: options.http), preparer: preparer)
        }
    }

    /// The worker of `provider`.
    public func worker(_ provider: GenerationProvider) -> ProviderWorker? { workers[provider] }

    /// The enabled providers on the route of `kind`, primary first.
    public func enabledProviders(for kind: CommandKind) async -> [GenerationProvider] {
        var enabled: [GenerationProvider] = []
        for provider in routes[kind] ?? [] {
            if let worker = workers[provider], await worker.isEnabled { enabled.append(provider) }
        }
        return enabled
    }

    /// Submits to the first provider on the command's route that accepts it, falling back along the route when a
    /// provider is unavailable (disabled, breaker open, retries exhausted, credentials or quota refused).
    /// Errors about the input (rejected, moderation) do not fall back.
    ///
    /// `beforeSending` is called right before each submit request goes out (see
    /// ``ProviderWorker/submit(_:assetID:beforeSending:)``): the place to persist that a request is in flight.
    ///
    /// Many commands may wait for their turn (the primary's submission permit) at once: they wait here, in a shallow
    /// frame, and the submission itself (input preparation, the request and its retries, fallbacks) runs in a child
    /// task whose frames are freed when it ends.
    public func submit(
        _ command: GenerationCommand, assetID: String, beforeSending: @escaping @Sendable () async throws -> Void = {}
    ) async throws(ProviderError) -> SubmittedTask {
        let primary = routes[command.kind]?.first
        let primaryWorker = primary.flatMap { workers[$0] }
        if let primaryWorker { try await primaryWorker.takeSubmissionPermit() }
        do {
            return try await ChildTask.run {
                try await self.submitAlongRoute(
                    command, assetID: assetID, beforeSending: beforeSending, primaryPermitTaken: primaryWorker != nil)
            }
        } catch {
            throw ProviderError.wrap(error, provider: primary ?? .wanx)
        }
    }

    /// ``submit(_:assetID:beforeSending:)`` along the route; `primaryPermitTaken`: the primary's submission permit is
    /// held and passes to its worker (which gives it back).
    private func submitAlongRoute(
        _ command: GenerationCommand, assetID: String, beforeSending: @escaping @Sendable () async throws -> Void,
        primaryPermitTaken: Bool
    ) async throws(ProviderError) -> SubmittedTask {
        let route = routes[command.kind] ?? []
        guard let primary = route.first else {
            throw ProviderError(.unsupportedCommand, message: "no provider serves \(command.kind)")
        }
        var lastError: ProviderError?
        for (index, provider) in route.enumerated() {
            guard let worker = workers[provider] else { continue }
            do {
                var task = try await worker.submit(
                    command, assetID: assetID, beforeSending: beforeSending, permitTaken: index == 0 && primaryPermitTaken)
                if provider != primary {
                    let reason = lastError?.code.description ?? "provider-unavailable"
                    task.fallbackFrom = primary
                    task.fallbackReason = reason
                    logger.notice(
                        "fell back to backup provider",
                        metadata: [
                            "asset.id": "\(assetID)", "provider": "\(provider)", "primary": "\(primary)", "reason": "\(reason)",
                        ])
                    eventSink.yield(.fallback(assetID: assetID, from: primary, to: provider, reason: reason))
                }
                eventSink.yield(.submitted(task))
                return task
            } catch {
                lastError = error
                guard error.allowsFallback, index < route.count - 1 else {
                    eventSink.yield(.failed(assetID: assetID, provider: provider, reason: error.code.description))
                    throw error
                }
            }
        }
        let error = lastError ?? ProviderError(.providerUnavailable, message: "no provider for \(command.kind) is configured")
        eventSink.yield(.failed(assetID: assetID, provider: error.provider ?? primary, reason: error.code.description))
        throw error
    }

    /// Polls a submitted task to its end and costs it.
    public func awaitResult(_ task: SubmittedTask) async throws(ProviderError) -> ProviderResult {
        guard let worker = workers[task.provider] else {
            throw ProviderError(.providerUnavailable, provider: task.provider, message: "no worker for \(task.provider)")
        }
        return try await worker.awaitResult(task)
    }

    /// Polls a submitted task to its end, costs it and hands the outcome to `onResult`, with no Swift task waiting
    /// meanwhile (see ``ProviderWorker/watch(_:onResult:)``). Returns once the task is being polled.
    /// - Throws: ``ProviderError`` when the task's provider has no worker, or no slot could be taken for it.
    public func watch(
        _ task: SubmittedTask, onResult: @escaping @Sendable (Result<ProviderResult, ProviderError>) -> Void
    ) async throws(ProviderError) -> ResultWatch {
        guard let worker = workers[task.provider] else {
            throw ProviderError(.providerUnavailable, provider: task.provider, message: "no worker for \(task.provider)")
        }
        return try await worker.watch(task, onResult: onResult)
    }

    /// Stops polling a watched task; its `onResult` gets `cancelled` (nothing happens when it ended already).
    public func cancel(_ watch: ResultWatch) async {
        await workers[watch.provider]?.cancel(watch)
    }

    /// Frees the slot and budget reservation of a submitted task that this process will not await (its task id
    /// could not be recorded, so whoever continues the command finds it or submits again).
    public func abandon(_ task: SubmittedTask) async {
        await workers[task.provider]?.abandon(task)
    }

    /// Continues polling a task persisted before a restart.
    public func resume(_ task: SubmittedTask) async throws(ProviderError) -> ProviderResult {
        try await awaitResult(task)
    }

    /// Submit, hand the task to `onSubmitted` (persist it there), then await the result.
    public func generate(
        _ command: GenerationCommand, assetID: String,
        onSubmitted: @Sendable (SubmittedTask) async -> Void = { _ in }
    ) async throws(ProviderError) -> ProviderResult {
        let task = try await submit(command, assetID: assetID)
        await onSubmitted(task)
        return try await awaitResult(task)
    }

    /// Downloads a result URL (bounded), to copy it into our own storage at once.
    public func download(_ url: URL) async throws(ProviderError) -> [UInt8] {
        guard let downloader else {
            throw ProviderError(.resultUnavailable, message: "this fleet was made without an HTTP client")
        }
        return try await downloader.download(url)
    }

    /// Ends the event stream.
    public func finishEvents() { eventSink.finish() }
}
