/// How a worker paces and guards its calls to one provider: submission rate, polling schedule, task timeout,
/// retries and circuit breaker.
///
/// `<name>` / `<NAME>` is the provider (``GenerationProvider``). Defaults differ per provider; the table is in
/// ``AssetForgeConfiguration/Providers``. The polling schedule and the task timeout apply to what the provider
/// makes (``GenerationProvider/medium``): image tasks for Wanx and Jimeng, video tasks for Kling and Hailuo,
/// and for Qwen, which answers at once, any task it would leave running. Seconds may have decimals (`0.2`).
public struct ProviderPacing: Sendable, Equatable {
    /// Submissions per second, the refill rate of a token bucket; from 0.001 to 1000000.
    /// File `providers.<name>.submitsPerSecond`; env `ASSETFORGE_<NAME>_SUBMITS_PER_SECOND`.
    /// Default: Wanx 2, Qwen 5, Kling, Hailuo and Jimeng 1.
    public var submitsPerSecond: Double

    /// Submissions allowed at once after a quiet spell, the size of the token bucket; a positive integer.
    /// File `providers.<name>.submitBurst`; env `ASSETFORGE_<NAME>_SUBMIT_BURST`. Default: Qwen 5, others 2.
    public var submitBurst: Int

    /// Seconds from submission to the first poll, near the task's typical duration; from 0.001 to 86400.
    /// File `providers.<name>.firstPollSeconds`; env `ASSETFORGE_<NAME>_FIRST_POLL_SECONDS`.
    /// Default: Wanx 10, Qwen 5, Kling 90, Hailuo 120, Jimeng 8.
    public var firstPollSeconds: Double

    /// Seconds between polls after the first; the interval grows ×1.25 per poll up to
    /// ``maxPollIntervalSeconds``. From 0.001 to 86400.
    /// File `providers.<name>.pollIntervalSeconds`; env `ASSETFORGE_<NAME>_POLL_INTERVAL_SECONDS`.
    /// Default: 2 for images and text, 10 for videos.
    public var pollIntervalSeconds: Double

    /// The longest interval between polls, in seconds; from 0.001 to 86400 and at least ``pollIntervalSeconds``.
    /// File `providers.<name>.maxPollIntervalSeconds`; env `ASSETFORGE_<NAME>_MAX_POLL_INTERVAL_SECONDS`.
    /// Default: 10 for images and text, 30 for videos.
    public var maxPollIntervalSeconds: Double

    /// The longest a task may take from submission to result, in whole seconds; a positive integer.
    /// File `providers.<name>.taskTimeoutSeconds`; env `ASSETFORGE_<NAME>_TASK_TIMEOUT_SECONDS`.
    /// Default: 600 for images and text, 1800 for videos.
    public var taskTimeoutSeconds: Int

    /// Attempts of each HTTP step (submit, poll, fetch) in all, the first included, so 1 means no retries;
    /// a positive integer. Retries back off exponentially with jitter and honour the vendor's `Retry-After`.
    /// File `providers.<name>.maxAttempts`; env `ASSETFORGE_<NAME>_MAX_ATTEMPTS`. Default `5`.
    public var maxAttempts: Int

    /// Consecutive provider faults (5xx, timeouts, transport errors, malformed answers) that open the circuit
    /// breaker; a positive integer.
    /// File `providers.<name>.breakerFailures`; env `ASSETFORGE_<NAME>_BREAKER_FAILURES`. Default `5`.
    public var breakerFailures: Int

    /// Seconds an open breaker refuses submissions before it lets a probe through; from 0.001 to 86400.
    /// File `providers.<name>.breakerOpenSeconds`; env `ASSETFORGE_<NAME>_BREAKER_OPEN_SECONDS`. Default `30`.
    public var breakerOpenSeconds: Double

    /// The built-in pacing of `provider`.
    public init(provider: GenerationProvider) {
        let spec = provider.spec
        let isVideo = spec.medium == .video
        submitsPerSecond = spec.defaultSubmitsPerSecond
        submitBurst = spec.defaultSubmitBurst
        firstPollSeconds = spec.defaultFirstPollSeconds
        pollIntervalSeconds = isVideo ? 10 : 2
        maxPollIntervalSeconds = isVideo ? 30 : 10
        taskTimeoutSeconds = isVideo ? 1800 : 600
        maxAttempts = 5
        breakerFailures = 5
        breakerOpenSeconds = 30
    }

    /// ``firstPollSeconds`` as a `Duration`.
    public var firstPoll: Duration { Self.duration(firstPollSeconds) }

    /// ``pollIntervalSeconds`` as a `Duration`.
    public var pollInterval: Duration { Self.duration(pollIntervalSeconds) }

    /// ``maxPollIntervalSeconds`` as a `Duration`.
    public var maxPollInterval: Duration { Self.duration(maxPollIntervalSeconds) }

    /// ``taskTimeoutSeconds`` as a `Duration`.
    public var taskTimeout: Duration { .seconds(taskTimeoutSeconds) }

    /// ``breakerOpenSeconds`` as a `Duration`.
    public var breakerOpenDuration: Duration { Self.duration(breakerOpenSeconds) }

    /// Seconds as a `Duration` rounded to the nanosecond, so `0.2` is exactly 200 ms (a `Double` 0.2 is not);
    /// values that are not positive (or not numbers) count as zero, and values beyond about a century are cut there.
    private static func duration(_ seconds: Double) -> Duration {
        guard seconds > 0 else { return .zero }
        return .nanoseconds(Int64((min(seconds, 3e9) * 1e9).rounded()))
    }
}
