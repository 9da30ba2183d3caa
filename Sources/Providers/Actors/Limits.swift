import Foundation

/// A token bucket for submissions: `rate` tokens per second, at most `burst` saved up.
///
/// ``reserve(at:)`` always takes a token, letting the balance go negative, and returns how long the caller must
/// wait before using it, so concurrent callers queue in order without a separate waiting list.
public struct TokenBucket: Sendable {
    /// Tokens added per second.
    public let rate: Double
    /// Most tokens held.
    public let burst: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    /// A full bucket.
    public init(rate: Double, burst: Int, now: ContinuousClock.Instant) {
        self.rate = max(rate, 1e-9)
        self.burst = Double(max(1, burst))
        self.tokens = Double(max(1, burst))
        self.last = now
    }

    /// Takes one token; returns the wait before it may be used (zero if one was available).
    public mutating func reserve(at now: ContinuousClock.Instant) -> Duration {
        let elapsed = now - last
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + max(0, seconds) * rate)
        last = now
        tokens -= 1
        guard tokens < 0 else { return .zero }
        return .nanoseconds(Int64((-tokens / rate) * 1e9))
    }
}

/// Retries with exponential backoff and jitter; the vendor's `Retry-After` is honoured when longer.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included. Default 5.
    public var maxAttempts = 5
    /// Backoff before the second attempt. Default 0.5 s.
    public var initialBackoff: Duration = .milliseconds(500)
    /// Growth per attempt. Default 2.
    public var multiplier = 2.0
    /// Longest computed backoff. Default 20 s.
    public var maxBackoff: Duration = .seconds(20)
    /// Longest `Retry-After` honoured. Default 60 s.
    public var maxRetryAfter: Duration = .seconds(60)

    /// The defaults.
    public init() {}

    /// The wait after failed attempt `attempt` (1-based): "equal jitter" — half fixed, half random — of
    /// `initial × multiplier^(attempt−1)` capped at `maxBackoff`, or the vendor's `Retry-After` if longer.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, random: inout some RandomNumberGenerator) -> Duration {
        let base = initialBackoff.seconds * pow(multiplier, Double(max(0, attempt - 1)))
        let capped = min(base, maxBackoff.seconds)
        let jittered = capped / 2 + Double.random(in: 0...(capped / 2), using: &random)
        let honoured = min(retryAfter?.seconds ?? 0, maxRetryAfter.seconds)
        return .nanoseconds(Int64(max(jittered, honoured) * 1e9))
    }
}

/// When to poll a task: first near its typical duration, then every `interval`, growing by `multiplier`
/// up to `maxInterval`.
public struct PollingSchedule: Sendable, Hashable {
    /// First poll this long after submission (the task's typical duration).
    public var firstPoll: Duration
    /// Interval after the first poll.
    public var interval: Duration
    /// Growth of the interval per poll. Default 1.25.
    public var multiplier = 1.25
    /// Longest interval.
    public var maxInterval: Duration

    /// A schedule.
    public init(firstPoll: Duration, interval: Duration, multiplier: Double = 1.25, maxInterval: Duration) {
        self.firstPoll = firstPoll
        self.interval = interval
        self.multiplier = multiplier
        self.maxInterval = maxInterval
    }
}

/// A circuit breaker: opens after ``Configuration/failureThreshold`` consecutive provider faults, rejects
/// submissions while open, lets ``Configuration/halfOpenProbes`` through after ``Configuration/openDuration``,
/// and closes when a probe succeeds (reopens when one fails).
public struct CircuitBreaker: Sendable {
    /// Breaker settings.
    public struct Configuration: Sendable, Hashable {
        /// Consecutive faults (5xx, timeouts, transport, malformed answers) that open it. Default 5.
        public var failureThreshold = 5
        /// How long it stays open before probing. Default 30 s.
        public var openDuration: Duration = .seconds(30)
        /// Submissions let through at once while half-open. Default 1.
        public var halfOpenProbes = 1

        /// The defaults.
        public init() {}
    }

    /// The breaker's state.
    public enum State: String, Sendable, Hashable, Codable {
        /// Traffic flows.
        case closed
        /// Submissions are refused.
        case open
        /// A few probe submissions are let through.
        case halfOpen = "half-open"
    }

    /// Settings.
    public let configuration: Configuration
    /// Current state (as of the last call; see ``refresh(at:)``).
    public private(set) var state: State = .closed
    private var consecutiveFailures = 0
    private var openedAt: ContinuousClock.Instant?
    private var probesInFlight = 0

    /// A closed breaker.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Moves open → half-open once the open period is over.
    public mutating func refresh(at now: ContinuousClock.Instant) {
        if state == .open, let openedAt, now - openedAt >= configuration.openDuration {
            state = .halfOpen
            probesInFlight = 0
        }
    }

    /// Whether a submission may go ahead now; counts it as a probe when half-open.
    public mutating func admitSubmission(at now: ContinuousClock.Instant) -> Bool {
        refresh(at: now)
        switch state {
        case .closed: return true
        case .open: return false
        case .halfOpen:
            guard probesInFlight < configuration.halfOpenProbes else { return false }
            probesInFlight += 1
            return true
        }
    }

    /// Whether submissions would be admitted now (without taking a probe).
    public func wouldAdmit(at now: ContinuousClock.Instant) -> Bool {
        var copy = self
        return copy.admitSubmission(at: now)
    }

    /// A call that reached the provider and got a sound answer.
    public mutating func recordSuccess() {
        consecutiveFailures = 0
        if state != .closed {
            state = .closed
            openedAt = nil
            probesInFlight = 0
        }
    }

    /// A provider fault.
    public mutating func recordFailure(at now: ContinuousClock.Instant) {
        consecutiveFailures += 1
        switch state {
        case .halfOpen:
            state = .open
            openedAt = now
            probesInFlight = 0
        case .closed where consecutiveFailures >= configuration.failureThreshold:
            state = .open
            openedAt = now
        default:
            break
        }
    }

    /// A probe ended without a verdict (e.g. throttled or rejected input): frees its place.
    public mutating func releaseProbe() {
        if state == .halfOpen, probesInFlight > 0 { probesInFlight -= 1 }
    }
}

extension Duration {
    /// Seconds as a `Double`.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
