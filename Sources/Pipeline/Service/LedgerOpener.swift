import AssetForgeConfiguration
import Ledger
import Logging

/// Opens the ledger that `ASSETFORGE_LEDGER_URL` names.
public enum LedgerOpener {
    /// The ledger at `location`.
    /// - Throws: ``Ledger/LedgerError`` when it cannot be opened.
    public static func open(_ location: LedgerLocation, logger: Logger) async throws(LedgerError) -> any LedgerStore {
        switch location {
        case .sqlite(let path):
            return try await SQLiteLedgerStore.open(path: path, logger: logger)
        case .postgres(let connection):
            return try await PostgresLedgerStore.open(connection, logger: logger)
        }
    }
}
