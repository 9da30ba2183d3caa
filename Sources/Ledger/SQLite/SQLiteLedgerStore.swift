import Foundation
import Logging
import SQLiteNIO

/// The ledger in an SQLite database file: the embedded backend of ``LedgerStore``.
///
/// Several processes may open the same file: the database runs in WAL mode, waits up to 30 s for another process's
/// lock (`busy_timeout`), and takes every claim in a single atomic statement, so two processes never hold the same
/// command. Every write is synced before the call returns (`synchronous=FULL`): a process killed right after a call
/// returned does not lose it, and its file reopens as it was.
///
/// Inside one process the store uses one connection, on a thread of its own, and runs one operation at a time;
/// operations are not interrupted by task cancellation once started.
///
/// Behaviour beyond the protocol's:
/// - Dates are kept to the millisecond (rounded to the nearest); lease durations are truncated to the millisecond.
/// - ``claim(key:owner:leaseDuration:now:)`` respects ``LedgerEntry/notBefore`` like the batch claim.
/// - ``renew(keys:owner:leaseDuration:now:)`` renews every listed lease still held by `owner`, expired or not:
///   a lease that expired but was not taken over is still its owner's (a takeover changes the owner).
/// - ``release(_:lease:notBefore:)`` is a silent no-op when `lease` is no longer the current claim, and does not
///   change ``LedgerEntry/updatedAt`` (it takes no clock).
/// - ``countsByState()`` has every state, with 0 for those without entries.
///
/// Log metadata: `ledger.path` (the database file), `ledger.schema_version`.
public final class SQLiteLedgerStore: LedgerStore {
    private typealias SQL = SQLiteLedgerSQL

    private let connection: SQLiteLedgerConnection

    private init(connection: SQLiteLedgerConnection) {
        self.connection = connection
    }

    /// Opens the ledger in the SQLite file at `path`, creating the file and its parent directory if needed and
    /// bringing its schema up to date.
    ///
    /// - Parameters:
    ///   - path: the database file, e.g. `/var/lib/assetforge/ledger.db` (relative paths are relative to the
    ///     working directory). Its directory also holds the `-wal` and `-shm` files.
    ///   - logger: where the store logs (opening, migrations, problems closing).
    /// - Throws: ``LedgerError/Code/unavailable`` when the file or its directory cannot be created or opened;
    ///   ``LedgerError/Code/corrupt`` when the file is not an SQLite database or was written by a newer AssetForge.
    public static func open(path: String, logger: Logger) async throws(LedgerError) -> SQLiteLedgerStore {
        try await open(path: path, synchronous: .full, logger: logger)
    }

    /// Opens the ledger like ``open(path:logger:)``, with `synchronous` in place of the production `FULL`.
    ///
    /// For benchmarks only, to seed a large ledger quickly: with `.off`, a crash or power cut can lose or corrupt
    /// what was written. Never use it for a ledger a service runs from; reopen with ``open(path:logger:)`` (the
    /// setting belongs to the connection, not to the file) before measuring anything.
    @_spi(Benchmarking)
    public static func open(
        path: String, synchronous: Synchronous, logger: Logger
    ) async throws(LedgerError) -> SQLiteLedgerStore {
        guard !path.isEmpty else {
            throw LedgerError(
                .unavailable, "the ledger path is empty; set ASSETFORGE_LEDGER_URL to sqlite://PATH")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LedgerError(
                .unavailable,
                "cannot create the directory \(directory.path) for the ledger at \(path): "
                    + "\(reason(error)); check that the path is a directory you may write to, "
                    + "or set ASSETFORGE_LEDGER_URL to a writable location")
        }
        let connection = try await SQLiteLedgerConnection.open(path: path, synchronous: synchronous, logger: logger)
        logger.info(
            "ledger opened",
            metadata: ["ledger.path": "\(path)", "ledger.schema_version": "\(SQLiteLedgerSchema.currentVersion)"])
        return SQLiteLedgerStore(connection: connection)
    }

