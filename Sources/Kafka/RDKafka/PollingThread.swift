import Foundation
import Synchronization

/// A dedicated OS thread that runs a client's librdkafka polling loop, so blocking polls never occupy
/// Swift's cooperative thread pool.
final class PollingThread: Sendable {
    private struct State {
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let stopFlag = Atomic<Bool>(false)
    private let state = Mutex(State())

    /// Starts `loop` on a new thread. The loop runs until it returns; it should check ``isStopRequested``.
    init(name: String, loop: @escaping @Sendable (PollingThread) -> Void) {
        let thread = Thread { [self] in
            loop(self)
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.finished = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        thread.name = name
        thread.start()
    }

    /// Whether ``requestStop()`` was called.
    var isStopRequested: Bool { stopFlag.load(ordering: .acquiring) }

    /// Asks the loop to finish.
    func requestStop() { stopFlag.store(true, ordering: .releasing) }

    /// Waits until the loop has returned.
    func join() async {
        await withCheckedContinuation { continuation in
            let finished = state.withLock { state -> Bool in
                if state.finished { return true }
                state.waiters.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }
}
