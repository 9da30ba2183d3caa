/// Runs work in a child task of its own, so that its async frames are freed when it ends.
///
/// A task keeps the stack memory of its deepest call until the task ends, and a vendor request or a submission
/// goes deep (tens of KB of async frames). Thousands of commands wait at once (for a submission permit, or between
/// polls of a task in flight), so the deep work runs in a child task and the waiting happens in shallow frames.
public enum ChildTask {
    /// The value of `operation`, run in a child task; its error is rethrown as is.
    public static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            guard let value = try await group.next() else { throw CancellationError() }
            return value
        }
    }
}