    /// `error`'s description without its final full stop, to go inside a sentence.
    private static func reason(_ error: any Error) -> String {
        var text = error.localizedDescription
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// See ``LedgerStore/plan(_:now:)``. One `BEGIN IMMEDIATE` transaction; when every key is already recorded
    /// (a replay) the entries are read without taking the write lock.
    public func plan(_ commands: [LedgerCommand], now: Date) async throws(LedgerError) -> [PlanOutcome] {
        guard !commands.isEmpty else { return [] }
        return try await connection.withSession { session throws(LedgerError) in
            // Replays are the common case: when every key is already recorded, answer without the write lock.
            let recorded = try await Self.entries(keys: commands.map(\.key), session)
            if commands.allSatisfy({ recorded[$0.key] != nil }) {
                return commands.compactMap { command in
                    recorded[command.key].map { PlanOutcome(entry: $0, created: false) }
                }
            }
            let action = "planning \(commands.count) command(s)"
            return try await session.immediateTransaction(action: action) { () async throws(LedgerError) in
                var outcomes: [PlanOutcome] = []
                outcomes.reserveCapacity(commands.count)
                for command in commands {
                    let inserted = try await session.query(
                        SQL.insert, Self.insertBinds(command, now: now), action: action)
                    if let row = inserted.first {
                        outcomes.append(PlanOutcome(entry: try session.row(row).entry(), created: true))
                    } else if let existing = try await Self.entry(key: command.key, session) {
                        outcomes.append(PlanOutcome(entry: existing, created: false))
                    } else {
                        throw LedgerError(
                            .queryFailed,
                            "planning \(command.key) on the ledger at \(session.path): the insert was skipped as a "
                                + "duplicate but no entry has that key; check the file with `sqlite3 "
                                + "\(session.path) 'PRAGMA integrity_check'`")
                    }
                }
                return outcomes
            }
        }
    }

    /// See ``LedgerStore/recordedOutcomes(keys:)``.
    public func recordedOutcomes(keys: [String]) async throws(LedgerError) -> [String: RecordedOutcome] {
        var byKey: [String: RecordedOutcome] = [:]
        for case let outcome? in try await recordedOutcomes(inOrderOf: keys) {
            byKey[outcome.key] = outcome
        }
        return byKey
    }

    /// See ``LedgerStore/recordedOutcomes(inOrderOf:)``. One statement, whatever the number of keys: they are bound
    /// as one JSON array, and each row comes back with its key's position (no key text is read back).
    public func recordedOutcomes(inOrderOf keys: [String]) async throws(LedgerError) -> [RecordedOutcome?] {
        guard !keys.isEmpty else { return [] }
        return try await connection.withSession { session throws(LedgerError) in
            let rows = try await session.query(
                SQL.selectOutcomesInOrder, [.text(SQLiteLedgerValues.jsonArray(keys))],
                action: "reading the outcomes of \(keys.count) entries")
            var outcomes = [RecordedOutcome?](repeating: nil, count: keys.count)
            for row in rows {
                let reader = session.row(row)
                let position = try reader.integer("position")
                guard outcomes.indices.contains(position) else {
                    throw reader.damaged("was read back at position \(position) of \(keys.count) keys")
                }
                outcomes[position] = try reader.recordedOutcome(key: keys[position])
            }
            return outcomes
        }
    }

    /// See ``LedgerStore/entry(_:)``.
    public func entry(_ key: String) async throws(LedgerError) -> LedgerEntry? {
        try await connection.withSession { session throws(LedgerError) in
            try await Self.entry(key: key, session)
        }
    }

    /// See ``LedgerStore/latest(sku:role:)``. Ties on revision and planning time go to the greater key.
    public func latest(sku: String, role: String) async throws(LedgerError) -> LedgerEntry? {
        try await connection.withSession { session throws(LedgerError) in
            let rows = try await session.query(
                SQL.latest, [.text(sku), .text(role)], action: "finding the latest \(role) of SKU \(sku)")
            return try rows.first.map { row throws(LedgerError) in try session.row(row).entry() }
        }
    }

    /// See ``LedgerStore/claim(owner:limit:leaseDuration:now:)``. One `UPDATE … RETURNING` statement, so two
    /// processes never claim the same entry. A lease is expired from its `expiresAt` on.
    public func claim(
        owner: String, limit: Int, leaseDuration: Duration, now: Date
    ) async throws(LedgerError) -> [LedgerEntry] {
        guard limit > 0 else { return [] }
        return try await connection.withSession { session throws(LedgerError) in
            let rows = try await session.query(
                SQL.claim,
                [
                    .text(owner), .integer(SQLiteLedgerValues.milliseconds(now, plus: leaseDuration)),
                    .integer(SQLiteLedgerValues.milliseconds(now)), .integer(limit),
                ],
                action: "claiming up to \(limit) command(s) for \(owner)")
            var claimed: [LedgerEntry] = []
            claimed.reserveCapacity(rows.count)
            for row in rows {
                claimed.append(try session.row(row).entry())
            }
            // RETURNING does not keep the subquery's order.
            return claimed.sorted { ($0.plannedAt, $0.key) < ($1.plannedAt, $1.key) }
        }
    }

    /// See ``LedgerStore/claim(key:owner:leaseDuration:now:)``. Like the batch claim, it waits for
    /// ``LedgerEntry/notBefore``; a lease `owner` already holds is re-claimed with a new version.
    public func claim(
        key: String, owner: String, leaseDuration: Duration, now: Date
    ) async throws(LedgerError) -> LedgerEntry? {
        try await connection.withSession { session throws(LedgerError) in
            let rows = try await session.query(
                SQL.claimKey,
                [
                    .text(owner), .integer(SQLiteLedgerValues.milliseconds(now, plus: leaseDuration)), .text(key),
                    .integer(SQLiteLedgerValues.milliseconds(now)),
                ],
                action: "claiming \(key) for \(owner)")
            return try rows.first.map { row throws(LedgerError) in try session.row(row).entry() }
        }
    }

    /// See ``LedgerStore/renew(keys:owner:leaseDuration:now:)``. Renews every listed lease still held by `owner`,
    /// even one past its expiry that nobody took over.
    public func renew(
        keys: [String], owner: String, leaseDuration: Duration, now: Date
    ) async throws(LedgerError) -> Set<String> {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [] }
        let chunks = stride(from: 0, to: unique.count, by: SQL.maximumListLength).map {
            Array(unique[$0..<min($0 + SQL.maximumListLength, unique.count)])
        }
        let expiresAt = SQLiteData.integer(SQLiteLedgerValues.milliseconds(now, plus: leaseDuration))
        let action = "renewing \(unique.count) lease(s) of \(owner)"
        return try await connection.withSession { session throws(LedgerError) in
            let renewChunk = { (chunk: [String]) async throws(LedgerError) -> [SQLiteRow] in
                try await session.query(
                    SQL.renew(count: chunk.count), [expiresAt, .text(owner)] + chunk.map { .text($0) },
                    action: action)
            }
            var rows: [SQLiteRow] = []
            if chunks.count == 1 {
                rows = try await renewChunk(unique)
            } else {
                rows = try await session.immediateTransaction(action: action) { () async throws(LedgerError) in
                    var rows: [SQLiteRow] = []
                    for chunk in chunks {
                        rows += try await renewChunk(chunk)
                    }
                    return rows
                }
            }
            var renewed = Set<String>()
            for row in rows {
                renewed.insert(try session.row(row).text("key"))
            }
            return renewed
        }
    }

