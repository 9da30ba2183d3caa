import EventIntake
import Ledger
import Logging
import Synchronization

/// Republishes recorded outcomes of replayed events without holding up the intake: each event's envelopes are
/// sent in the background and its record is marked done once the broker acknowledged them all.
///
/// At most ``capacity`` events are in flight; the intake waits for room beyond that. A failed send is retried with
/// back-off until it works or ``stop()`` is called; a record whose republish did not finish is not marked done, so
/// it is replayed (and republished, byte-identical) after a restart. Marks may come out of order: per partition,
/// only the contiguous prefix of done offsets is committed.
final class RepublishWindow: Sendable {
    private struct State {
        var inFlight = 0
        var stopped = false
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let publisher: AssetPublisher
    private let capacity: Int
    private let logger: Logger
    private let state = Mutex(State())
    /// Delays between attempts to republish: 200 ms, doubling, at most 10 s.
    private static let retry = RetryBackoff(initialDelay: .milliseconds(200), maximumDelay: .seconds(10), jitter: 0)

    init(publisher: AssetPublisher, capacity: Int = 10_000, logger: Logger) {
        self.publisher = publisher
        self.capacity = capacity
        self.logger = logger
    }

    /// Sends `envelopes` in the background, then marks `delivery` done. Waits while the window is full.
    func republish(_ envelopes: [LedgerEnvelope], then delivery: IntakeDelivery) async {
        await waitForRoom()
        Task {
            var attempt = 0
            while !self.isStopped {
                let failures = await self.publisher.publish(envelopes)
                guard let failure = failures.first else {
                    delivery.markDone()
                    break
                }
                attempt += 1
                let delay = Self.retry.delay(afterAttempt: attempt)
                self.logger.error(
                    "cannot republish a replayed event's outcomes; retrying",
                    metadata: [
                        "event.id": "\(delivery.event.reference.id)", "error": "\(failure)", "retry.in": "\(delay)",
                    ])
                try? await Task.sleep(for: delay)
            }
            self.finishOne()
        }
    }

    /// Waits until every republish in flight is acknowledged (or `stop()` ends the retries).
    func drain() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                guard state.inFlight > 0 else { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Ends the retries of failing republishes (their records stay unmarked and are replayed later).
    func stop() {
        state.withLock { $0.stopped = true }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func waitForRoom() async {
        await withCheckedContinuation { continuation in
            let admitted = state.withLock { state -> Bool in
                guard state.inFlight >= capacity else {
                    state.inFlight += 1
                    return true
                }
                state.roomWaiters.append(continuation)
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    private func finishOne() {
        let (room, drained) = state.withLock { state -> (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            if !state.roomWaiters.isEmpty {
                // The slot passes straight to a waiter: in-flight stays the same.
                return (state.roomWaiters.removeFirst(), [])
            }
            state.inFlight -= 1
            guard state.inFlight == 0 else { return (nil, []) }
            defer { state.drainWaiters = [] }
            return (nil, state.drainWaiters)
        }
        room?.resume()
        for waiter in drained { waiter.resume() }
    }
}
