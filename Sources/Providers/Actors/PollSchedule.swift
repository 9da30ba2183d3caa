import HeapModule

/// The tasks a worker polls, each with the instant its next poll is due: one timer serves them all, so that a task
/// waiting between polls costs a small record instead of a suspended Swift task.
///
/// A watch is in the schedule from ``add(_:due:)`` until ``remove(_:)``; while it is being polled it is not due
/// (``takeDue(at:)`` took it) until ``reschedule(_:at:)`` puts it back.
struct PollSchedule {
    /// One watched task.
    struct Watch {
        var task: SubmittedTask
        /// When the task times out.
        var deadline: ContinuousClock.Instant
        /// The task's timeout, for the message.
        var timeout: Duration
        /// The wait after the next poll that finds the task still running.
        var interval: Duration
        /// Told the outcome once.
        var onResult: @Sendable (Result<ProviderResult, ProviderError>) -> Void
    }

    private struct Due: Comparable {
        var at: ContinuousClock.Instant
        var id: UInt64

        static func < (lhs: Due, rhs: Due) -> Bool { (lhs.at, lhs.id) < (rhs.at, rhs.id) }
    }

    private var watches: [UInt64: Watch] = [:]
    /// When each watch is due; entries of watches removed or rescheduled since are skipped when they come up.
    private var dues = Heap<Due>()
    /// The instant each watch is due at, absent while it is being polled.
    private var dueAt: [UInt64: ContinuousClock.Instant] = [:]
    private var lastID: UInt64 = 0

    /// Watches in the schedule (being polled included).
    var count: Int { watches.count }

    /// A number for a new watch.
    mutating func makeID() -> UInt64 {
        lastID &+= 1
        return lastID
    }

    /// Adds `watch` under `id` (from ``makeID()``), due at `due`.
    mutating func add(_ watch: Watch, id: UInt64, due: ContinuousClock.Instant) {
        watches[id] = watch
        reschedule(id, at: due)
    }

    /// The watch `id`, if it is still in the schedule.
    subscript(id: UInt64) -> Watch? {
        get { watches[id] }
        set {
            guard let newValue, watches[id] != nil else { return }
            watches[id] = newValue
        }
    }

    /// Removes the watch `id` and returns it, if it was there.
    mutating func remove(_ id: UInt64) -> Watch? {
        dueAt[id] = nil
        return watches.removeValue(forKey: id)
    }

    /// Makes the watch `id` due at `instant`.
    mutating func reschedule(_ id: UInt64, at instant: ContinuousClock.Instant) {
        guard watches[id] != nil else { return }
        dueAt[id] = instant
        dues.insert(Due(at: instant, id: id))
    }

    /// When the next watch is due, if any is waiting.
    mutating func nextDue() -> ContinuousClock.Instant? {
        while let first = dues.min {
            if dueAt[first.id] == first.at { return first.at }
            dues.removeMin()
        }
        return nil
    }

    /// The watches due at `now`, no longer due until rescheduled.
    mutating func takeDue(at now: ContinuousClock.Instant) -> [UInt64] {
        var due: [UInt64] = []
        while let first = dues.min, first.at <= now {
            dues.removeMin()
            guard dueAt[first.id] == first.at else { continue }
            dueAt[first.id] = nil
            due.append(first.id)
        }
        return due
    }
}
