import Synchronization

/// A first-in, first-out asynchronous lock: at most one task at a time runs between ``acquire()`` and
/// ``release()``; the others wait, in arrival order, without blocking a thread.
///
/// Waiting ignores task cancellation: the critical sections it guards (one ledger transaction) are short and must
/// not be abandoned half way, so a cancelled task still gets its turn and finishes its work.
final class AsyncSerialGate: Sendable {
    private struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// An open gate.
    init() {}

    /// Waits until the caller holds the gate.
    func acquire() async {
        let acquired = state.withLock { state in
            guard !state.held else { return false }
            state.held = true
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                guard state.held else {
                    state.held = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Hands the gate to the next waiter, or opens it. Only the holder may call it.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.held = false
                return nil
            }
            // The gate stays held: ownership passes straight to the next waiter.
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

    /// Runs `body` while holding the gate.
    func withGate<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        await acquire()
        defer { release() }
        return try await body()
    }
}
