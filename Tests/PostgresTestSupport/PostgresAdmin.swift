import Logging
import PostgresNIO

// `@testable`: the statements connect exactly as the ledger does (``PostgresLedgerSettings`` turns a URL's parts
// into the driver's configuration), and that type is internal to the Ledger module.
@testable import Ledger

/// Runs statements as the test server's superuser, outside any ledger store (creating databases and roles, looking
/// at what a store wrote, holding row locks).
public struct PostgresAdmin: Sendable {
    /// Where the statements go.
    let settings: PostgresLedgerSettings
    /// Where the driver logs.
    let logger: Logger

    /// Opens a connection, runs `body` with it and closes it.
    public func withConnection<T>(_ body: (PostgresNIO.PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresNIO.PostgresConnection.connect(
            configuration: try settings.connectionConfiguration(), id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs `sql` (no parameters: every name in it is made by the tests) and returns its rows.
    @discardableResult
    public func execute(_ sql: String) async throws -> [PostgresRow] {
        try await withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).get().rows
        }
    }

    /// The first column of every row of `sql`, as text.
    public func texts(_ sql: String) async throws -> [String] {
        try await execute(sql).map { try $0.makeRandomAccess()[0].decode(String.self) }
    }
}
