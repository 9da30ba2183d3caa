import PostgresNIO

/// One connection while one task uses it: runs statements and transactions, translating every failure into a
/// ``LedgerError``.
///
/// Statements are awaited through PostgresNIO's future-based API, which task cancellation does not interrupt: a
/// transaction that was begun is always committed or rolled back.
struct PostgresLedgerSession {
    let connection: PostgresConnection
    /// Where the connection goes, for messages.
    let settings: PostgresLedgerSettings
    let logger: Logger

    /// Runs one statement with bound parameters and returns its rows. `action` says what for, in error messages.
    func query(
        _ sql: String, _ binds: PostgresBindings = PostgresBindings(), action: String
    ) async throws(LedgerError) -> [PostgresRow] {
        let result: EventLoopFuture<PostgresQueryResult> = connection.query(
            PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        do {
            return try await result.get().rows
        } catch {
            throw LedgerError.postgres(error, settings: settings, action: action)
        }
    }

    /// Runs `body` in a transaction (`READ COMMITTED`, the server's default), committed when it returns and rolled
    /// back when it throws.
    ///
    /// When the rollback fails too, the connection is closed so that the pool does not hand out a connection that is
    /// still inside the failed transaction.
    func transaction<T>(action: String, _ body: () async throws(LedgerError) -> T) async throws(LedgerError) -> T {
        _ = try await query("BEGIN", action: action)
        do {
            let result = try await body()
            _ = try await query("COMMIT", action: action)
            return result
        } catch {
            do {
                _ = try await query("ROLLBACK", action: action)
            } catch {
                logger.warning(
                    "rolling back a ledger transaction failed; dropping the connection",
                    metadata: ["ledger.postgres": "\(settings)", "error": "\(error)"])
                connection.close().whenComplete { _ in }
            }
            throw error
        }
    }

    /// `row`, read as a `commands` row.
    func row(_ row: PostgresRow) -> PostgresLedgerRow {
        PostgresLedgerRow(row: row.makeRandomAccess(), settings: settings)
    }
}
