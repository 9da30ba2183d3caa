import Synchronization

/// Counts handled deliveries and remembers when (and at what process and machine CPU time) the timing started.
final class HandledCounter: Sendable {
    private struct State {
        var count = 0
        var start: (ContinuousClock.Instant, Double, MachineCPU)?
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let target: Int
    private let state = Mutex(State())

    init(target: Int) {
        self.target = target
    }

    var count: Int { state.withLock { $0.count } }
    var start: (ContinuousClock.Instant, Double, MachineCPU)? { state.withLock { $0.start } }

    /// Starts the timing (the first call only).
    func starting() {
        state.withLock { state in
            if state.start == nil { state.start = (ContinuousClock.now, ProcessCPU.seconds(), MachineCPU.now()) }
        }
    }

    func handled(_ deliveries: Int = 1) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.count += deliveries
            guard state.count >= target else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits until `target` deliveries were handled; false after `timeout`.
    func waitForAll(timeout: Duration) async -> Bool {
        let timer = Task {
            try? await Task.sleep(for: timeout)
            let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
        defer { timer.cancel() }
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                guard state.count < target else { return true }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
        return count >= target
    }
}
