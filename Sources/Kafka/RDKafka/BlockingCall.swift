import Dispatch

/// Runs librdkafka calls that block (metadata requests, flush, destroy) off Swift's cooperative thread pool.
enum BlockingCall {
    private static let queue = DispatchQueue(label: "assetforge.kafka.blocking", attributes: .concurrent)

    /// Runs `body` on a dispatch thread and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
