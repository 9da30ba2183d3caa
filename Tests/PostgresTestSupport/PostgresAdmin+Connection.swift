import AssetForgeConfiguration
import Logging

@testable import Ledger

// In a file of its own: here `PostgresConnection` is the configuration's URL parts, not PostgresNIO's connection.
extension PostgresAdmin {
    /// Statements at `connection` (a `postgres://` URL's parts), logging through `logger`.
    /// - Throws: ``Ledger/LedgerError/Code/unavailable`` for a URL parameter the ledger's driver cannot use.
    public init(_ connection: PostgresConnection, logger: Logger) throws(LedgerError) {
        self.init(settings: try PostgresLedgerSettings(connection), logger: logger)
    }
}
