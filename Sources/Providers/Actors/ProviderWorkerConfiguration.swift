import AssetForgeConfiguration
import Foundation

/// How hard and how patiently one ``ProviderWorker`` uses its provider. Vendor-friendly defaults come from
/// ``defaults(for:settings:)``; tests and benchmarks set their own (much faster) values.
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
    /// Longest a submission waits for budget before failing with `budget-exhausted`; `nil` waits for the next day.
    public var maxBudgetWait: Duration?

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

    /// Defaults for `provider`, with `maxInFlight`, budget and enablement from the service configuration.
    ///
    /// Submission rates: Wanx 2/s (the vendor's per-model RPS for background generation); Qwen 5/s, Kling, Hailuo
    /// and Jimeng 1/s are conservative guesses [U]. First polls near typical durations: Wanx 10 s, Jimeng 8 s,
    /// Kling 90 s, Hailuo 120 s; then every 2 s (images) or 10 s (videos), growing ×1.25 to 10 s / 30 s.
    public static func defaults(for provider: GenerationProvider, settings: ProviderSettings? = nil)
        -> ProviderWorkerConfiguration
    {
        let (rate, burst, imageFirst, videoFirst): (Double, Int, Int, Int) =
            switch provider {
            case .wanx: (2, 2, 10, 60)
            case .qwen: (5, 5, 5, 60)
            case .kling: (1, 2, 10, 90)
            case .hailuo: (1, 2, 10, 120)
            case .jimeng: (1, 2, 8, 60)
            }
        var configuration = ProviderWorkerConfiguration(
            maxInFlight: settings?.maxInFlight ?? provider.defaultMaxInFlight, submitsPerSecond: rate, submitBurst: burst,
            imagePolling: PollingSchedule(firstPoll: .seconds(imageFirst), interval: .seconds(2), maxInterval: .seconds(10)),
            videoPolling: PollingSchedule(firstPoll: .seconds(videoFirst), interval: .seconds(10), maxInterval: .seconds(30)))
        configuration.dailyBudgetCNY = settings?.dailyBudgetCNY
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
