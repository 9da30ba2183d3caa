import Logging
import PostgresNIO
import Testing

@testable import Ledger

/// Runs statements as the test server's superuser, outside any ledger store (creating databases and roles, looking
/// at what a store wrote, holding row locks).
struct PostgresAdmin {
    /// Where the statements go.
    let settings: PostgresLedgerSettings

    /// Opens a connection, runs `body` with it and closes it.
    func withConnection<T>(_ body: (PostgresNIO.PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresNIO.PostgresConnection.connect(
            configuration: try settings.connectionConfiguration(), id: 1, logger: .ledgerTests)
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
    func execute(_ sql: String) async throws -> [PostgresRow] {
        try await withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: .ledgerTests).get().rows
        }
    }

    /// The first column of every row of `sql`, as text.
    func texts(_ sql: String) async throws -> [String] {
        try await execute(sql).map { try $0.makeRandomAccess()[0].decode(String.self) }
    }
}

extension PostgresAdmin {
    /// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
    static func freeLoopbackPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close()
        return try #require(port)
    }
}
