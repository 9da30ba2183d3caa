import Synchronization

/// A wait ran out of time.
public struct TimedOut: Error, CustomStringConvertible {
    /// What was waited for.
    public let what: String

    /// An error.
    public init(what: String) {
        self.what = what
    }

    public var description: String { "timed out waiting for \(what)" }
}

/// Runs `body` with a time bound; throws ``TimedOut`` when it does not finish in time.
public func within<T: Sendable>(
    _ bound: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: bound)
            throw TimedOut(what: what)
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw TimedOut(what: what) }
        return result
    }
}

/// Polls `condition` every 50 ms until it holds; throws ``TimedOut`` after `bound`.
public func waitUntil(
    _ what: String, within bound: Duration = .seconds(60), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: bound)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// A value shared between tasks.
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// A box holding `value`.
    public init(_ value: Value) {
        mutex = Mutex(value)
    }

    /// The current value.
    public var value: Value { mutex.withLock { $0 } }

    /// Changes the value under the lock.
    public func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
