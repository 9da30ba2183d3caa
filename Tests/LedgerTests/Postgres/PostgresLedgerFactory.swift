import AssetForgeConfiguration
import Foundation
import Logging

@testable import Ledger

/// Opens ``PostgresLedgerStore``s on a database of its own, created on the test server by ``make(owner:)`` and
/// dropped by ``remove()``, so that tests running at once do not see each other's entries.
struct PostgresLedgerFactory: LedgerStoreFactory {
    /// The superuser's connection (to the server's default database).
    let admin: PostgresConnection
    /// The stores' connection: the new database.
    let connection: PostgresConnection
    /// The new database's name.
    let database: String

    /// A factory on a new, empty database owned by `owner` (default: the superuser).
    static func make(owner: String? = nil) async throws -> PostgresLedgerFactory {
        let admin = try PostgresTestServer.adminConnection()
        let database = PostgresTestServer.uniqueName("t_")
        try await Self.admin(admin).execute(
            "CREATE DATABASE \(database)" + (owner.map { " OWNER \($0)" } ?? ""))
        return PostgresLedgerFactory(
            admin: admin, connection: PostgresTestServer.connection(admin, database: database), database: database)
    }

    /// Runs `body` with a factory on a new database and drops the database afterwards, also when `body` throws.
    static func withFreshDatabase<T>(
        owner: String? = nil, _ body: (PostgresLedgerFactory) async throws -> T
    ) async throws -> T {
        let factory = try await make(owner: owner)
        do {
            let result = try await body(factory)
            try await factory.remove()
            return result
        } catch {
            try? await factory.remove()
            throw error
        }
    }

    func open() async throws -> any LedgerStore {
        try await openPostgres()
    }

    /// A new store on the database.
    func openPostgres() async throws(LedgerError) -> PostgresLedgerStore {
        try await PostgresLedgerStore.open(connection, logger: .ledgerTests)
    }

    /// Statements as the superuser, in the factory's database.
    var inDatabase: PostgresAdmin {
        get throws { try Self.admin(connection) }
    }

    /// Drops the database (and closes what is still connected to it).
    func remove() async throws {
        try await Self.admin(admin).execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
    }

    /// Statements as the superuser at `connection`.
    static func admin(_ connection: PostgresConnection) throws -> PostgresAdmin {
        PostgresAdmin(settings: try PostgresLedgerSettings(connection))
    }
}
