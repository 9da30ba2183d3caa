import AssetForgeConfiguration
import Foundation

/// How hard and how patiently one ``ProviderWorker`` uses its provider. ``defaults(for:settings:)`` takes it from
/// the service configuration (vendor-friendly defaults unless overridden there); tests and benchmarks set their
/// own (much faster) values.
public struct ProviderWorkerConfiguration: Sendable {
    /// Whether the provider may be used (false when its vendor has no credentials).
    public var enabled = true
    /// Tasks in flight at most (from submission until the result is fetched).
    public var maxInFlight: Int
    /// Submissions per second (token bucket rate).
    public var submitsPerSecond: Double
    /// Submissions allowed in a burst.
    public var submitBurst: Int
    /// Polling of image tasks.
    public var imagePolling: PollingSchedule
    /// Polling of video tasks.
    public var videoPolling: PollingSchedule
    /// Retries of each HTTP step.
    public var retry = RetryPolicy()
    /// Task queries (polls, look-ups) per second at most, or `nil` for no limit. Default: 20 for Wanx, DashScope's
    /// task-query limit per account; none for the others.
    public var queriesPerSecond: Double?
    /// Circuit breaker.
    public var breaker = CircuitBreaker.Configuration()
    /// Longest an image task may take, from submission to result. Default 10 min.
    public var imageTaskTimeout: Duration = .seconds(600)
    /// Longest a video task may take. Default 30 min.
    public var videoTaskTimeout: Duration = .seconds(1800)
    /// Daily spending cap in CNY; `nil` for none.
    public var dailyBudgetCNY: Decimal?
    /// The time zone whose calendar day the budget covers. Default Asia/Shanghai.
    public var budgetTimeZone = TimeZone(identifier: "Asia/Shanghai")!
    /// How often a deferred submission checks the budget again. Default 60 s.
    public var budgetRecheckInterval: Duration = .seconds(60)
    /// How long a slot stays taken after an ambiguous submission (unreadable answer, timeout, dropped connection),
    /// for the task the vendor may have created without our knowing its id. Default `nil`: twice the first-poll
    /// delay of the command's kind.
    public var orphanSlotHold: Duration?
    /// Submissions under way at once, from waiting for a slot through input preparation to the submit request and
    /// its retries. Bounds the memory of prepared inputs (re-encoded images) when many commands are waiting; tasks
    /// in flight are bounded by ``maxInFlight``. Default 16.
    public var maxConcurrentSubmissions = 16
    /// How often a submission waiting for a slot of a ``SharedAccountLimits`` (all held by other instances) asks
    /// again. Default 250 ms.
    public var sharedSlotRecheck: Duration = .milliseconds(250)
    /// Longest a submission waits for budget before failing with `budget-exhausted`; `nil` waits for the next day.
    public var maxBudgetWait: Duration?
    /// Prices of this provider's output that replace the fleet's ``PriceTable`` per-model prices where set.
    /// Default: none, the table's prices.
    public var prices = ProviderPrices()

    /// A configuration.
    public init(
        maxInFlight: Int, submitsPerSecond: Double, submitBurst: Int, imagePolling: PollingSchedule,
        videoPolling: PollingSchedule
    ) {
        self.maxInFlight = max(1, maxInFlight)
        self.submitsPerSecond = submitsPerSecond
        self.submitBurst = submitBurst
        self.imagePolling = imagePolling
        self.videoPolling = videoPolling
    }

    /// The configuration of `provider` from the service configuration: enablement, `maxInFlight`, budget, pacing
    /// (``ProviderPacing``: submission rate and burst, polling schedule, task timeout, attempts per HTTP step,
    /// breaker threshold and open period) and prices. Without `settings`, the built-in defaults of
    /// ``AssetForgeConfiguration/Providers`` (documented there), enabled.
    ///
    /// The pacing's polling schedule and timeout go to the kind of task the provider makes
    /// (``GenerationProvider/medium``): ``videoPolling`` and ``videoTaskTimeout`` for Kling and Hailuo,
    /// ``imagePolling`` and ``imageTaskTimeout`` for the others (Qwen's copy is answered at once and would be
    /// polled like an image). The other kind keeps the generic schedule (images: first poll 10 s, every 2 s up to
    /// 10 s; videos: 60 s, every 10 s up to 30 s) and timeout, never used since no provider makes both. Backoff
    /// (0.5 s ×2 up to 20 s, `Retry-After` up to 60 s), the polling growth ×1.25, one half-open probe, the budget
    /// time zone and recheck interval keep their defaults.
    public static func defaults(for provider: GenerationProvider, settings: ProviderSettings? = nil)
        -> ProviderWorkerConfiguration
    {
        let resolved = settings ?? AssetForgeConfiguration.Providers().settings(for: provider)
        let pacing = resolved.pacing
        let schedule = PollingSchedule(
            firstPoll: pacing.firstPoll, interval: pacing.pollInterval, maxInterval: pacing.maxPollInterval)
        var configuration = ProviderWorkerConfiguration(
            maxInFlight: resolved.maxInFlight, submitsPerSecond: pacing.submitsPerSecond,
            submitBurst: pacing.submitBurst,
            imagePolling: PollingSchedule(firstPoll: .seconds(10), interval: .seconds(2), maxInterval: .seconds(10)),
            videoPolling: PollingSchedule(firstPoll: .seconds(60), interval: .seconds(10), maxInterval: .seconds(30)))
        switch provider.medium {
        case .video:
            configuration.videoPolling = schedule
            configuration.videoTaskTimeout = pacing.taskTimeout
        case .image, .text:
            configuration.imagePolling = schedule
            configuration.imageTaskTimeout = pacing.taskTimeout
        }
        configuration.retry.maxAttempts = pacing.maxAttempts
        configuration.breaker.failureThreshold = pacing.breakerFailures
        configuration.breaker.openDuration = pacing.breakerOpenDuration
        configuration.dailyBudgetCNY = resolved.dailyBudgetCNY
        configuration.queriesPerSecond = provider == .wanx ? 20 : nil
        configuration.prices = resolved.prices
        configuration.enabled = settings?.isEnabled ?? true
        return configuration
    }
}

/// A worker's counters and state, for tests, logs and health checks.
public struct ProviderWorkerStatus: Sendable, Hashable {
    /// Tasks holding a slot now.
    public var inFlight: Int
    /// Submissions waiting for a slot.
    public var waiting: Int
    /// The most tasks that held a slot at once.
    public var maxObservedInFlight: Int
    /// Breaker state.
    public var breaker: CircuitBreaker.State
    /// Spent today, CNY.
    public var spentTodayCNY: Decimal
    /// Reserved by tasks in flight, CNY.
    public var reservedCNY: Decimal
    /// Submissions accepted.
    public var submitted: Int
    /// Tasks finished with a result.
    public var succeeded: Int
    /// Tasks and submissions that ended in an error.
    public var failed: Int
    /// HTTP attempts retried.
    public var retries: Int
    /// Submissions currently deferred by the budget.
    public var deferred: Int
}
