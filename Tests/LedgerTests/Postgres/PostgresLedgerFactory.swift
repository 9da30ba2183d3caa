import AssetForgeConfiguration
import Foundation
import Logging
import PostgresTestSupport

@testable import Ledger

/// Opens ``PostgresLedgerStore``s on a database of its own, created on the test server by ``make(owner:)`` and
/// dropped by ``remove()``, so that tests running at once do not see each other's entries.
struct PostgresLedgerFactory: LedgerStoreFactory {
    /// The database the stores use.
    let fresh: PostgresTestDatabase

    /// The superuser's connection (to the server's default database).
    var admin: PostgresConnection { fresh.admin }
    /// The stores' connection: the new database.
    var connection: PostgresConnection { fresh.connection }
    /// The new database's name.
    var database: String { fresh.name }

    /// A factory on a new, empty database owned by `owner` (default: the superuser).
    static func make(owner: String? = nil) async throws -> PostgresLedgerFactory {
        PostgresLedgerFactory(fresh: try await PostgresTestDatabase.create(owner: owner, logger: .ledgerTests))
    }

    /// Runs `body` with a factory on a new database and drops the database afterwards, also when `body` throws.
    static func withFreshDatabase<T>(
        owner: String? = nil, _ body: (PostgresLedgerFactory) async throws -> T
    ) async throws -> T {
        try await PostgresTestDatabase.withFresh(owner: owner, logger: .ledgerTests) { fresh in
            try await body(PostgresLedgerFactory(fresh: fresh))
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
        get throws { try fresh.inDatabase() }
    }

    /// Drops the database (and closes what is still connected to it).
    func remove() async throws {
        try await fresh.remove()
    }

    /// Statements as the superuser at `connection`.
    static func admin(_ connection: PostgresConnection) throws -> PostgresAdmin {
        try PostgresAdmin(connection, logger: .ledgerTests)
    }
}
