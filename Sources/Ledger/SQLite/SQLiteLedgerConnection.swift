import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// The one SQLite connection of a ``SQLiteLedgerStore``; every libsqlite3 call of the ledger goes through it.
///
/// - The connection runs its statements on a thread of its own (a one-thread `NIOThreadPool`), so a statement
///   waiting for another process's lock (`busy_timeout`) never holds up a thread other stores or libraries need.
/// - One task at a time uses it (an ``AsyncSerialGate``): a transaction's statements never interleave with another
///   task's.
/// - Statements go through SQLiteNIO's future-based API, awaited with `get()`, which task cancellation does not
///   interrupt: a cancelled task still finishes (or rolls back) the transaction it began instead of leaving it open.
final class SQLiteLedgerConnection: Sendable {
    /// The database file.
    let path: String
    private let logger: Logger
    private let connection: SQLiteConnection
    private let threadPool: NIOThreadPool
    private let gate = AsyncSerialGate()
    private let closed = Mutex(false)

    private init(path: String, logger: Logger, connection: SQLiteConnection, threadPool: NIOThreadPool) {
        self.path = path
        self.logger = logger
        self.connection = connection
        self.threadPool = threadPool
    }

    /// Opens (creating if needed) the database file at `path`, configures the connection and migrates the schema.
    static func open(
        path: String, synchronous: SQLiteLedgerStore.Synchronous = .full, logger: Logger
    ) async throws(LedgerError) -> SQLiteLedgerConnection {
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let connection: SQLiteConnection
        do {
            // The future-based variants throughout: their `get()` is not interrupted by task cancellation.
            connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: threadPool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any()
            ).get()
        } catch {
            try? await threadPool.shutdownGracefully()
            throw LedgerError.sqlite(error, path: path, action: "opening the database file")
        }
        let opened = SQLiteLedgerConnection(
            path: path, logger: logger, connection: connection, threadPool: threadPool)
        do {
            try await opened.withSession { session throws(LedgerError) in
                try await SQLiteLedgerSchema.prepare(session, synchronous: synchronous, logger: logger)
            }
        } catch {
            await opened.close()
            throw error
        }
        return opened
    }

    /// Runs `body` with exclusive use of the connection.
    /// - Throws: ``LedgerError/Code/unavailable`` once the connection is closed, and whatever `body` throws.
    func withSession<T>(
        _ body: (SQLiteLedgerSession) async throws(LedgerError) -> T
    ) async throws(LedgerError) -> T {
        try await gate.withGate { () async throws(LedgerError) -> T in
            guard !closed.withLock({ $0 }) else {
                throw LedgerError(
                    .unavailable, "the ledger at \(path) is closed; open a new SQLiteLedgerStore to use it again")
            }
            return try await body(SQLiteLedgerSession(connection: connection, path: path))
        }
    }

    /// Waits for the running transaction, closes the connection and stops its thread. Idempotent.
    func close() async {
        let closing = await gate.withGate { () async -> Bool in
            closed.withLock { closed in
                defer { closed = true }
                return !closed
            }
        }
        guard closing else { return }
        do {
            try await connection.close().get()
        } catch {
            logger.warning(
                "closing the ledger's SQLite connection failed",
                metadata: ["ledger.path": "\(path)", "error": "\(error)"])
        }
        do {
            try await threadPool.shutdownGracefully()
        } catch {
            logger.warning(
                "stopping the ledger's SQLite thread failed", metadata: ["ledger.path": "\(path)", "error": "\(error)"])
        }
    }

    deinit {
        // A safety net (SQLiteNIO asserts that connections are closed before they are released).
        guard !closed.withLock({ $0 }) else { return }
        logger.warning("a ledger store was released without close(); closing it", metadata: ["ledger.path": "\(path)"])
        let threadPool = self.threadPool
        connection.close().whenComplete { _ in threadPool.shutdownGracefully { _ in } }
    }
}

/// The connection while one task holds it (see ``SQLiteLedgerConnection/withSession(_:)``).
struct SQLiteLedgerSession {
    let connection: SQLiteConnection
    /// The database file, for messages.
    let path: String

    /// Runs one statement with bound parameters and returns its rows. `action` says what for, in error messages.
    func query(_ sql: String, _ binds: [SQLiteData] = [], action: String) async throws(LedgerError) -> [SQLiteRow] {
        let rows = Mutex<[SQLiteRow]>([])
        do {
            // SQLiteConnection's own async variant: the rows are collected and the caller resumed right from the
            // SQLite thread, without a hop through an event loop per row and per statement.
            try await connection.query(sql, binds) { row in rows.withLock { $0.append(row) } }
            return rows.withLock { $0 }
        } catch is CancellationError {
            // The task was cancelled before the statement ran (NIOThreadPool skips the cancelled work it has not
            // started). Run it anyway, through the future-based API, which cancellation does not interrupt: a
            // transaction that was begun must still be committed or rolled back.
            do {
                return try await connection.query(sql, binds).get()
            } catch {
                throw LedgerError.sqlite(error, path: path, action: action)
            }
        } catch {
            throw LedgerError.sqlite(error, path: path, action: action)
        }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction (the write lock taken up front, waiting up to
    /// `busy_timeout` for other processes), committed when it returns and rolled back when it throws.
    func immediateTransaction<T>(
        action: String, _ body: () async throws(LedgerError) -> T
    ) async throws(LedgerError) -> T {
        _ = try await query("BEGIN IMMEDIATE", action: action)
        do {
            let result = try await body()
            _ = try await query("COMMIT", action: action)
            return result
        } catch {
            _ = try? await query("ROLLBACK", action: action)
            throw error
        }
    }
}