    /// See ``LedgerStore/update(_:lease:_:now:)``. Releases the lease (keeping its version) when `update.release`
    /// is set or the new state is finished.
    /// - Throws: ``LedgerError/Code/leaseLost`` when `lease` is not the current claim,
    ///   ``LedgerError/Code/notFound`` when no entry has the key.
    public func update(
        _ key: String, lease: Lease, _ update: LedgerUpdate, now: Date
    ) async throws(LedgerError) -> LedgerEntry {
        if let cost = update.costCNY, cost.isNaN {
            throw LedgerError(.queryFailed, "updating \(key): the cost is not a number; pass a finite cost or nil")
        }
        return try await connection.withSession { session throws(LedgerError) in
            let action = "updating \(key) to \(update.state)"
            let rows = try await session.query(
                SQL.update, Self.updateBinds(key, lease: lease, update, now: now), action: action)
            if let row = rows.first {
                return try session.row(row).entry()
            }
            let found = try await session.query(SQL.exists, [.text(key)], action: action)
            guard !found.isEmpty else {
                throw LedgerError(.notFound, "no ledger entry has the key \(key); plan the command before updating it")
            }
            throw LedgerError(
                .leaseLost,
                "the claim on \(key) by \(lease.owner) (version \(lease.version)) is no longer current: another "
                    + "process took it over or it was released; stop working on this command")
        }
    }

