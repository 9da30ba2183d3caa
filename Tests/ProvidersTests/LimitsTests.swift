import Foundation
@testable import Providers
import Testing

@Suite("Token bucket, retry policy, circuit breaker, budget ledger")
struct LimitsTests {
    @Test("the token bucket lets a burst through, then spaces submissions at the rate")
    func tokenBucket() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 2, burst: 2, now: start)
        #expect(bucket.reserve(at: start) == .zero)
        #expect(bucket.reserve(at: start) == .zero)
        #expect(bucket.reserve(at: start) == .milliseconds(500))
        #expect(bucket.reserve(at: start) == .seconds(1))
        // Two seconds later the debt of two tokens is repaid and the bucket is full again.
        #expect(bucket.reserve(at: start + .seconds(2)) == .zero)
        #expect(bucket.reserve(at: start + .seconds(2)) == .zero)
        #expect(bucket.reserve(at: start + .seconds(2)) == .milliseconds(500))
    }

    @Test("backoff grows exponentially with jitter, is capped, and honours a longer Retry-After")
    func retryPolicy() {
        var policy = RetryPolicy()
        policy.initialBackoff = .seconds(1)
        policy.maxBackoff = .seconds(8)
        var random = SystemRandomNumberGenerator()
        for attempt in 1...6 {
            let base = min(8.0, pow(2.0, Double(attempt - 1)))
            let delay = policy.delay(afterAttempt: attempt, retryAfter: nil, random: &random).seconds
            #expect(delay >= base / 2 - 1e-9 && delay <= base + 1e-9)
        }
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(30), random: &random) == .seconds(30))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(600), random: &random) == .seconds(60))
    }

    @Test("the breaker opens after consecutive faults, half-opens after the open period, closes on success")
    func circuitBreaker() {
        var configuration = CircuitBreaker.Configuration()
        configuration.failureThreshold = 3
        configuration.openDuration = .seconds(10)
        var breaker = CircuitBreaker(configuration: configuration)
        var admitted: Bool
        let t0 = ContinuousClock.now
        breaker.recordFailure(at: t0)
        breaker.recordFailure(at: t0)
        breaker.recordSuccess()
        breaker.recordFailure(at: t0)
        breaker.recordFailure(at: t0)
        #expect(breaker.state == .closed)
        breaker.recordFailure(at: t0)
        #expect(breaker.state == .open)
        admitted = breaker.admitSubmission(at: t0 + .seconds(5))
        #expect(!admitted)
        admitted = breaker.admitSubmission(at: t0 + .seconds(10))
        #expect(admitted)
        #expect(breaker.state == .halfOpen)
        admitted = breaker.admitSubmission(at: t0 + .seconds(10))
        #expect(!admitted, "one probe at a time")
        breaker.recordFailure(at: t0 + .seconds(11))
        #expect(breaker.state == .open)
        admitted = breaker.admitSubmission(at: t0 + .seconds(21))
        #expect(admitted)
        breaker.recordSuccess()
        #expect(breaker.state == .closed)
    }

    @Test("the budget counts spending and reservations per day in its time zone")
    func budgetLedger() {
        var ledger = BudgetLedger(cap: Decimal(string: "1.00"), timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        // 2024-01-01 23:00 in Shanghai.
        let evening = Date(timeIntervalSince1970: 1_704_121_200)
        ledger.roll(at: evening)
        #expect(ledger.fits(Decimal(string: "0.60")!))
        ledger.reserve(Decimal(string: "0.60")!)
        #expect(!ledger.fits(Decimal(string: "0.60")!))
        ledger.commit(reserved: Decimal(string: "0.60")!, actual: Decimal(string: "0.50")!, at: evening)
        #expect(ledger.spent == Decimal(string: "0.50"))
        #expect(ledger.fits(Decimal(string: "0.50")!))
        #expect(!ledger.fits(Decimal(string: "0.51")!))
        #expect(ledger.secondsUntilNextDay(from: evening) == 3600)
        ledger.roll(at: evening.addingTimeInterval(3601))
        #expect(ledger.spent == 0)
        #expect(ledger.neverFits(Decimal(string: "1.01")!))
    }

    @Test("prices: images per image, videos by model, mode and length, tokens per million")
    func prices() {
        let prices = PriceTable()
        #expect(prices.cost(of: ProviderOutput(model: "wanx-background-generation-v2", usage: ProviderUsage(images: 2))) == Decimal(string: "0.16"))
        #expect(
            prices.cost(of: ProviderOutput(model: "kling-v1-6", durationSeconds: 10, variant: "pro")) == Decimal(string: "7.00"))
        #expect(
            prices.cost(of: ProviderOutput(model: "MiniMax-Hailuo-02", durationSeconds: 6, variant: "768P")) == Decimal(string: "2.00"))
        #expect(
            prices.cost(of: ProviderOutput(model: "qwen-plus", usage: ProviderUsage(inputTokens: 1_000_000, outputTokens: 500_000)))
                == Decimal(string: "1.8"))
    }
}
