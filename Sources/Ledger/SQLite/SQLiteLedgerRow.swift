import SQLiteNIO

/// One row of the `commands` table, read column by column; a missing or mistyped value is
/// ``LedgerError/Code/corrupt``.
struct SQLiteLedgerRow: LedgerRowReader {
    let row: SQLiteRow
    /// The database file, for messages.
    let path: String

    private func value(_ column: String) throws(LedgerError) -> SQLiteData {
        guard let value = row.column(column) else {
            throw damaged("has no column \(column)")
        }
        return value
    }

    func damaged(_ problem: String) -> LedgerError {
        let key = row.column("key")?.string ?? "?"
        return LedgerError(
            .corrupt,
            "the entry \(key) in the ledger at \(path) \(problem); the file was changed by something other than "
                + "this AssetForge version: restore it from a backup or run the AssetForge that wrote it")
    }

    func optionalText(_ column: String) throws(LedgerError) -> String? {
        switch try value(column) {
        case .null: return nil
        case .text(let text): return text
        default: throw damaged("has a \(column) that is not text")
        }
    }

    func optionalInteger(_ column: String) throws(LedgerError) -> Int? {
        switch try value(column) {
        case .null: return nil
        case .integer(let integer): return integer
        default: throw damaged("has a \(column) that is not an integer")
        }
    }

    func optionalBytes(_ column: String) throws(LedgerError) -> [UInt8]? {
        switch try value(column) {
        case .null: return nil
        // One copy of the whole buffer (Array(buffer.readableBytesView) copies byte by byte).
        case .blob(let buffer): return buffer.withUnsafeReadableBytes { Array($0) }
        default: throw damaged("has a \(column) that is not a blob")
        }
    }
}
