import PostgresNIO
import Synchronization

/// The connection pool of a ``PostgresLedgerStore``: a PostgresNIO `PostgresClient` and the task that runs it.
///
/// The pool opens connections as they are needed (up to ``PostgresLedgerSettings/maximumConnections``) and keeps
/// idle ones for a minute. ``close()`` cancels the pool's task and waits for it to end; every later call fails with
/// ``LedgerError/Code/unavailable``.
final class PostgresLedgerClient: Sendable {
    /// Where the pool connects.
    let settings: PostgresLedgerSettings
    private let logger: Logger
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let closed = Mutex(false)

    /// A running pool. It connects on first use.
    init(settings: PostgresLedgerSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        let client = PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger)
        self.client = client
        // Detached: a task would inherit the caller's task-local graceful-shutdown signal (a store opened inside a
        // ServiceGroup), and PostgresClient.run() stops at that signal, closing the ledger while the service still
        // hands its work back to it. The pool ends only with close().
        self.runTask = Task.detached { await client.run() }
    }

    /// Runs `body` with a connection of the pool to itself.
    /// - Throws: ``LedgerError/Code/unavailable`` once the pool is closed or when no connection can be made, and
    ///   whatever `body` throws.
    func withSession<T: Sendable>(
        action: String, _ body: (PostgresLedgerSession) async throws(LedgerError) -> T
    ) async throws(LedgerError) -> T {
        guard !closed.withLock({ $0 }) else { throw LedgerError.closed(settings) }
        do {
            return try await client.withConnection { connection in
                try await body(PostgresLedgerSession(connection: connection, settings: settings, logger: logger))
            }
        } catch {
            throw LedgerError.postgres(error, settings: settings, action: action)
        }
    }

    /// Closes the pool's connections and stops its task. Idempotent.
    func close() async {
        let closing = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        runTask.cancel()
        await runTask.value
        if closing {
            logger.debug("ledger connection pool closed", metadata: ["ledger.postgres": "\(settings)"])
        }
    }

    deinit {
        // A safety net: a store released without close() must not leave its pool running.
        guard !closed.withLock({ $0 }) else { return }
        logger.warning(
            "a PostgreSQL ledger store was released without close(); closing its connections",
            metadata: ["ledger.postgres": "\(settings)"])
        runTask.cancel()
    }
}
