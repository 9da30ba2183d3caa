import AssetForgeConfiguration
import Logging

extension PostgresLedgerStore {
    /// Opens the ledger in the PostgreSQL database `connection` names, creating or migrating its tables, and starts
    /// the store's connection pool (closed by ``close()``).
    ///
    /// - Parameters:
    ///   - connection: the parts of `ASSETFORGE_LEDGER_URL` (`postgres://user:password@host:port/database?…`).
    ///     Defaults: host `127.0.0.1` (TCP only), port 5432, the user this process runs as, the database named like
    ///     the user. Query parameters: `sslmode` (`disable`, the default on a loopback host; `prefer`, the default
    ///     elsewhere; `require`; `verify-ca`; `verify-full`), `sslrootcert` (a PEM file of CA certificates),
    ///     `connect_timeout` (seconds, default 10), `application_name` (default `assetforge`), `password`. Any other
    ///     parameter is refused rather than ignored.
    ///   - logger: where the store and its driver log (opening, migrations, connection problems). The password is
    ///     never logged.
    /// - Throws: ``LedgerError/Code/unavailable`` when the server cannot be reached, refuses the login, has no such
    ///   database, or the URL has a parameter this backend cannot use; ``LedgerError/Code/corrupt`` when the
    ///   database's schema was written by a newer AssetForge.
    public static func open(_ connection: PostgresConnection, logger: Logger) async throws(LedgerError)
        -> PostgresLedgerStore
    {
        try await open(settings: PostgresLedgerSettings(connection), logger: logger)
    }
}
