import DequeModule

/// A number of permits handed out first come, first served: the waiting list of an actor's limited resource.
///
/// Not thread-safe: it lives in one actor's state, and the actor suspends its callers through
/// ``enqueue(_:)`` inside `withCheckedThrowingContinuation`. A released permit passes straight to the oldest waiter.
struct PermitQueue {
    /// How many permits there are.
    let permits: Int
    /// Permits held now.
    private(set) var taken = 0
    private var waiters: Deque<(id: UInt64, continuation: CheckedContinuation<Void, any Error>)> = []
    private var nextID: UInt64 = 0

    init(permits: Int) {
        self.permits = max(1, permits)
    }

    /// Callers waiting for a permit.
    var waiting: Int { waiters.count }

    /// Takes a permit if one is free and nobody is waiting for one.
    mutating func tryTake() -> Bool {
        guard taken < permits, waiters.isEmpty else { return false }
        taken += 1
        return true
    }

    /// A ticket for a caller about to wait; pass it to ``enqueue(_:ticket:)`` and, on cancellation, ``cancel(_:)``.
    mutating func ticket() -> UInt64 {
        nextID += 1
        return nextID
    }

    /// Puts a waiting caller at the end of the line; `continuation` is resumed when a permit passes to it.
    mutating func enqueue(_ continuation: CheckedContinuation<Void, any Error>, ticket: UInt64) {
        waiters.append((ticket, continuation))
    }

    /// Takes the caller with `ticket` out of the line (it gets `CancellationError`), if it is still waiting.
    mutating func cancel(_ ticket: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == ticket }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    /// Gives a permit back: to the oldest waiter if there is one, else to the pool.
    mutating func release() {
        if let waiter = waiters.popFirst() {
            waiter.continuation.resume()
        } else {
            taken = max(0, taken - 1)
        }
    }
}
