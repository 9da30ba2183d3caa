import DequeModule
import EventIntake
import Kafka
import Ledger
import Logging
import Synchronization

/// Republishes recorded outcomes of replayed events without holding up the intake: each event's envelopes are
/// sent in the background and its record is marked done once the broker acknowledged them all.
///
/// At most ``capacity`` events are in flight; the intake waits for room beyond that (a batch is let in while the
/// window is below capacity, so it may pass it by one batch). A failed send is retried with back-off until it works
/// or ``stop()`` is called; a record whose republish did not finish is not marked done, so it is replayed (and
/// republished, byte-identical) after a restart. Marks may come out of order: per partition, only the contiguous
/// prefix of done offsets is committed.
final class RepublishWindow: Sendable {
    /// One replayed event: the outcomes to send again, and its record, marked done once they are acknowledged.
    struct Replay: Sendable {
        let envelopes: [LedgerEnvelope]
        let delivery: IntakeDelivery
    }

    private struct State {
        var inFlight = 0
        var stopped = false
        /// Batches waiting for room: their event counts, in arrival order.
        var roomWaiters: Deque<(Int, CheckedContinuation<Void, Never>)> = []
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

    /// Sends the envelopes of `replays` in the background, all in one batch to the producer, and marks each
    /// replay's record done once its own envelopes are acknowledged. Waits while the window is full.
    func republish(_ replays: [Replay]) async {
        guard !replays.isEmpty else { return }
        await waitForRoom(replays.count)
        Task {
            var pending = replays
            var attempt = 0
            while !pending.isEmpty, !self.isStopped {
                pending = await self.send(pending)
                guard let failed = pending.first else { break }
                attempt += 1
                let delay = Self.retry.delay(afterAttempt: attempt)
                self.logger.error(
                    "cannot republish replayed events' outcomes; retrying",
                    metadata: [
                        "events": "\(pending.count)", "event.id": "\(failed.delivery.event.reference.id)",
                        "retry.in": "\(delay)",
                    ])
                try? await Task.sleep(for: delay)
            }
            self.finish(replays.count)
        }
    }

    /// Sends every envelope of `replays` at once, marks done the replays whose envelopes were all acknowledged and
    /// returns the others.
    private func send(_ replays: [Replay]) async -> [Replay] {
        let results = await publisher.publishEach(replays.flatMap(\.envelopes))
        var failed: [Replay] = []
        var next = results.startIndex
        for replay in replays {
            let end = next + replay.envelopes.count
            if let failure = results[next..<end].lazy.compactMap({ $0 }).first {
                logger.debug(
                    "a republished outcome was not acknowledged",
                    metadata: ["event.id": "\(replay.delivery.event.reference.id)", "error": "\(failure)"])
                failed.append(replay)
            } else {
                replay.delivery.markDone()
            }
            next = end
        }
        return failed
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

    /// Waits until the window is below capacity (and earlier waiters are in), then counts `events` in.
    private func waitForRoom(_ events: Int) async {
        await withCheckedContinuation { continuation in
            let admitted = state.withLock { state -> Bool in
                guard state.inFlight >= capacity || !state.roomWaiters.isEmpty else {
                    state.inFlight += events
                    return true
                }
                state.roomWaiters.append((events, continuation))
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    /// Counts `events` out, lets waiting batches in while there is room, and wakes the drainers at zero.
    private func finish(_ events: Int) {
        let (admitted, drained) = state.withLock { state in
            state.inFlight -= events
            var admitted: [CheckedContinuation<Void, Never>] = []
            while state.inFlight < capacity, let (count, waiter) = state.roomWaiters.popFirst() {
                // Counted in here, under the lock, so no later arrival overtakes it.
                state.inFlight += count
                admitted.append(waiter)
            }
            guard state.inFlight == 0 else { return (admitted, [CheckedContinuation<Void, Never>]()) }
            defer { state.drainWaiters = [] }
            return (admitted, state.drainWaiters)
        }
        for waiter in admitted { waiter.resume() }
        for waiter in drained { waiter.resume() }
    }
}