    /// See ``LedgerStore/release(_:lease:notBefore:)``. A silent no-op when `lease` is no longer the current claim;
    /// leaves ``LedgerEntry/updatedAt`` as it was.
    public func release(_ key: String, lease: Lease, notBefore: Date?) async throws(LedgerError) {
        try await connection.withSession { session throws(LedgerError) in
            _ = try await session.query(
                SQL.release,
                [SQLiteLedgerValues.date(notBefore), .text(key), .text(lease.owner), .integer(Int(lease.version))],
                action: "releasing \(key)")
        }
    }

    /// See ``LedgerStore/countsByState()``. Every state is present, 0 when no entry is in it.
    public func countsByState() async throws(LedgerError) -> [LedgerState: Int] {
        try await connection.withSession { session throws(LedgerError) in
            let rows = try await session.query(SQL.countsByState, action: "counting entries by state")
            return try LedgerStateCounts.tally(rows.map(session.row), ledger: "at \(session.path)")
        }
    }

    /// See ``LedgerStore/unfinishedCount()``.
    public func unfinishedCount() async throws(LedgerError) -> Int {
        try await connection.withSession { session throws(LedgerError) in
            let rows = try await session.query(SQL.unfinishedCount, action: "counting unfinished entries")
            guard let row = rows.first else { return 0 }
            return try session.row(row).integer("count")
        }
    }

    /// See ``LedgerStore/checkWritable()``. Writes (and syncs) a heartbeat row.
    public func checkWritable() async throws(LedgerError) {
        try await connection.withSession { session throws(LedgerError) in
            _ = try await session.query(SQL.heartbeat, action: "writing the readiness heartbeat")
        }
    }

    /// See ``LedgerStore/close()``. Waits for the running operation, then closes the file. Idempotent.
    public func close() async {
        await connection.close()
    }
}

extension SQLiteLedgerStore {
    /// The connection's settings and schema version as SQLite reports them, by pragma name (for tests).
    func pragmas() async throws(LedgerError) -> [String: String] {
        try await connection.withSession { session throws(LedgerError) in
            var values: [String: String] = [:]
            for name in ["journal_mode", "synchronous", "busy_timeout", "mmap_size", "user_version"] {
                let rows = try await session.query("PRAGMA \(name)", action: "reading PRAGMA \(name)")
                values[name] = rows.first?.columns.first?.data.string
            }
            return values
        }
    }

    /// The entry `key`, or `nil`.
    private static func entry(key: String, _ session: SQLiteLedgerSession) async throws(LedgerError) -> LedgerEntry? {
        let rows = try await session.query(SQL.select, [.text(key)], action: "reading \(key)")
        return try rows.first.map { row throws(LedgerError) in try session.row(row).entry() }
    }

