import AssetForgeConfiguration
import Logging

/// A database of its own on the test server (``PostgresTestServer``), created by ``create(owner:logger:)`` and
/// dropped by ``remove()``, so that tests running at once, and runs after one another, never see each other's rows.
public struct PostgresTestDatabase: Sendable {
    /// The superuser's connection to the server's default database.
    public let admin: PostgresConnection
    /// The superuser's connection to the new database.
    public let connection: PostgresConnection
    /// The new database's name.
    public let name: String
    /// Where the statements that create and drop it log.
    private let logger: Logger

    /// Creates a new, empty database owned by `owner` (default: the superuser).
    /// - Throws: ``PostgresTestServer/Unavailable`` when `ASSETFORGE_TEST_POSTGRES_URL` is missing or wrong; the
    ///   server's error when it refuses.
    public static func create(owner: String? = nil, logger: Logger) async throws -> PostgresTestDatabase {
        let admin = try PostgresTestServer.adminConnection()
        let name = PostgresTestServer.uniqueName("t_")
        try await PostgresAdmin(admin, logger: logger).execute(
            "CREATE DATABASE \(name)" + (owner.map { " OWNER \($0)" } ?? ""))
        return PostgresTestDatabase(
            admin: admin, connection: PostgresTestServer.connection(admin, database: name), name: name,
            logger: logger)
    }

    /// Runs `body` with a new database and drops the database afterwards, also when `body` throws.
    public static func withFresh<T>(
        owner: String? = nil, logger: Logger, _ body: (PostgresTestDatabase) async throws -> T
    ) async throws -> T {
        let database = try await create(owner: owner, logger: logger)
        do {
            let result = try await body(database)
            try await database.remove()
            return result
        } catch {
            try? await database.remove()
            throw error
        }
    }

    /// The `postgres://` URL of the database, for another process's `ASSETFORGE_LEDGER_URL`.
    public func url() throws -> String {
        try PostgresTestServer.url(database: name)
    }

    /// Statements as the superuser, in the database.
    public func inDatabase() throws -> PostgresAdmin {
        try PostgresAdmin(connection, logger: logger)
    }

    /// Drops the database (and closes what is still connected to it).
    public func remove() async throws {
        try await PostgresAdmin(admin, logger: logger).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
