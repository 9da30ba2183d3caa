/// Exponential back-off with jitter: the delays grow from ``initialDelay`` by ``multiplier`` up to
/// ``maximumDelay``, each spread by up to ± ``jitter`` of itself so that many retrying clients do not align.
public struct RetryBackoff: Sendable, Hashable {
    /// The delay before the first retry. Default 100 ms.
    public var initialDelay: Duration = .milliseconds(100)
    /// The longest delay. Default 30 s.
    public var maximumDelay: Duration = .seconds(30)
    /// The growth factor per attempt. Default 2.
    public var multiplier: Double = 2
    /// The relative spread, 0 to 1. Default 0.2.
    public var jitter: Double = 0.2

    /// The defaults.
    public init() {}

    /// Creates a back-off.
    public init(initialDelay: Duration, maximumDelay: Duration, multiplier: Double = 2, jitter: Double = 0.2) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay after `attempt` failed attempts (1 for the first failure).
    public func delay(afterAttempt attempt: Int) -> Duration {
        let initial = initialDelay / .seconds(1)
        let maximum = maximumDelay / .seconds(1)
        let growth = Swift.max(1, multiplier)
        let base = Swift.min(maximum, initial * pow(growth, Double(Swift.max(0, attempt - 1))))
        let spread = Swift.min(1, Swift.max(0, jitter))
        let factor = spread == 0 ? 1 : Double.random(in: (1 - spread)...(1 + spread))
        let seconds = Swift.max(0, Swift.min(maximum, base * factor))
        return .nanoseconds(Int64(Swift.min(seconds * 1e9, 9e18).rounded()))
    }
}

/// `base` to the power `exponent` without Foundation, saturating at infinity.
private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(Swift.min(exponent, 2048))
    while remaining > 0 && result.isFinite {
        result *= base
        remaining -= 1
    }
    return result
}
