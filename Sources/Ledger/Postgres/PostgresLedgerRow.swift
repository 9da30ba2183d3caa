import PostgresNIO

/// One row of the `commands` table as PostgreSQL returns it, read column by column; a missing or mistyped value is
/// ``LedgerError/Code/corrupt``.
struct PostgresLedgerRow: LedgerRowReader {
    let row: PostgresRandomAccessRow
    /// Where it came from, for messages.
    let settings: PostgresLedgerSettings

    func damaged(_ problem: String) -> LedgerError {
        let key = row.contains("key") ? (try? row["key"].decode(String.self)) ?? "?" : "?"
        return LedgerError(
            .corrupt,
            "the entry \(key) in the ledger on \(settings) \(problem); the table was changed by something other than "
                + "this AssetForge version: restore the database from a backup or run the AssetForge that wrote it")
    }

    func optionalText(_ column: String) throws(LedgerError) -> String? {
        try decode(column, as: String.self, described: "text")
    }

    func optionalInteger(_ column: String) throws(LedgerError) -> Int? {
        try decode(column, as: Int.self, described: "an integer")
    }

    func optionalBytes(_ column: String) throws(LedgerError) -> [UInt8]? {
        try decode(column, as: ByteBuffer.self, described: "bytea").map { Array($0.readableBytesView) }
    }

    private func decode<T: PostgresDecodable>(
        _ column: String, as type: T.Type, described: String = ""
    ) throws(LedgerError) -> T? where T._DecodableType == T {
        guard row.contains(column) else { throw damaged("has no column \(column)") }
        do {
            return try row[column].decode(T?.self)
        } catch {
            throw damaged("has a \(column) that is not \(described) (\(row[column].dataType))")
        }
    }
}