    /// The entries among `keys` that exist, by key.
    private static func entries(
        keys: [String], _ session: SQLiteLedgerSession
    ) async throws(LedgerError) -> [String: LedgerEntry] {
        try await rows(keys: keys, SQL.selectMany, action: "reading", session) { row throws(LedgerError) in
            let entry = try row.entry()
            return (entry.key, entry)
        }
    }

    /// The rows of `keys` (in statements of at most ``SQLiteLedgerSQL/maximumListLength`` keys: `sql(count)` takes
    /// `count` keys), read by `read` into values by key.
    private static func rows<Value>(
        keys: [String], _ sql: (Int) -> String, action: String, _ session: SQLiteLedgerSession,
        read: (SQLiteLedgerRow) throws(LedgerError) -> (String, Value)
    ) async throws(LedgerError) -> [String: Value] {
        // A key given twice is looked up twice (`IN` matches its row once); a batch's keys are normally distinct.
        var values: [String: Value] = [:]
        values.reserveCapacity(keys.count)
        for start in stride(from: 0, to: keys.count, by: SQL.maximumListLength) {
            let chunk = keys[start..<min(start + SQL.maximumListLength, keys.count)]
            let rows = try await session.query(
                sql(chunk.count), chunk.map { .text($0) }, action: "\(action) \(keys.count) entries")
            for row in rows {
                let (key, value) = try read(session.row(row))
                values[key] = value
            }
        }
        return values
    }

    private static func insertBinds(_ command: LedgerCommand, now: Date) -> [SQLiteData] {
        [
            .text(command.key), .text(command.sku), .text(command.kind.rawValue),
            SQLiteLedgerValues.text(command.variant), SQLiteLedgerValues.text(command.locale),
            SQLiteLedgerValues.text(command.role), .integer(command.revision),
            SQLiteLedgerValues.text(command.dependsOn), SQLiteLedgerValues.bytes(command.specification),
            .text(command.sourceEvent.id), .text(command.sourceEvent.source), .text(command.sourceEvent.type),
            .text(LedgerState.planned.rawValue), SQLiteLedgerValues.date(now),
        ]
    }

    private static func updateBinds(_ key: String, lease: Lease, _ update: LedgerUpdate, now: Date) -> [SQLiteData] {
        let releases = update.release || update.state.isFinished
        return [
            .text(update.state.rawValue), .integer(update.addAttempts),
            SQLiteLedgerValues.text(update.provider), SQLiteLedgerValues.text(update.providerTaskID),
            SQLiteLedgerValues.bytes(update.progress),
            SQLiteLedgerValues.text(update.stored?.url), SQLiteLedgerValues.text(update.stored?.objectKey),
            SQLiteLedgerValues.text(update.stored?.sha256),
            SQLiteLedgerValues.integer(update.stored.map { Int($0.bytes) }),
            SQLiteLedgerValues.text(update.stored?.contentType),
            SQLiteLedgerValues.text(update.costCNY?.description),
            SQLiteLedgerValues.text(update.envelope?.topic), SQLiteLedgerValues.text(update.envelope?.eventID),
            SQLiteLedgerValues.bytes(update.envelope?.key), SQLiteLedgerValues.bytes(update.envelope?.value),
            SQLiteLedgerValues.text(update.failureReason), SQLiteLedgerValues.text(update.failureMessage),
            SQLiteLedgerValues.text(update.resolvedTo),
            SQLiteLedgerValues.date(update.notBefore),
            .integer(releases ? 1 : 0),
            SQLiteLedgerValues.date(now),
            .text(key), .text(lease.owner), .integer(Int(lease.version)),
        ]
    }
}

extension SQLiteLedgerSession {
    /// `row`, read as a `commands` row.
    fileprivate func row(_ row: SQLiteRow) -> SQLiteLedgerRow {
        SQLiteLedgerRow(row: row, path: path)
    }
}
