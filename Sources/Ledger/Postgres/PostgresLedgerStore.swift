import Foundation
import Logging
import PostgresNIO

/// The ledger in a PostgreSQL database: the backend of ``LedgerStore`` for several AssetForge instances on several
/// machines.
///
/// Every instance opens its own store on the same database. A claim is one `UPDATE … WHERE key IN (SELECT … FOR
/// UPDATE SKIP LOCKED) RETURNING …` statement, so two instances never claim the same command and never wait for each
/// other's claims; updates are fenced by the lease's owner and version exactly as in ``SQLiteLedgerStore``. Each call
/// is one statement or one transaction, committed before it returns.
///
/// ``open(_:logger:)`` connects once outside the pool, so an unreachable server, a refused login or a missing
/// database fails at once with the server's own reason, and migrates the schema (see ``PostgresLedgerSchema``). Then
/// calls use a pool of up to 10 connections, opened as needed. When the server goes away later, calls wait for a
/// connection for up to a minute before they fail with ``LedgerError/Code/unavailable``.
///
/// Behaviour beyond the protocol's (the same as ``SQLiteLedgerStore``):
/// - Dates are kept to the millisecond (rounded to the nearest); lease durations are truncated to the millisecond.
/// - ``claim(key:owner:leaseDuration:now:)`` respects ``LedgerEntry/notBefore`` like the batch claim.
/// - ``renew(keys:owner:leaseDuration:now:)`` renews every listed lease still held by `owner`, expired or not.
/// - ``release(_:lease:notBefore:)`` is a silent no-op when `lease` is no longer the current claim, and does not
///   change ``LedgerEntry/updatedAt``.
/// - ``countsByState()`` has every state, with 0 for those without entries.
///
/// Log metadata: `ledger.postgres` (server, user and database; never the password), `ledger.schema_version`.
public final class PostgresLedgerStore: LedgerStore {
    private typealias SQL = PostgresLedgerSQL

    let client: PostgresLedgerClient

    private init(client: PostgresLedgerClient) {
        self.client = client
    }

    /// Where the store connects (for messages).
    private var settings: PostgresLedgerSettings { client.settings }

    /// Connects with `settings`, migrates the schema and starts the pool.
    static func open(settings: PostgresLedgerSettings, logger: Logger) async throws(LedgerError) -> PostgresLedgerStore
    {
        let configuration = try settings.connectionConfiguration()
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw LedgerError.postgres(error, settings: settings, action: "opening the ledger")
        }
        do {
            try await PostgresLedgerSchema.migrate(
                PostgresLedgerSession(connection: connection, settings: settings, logger: logger), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
        let client = PostgresLedgerClient(settings: settings, logger: logger)
        logger.info(
            "ledger opened",
            metadata: [
                "ledger.postgres": "\(settings)",
                "ledger.schema_version": "\(PostgresLedgerSchema.currentVersion)",
            ])
        return PostgresLedgerStore(client: client)
    }

    /// See ``LedgerStore/plan(_:now:)``. One transaction: `INSERT … ON CONFLICT (key) DO NOTHING RETURNING key`
    /// tells which commands this call created, then every entry is read back. A key repeated in `commands` is
    /// created by its first occurrence; later ones report `created == false`.
    public func plan(_ commands: [LedgerCommand], now: Date) async throws(LedgerError) -> [PlanOutcome] {
        guard !commands.isEmpty else { return [] }
        var firstIndex: [String: Int] = [:]
        for (index, command) in commands.enumerated() where firstIndex[command.key] == nil {
            firstIndex[command.key] = index
        }
        // Inserted in key order: two stores planning overlapping batches lock the keys in the same order, so they
        // wait for each other instead of deadlocking.
        let unique = firstIndex.values.map { commands[$0] }.sorted { $0.key < $1.key }
        let action = "planning \(commands.count) command(s)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            try await session.transaction(action: action) { () async throws(LedgerError) in
                var created = Set<String>()
                for start in stride(from: 0, to: unique.count, by: SQL.maximumInsertRows) {
                    let chunk = unique[start..<min(start + SQL.maximumInsertRows, unique.count)]
                    let rows = try await session.query(
                        SQL.insert(rows: chunk.count), Self.insertBinds(chunk, now: now), action: action)
                    for row in rows {
                        created.insert(try session.row(row).text("key"))
                    }
                }
                let entries = try await Self.entries(keys: unique.map(\.key), session, action: action)
                var outcomes: [PlanOutcome] = []
                outcomes.reserveCapacity(commands.count)
                for (index, command) in commands.enumerated() {
                    guard let entry = entries[command.key] else {
                        throw LedgerError(
                            .queryFailed,
                            "planning \(command.key) on \(session.settings): the insert was skipped as a duplicate "
                                + "but no entry has that key; check the commands table's primary key")
                    }
                    let isFirst = firstIndex[command.key] == index
                    outcomes.append(PlanOutcome(entry: entry, created: isFirst && created.contains(command.key)))
                }
                return outcomes
            }
        }
    }

    /// See ``LedgerStore/recordedOutcomes(keys:)``. One statement, whatever the number of keys.
    public func recordedOutcomes(keys: [String]) async throws(LedgerError) -> [String: RecordedOutcome] {
        guard !keys.isEmpty else { return [:] }
        let action = "reading the outcomes of \(keys.count) entries"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            try await Self.rows(keys: keys, SQL.selectOutcomes, session, action: action) {
                row throws(LedgerError) in
                let outcome = try row.recordedOutcome()
                return (outcome.key, outcome)
            }
        }
    }

    /// See ``LedgerStore/entry(_:)``.
    public func entry(_ key: String) async throws(LedgerError) -> LedgerEntry? {
        let action = "reading \(key)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(key)
            let rows = try await session.query(SQL.select, binds, action: action)
            return try rows.first.map { row throws(LedgerError) in try session.row(row).entry() }
        }
    }

    /// See ``LedgerStore/latest(sku:role:)``. Ties on revision and planning time go to the greater key.
    public func latest(sku: String, role: String) async throws(LedgerError) -> LedgerEntry? {
        let action = "finding the latest \(role) of SKU \(sku)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(sku)
            binds.append(role)
            let rows = try await session.query(SQL.latest, binds, action: action)
            return try rows.first.map { row throws(LedgerError) in try session.row(row).entry() }
        }
    }

    /// See ``LedgerStore/claim(owner:limit:leaseDuration:now:)``. One `UPDATE … RETURNING` statement whose subquery
    /// locks the rows it picks with `FOR UPDATE SKIP LOCKED`. A lease is expired from its `expiresAt` on.
    public func claim(
        owner: String, limit: Int, leaseDuration: Duration, now: Date
    ) async throws(LedgerError) -> [LedgerEntry] {
        guard limit > 0 else { return [] }
        let action = "claiming up to \(limit) command(s) for \(owner)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(owner)
            binds.append(LedgerMilliseconds.of(now, plus: leaseDuration))
            binds.append(LedgerMilliseconds.of(now))
            binds.append(limit)
            let rows = try await session.query(SQL.claim, binds, action: action)
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
        let action = "claiming \(key) for \(owner)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(owner)
            binds.append(LedgerMilliseconds.of(now, plus: leaseDuration))
            binds.append(key)
            binds.append(LedgerMilliseconds.of(now))
            let rows = try await session.query(SQL.claimKey, binds, action: action)
            return try rows.first.map { row throws(LedgerError) in try session.row(row).entry() }
        }
    }

    /// See ``LedgerStore/renew(keys:owner:leaseDuration:now:)``. Renews every listed lease still held by `owner`,
    /// even one past its expiry that nobody took over. One statement, however many keys.
    public func renew(
        keys: [String], owner: String, leaseDuration: Duration, now: Date
    ) async throws(LedgerError) -> Set<String> {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [] }
        let action = "renewing \(unique.count) lease(s) of \(owner)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(LedgerMilliseconds.of(now, plus: leaseDuration))
            binds.append(owner)
            binds.append(unique)
            let rows = try await session.query(SQL.renew, binds, action: action)
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
        let action = "updating \(key) to \(update.state)"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            let rows = try await session.query(
                SQL.update, Self.updateBinds(key, lease: lease, update, now: now), action: action)
            if let row = rows.first {
                return try session.row(row).entry()
            }
            var binds = PostgresBindings()
            binds.append(key)
            let found = try await session.query(SQL.exists, binds, action: action)
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
        let action = "releasing \(key)"
        try await client.withSession(action: action) { session throws(LedgerError) in
            var binds = PostgresBindings()
            binds.append(notBefore.map(LedgerMilliseconds.of))
            binds.append(key)
            binds.append(lease.owner)
            binds.append(lease.version)
            _ = try await session.query(SQL.release, binds, action: action)
        }
    }

    /// See ``LedgerStore/countsByState()``. Every state is present, 0 when no entry is in it.
    public func countsByState() async throws(LedgerError) -> [LedgerState: Int] {
        let action = "counting entries by state"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            let rows = try await session.query(SQL.countsByState, action: action)
            return try LedgerStateCounts.tally(rows.map(session.row), ledger: "on \(session.settings)")
        }
    }

    /// See ``LedgerStore/unfinishedCount()``.
    public func unfinishedCount() async throws(LedgerError) -> Int {
        let action = "counting unfinished entries"
        return try await client.withSession(action: action) { session throws(LedgerError) in
            let rows = try await session.query(SQL.unfinishedCount, action: action)
            guard let row = rows.first else { return 0 }
            return try session.row(row).integer("count")
        }
    }

    /// See ``LedgerStore/checkWritable()``. Writes a heartbeat row, so a read-only server (a standby) fails.
    public func checkWritable() async throws(LedgerError) {
        let action = "writing the readiness heartbeat"
        try await client.withSession(action: action) { session throws(LedgerError) in
            _ = try await session.query(SQL.heartbeat, action: action)
        }
    }

    /// See ``LedgerStore/close()``. Closes the pool's connections; calls still running fail with
    /// ``LedgerError/Code/unavailable`` (their transactions roll back). Idempotent.
    public func close() async {
        await client.close()
    }
}

extension PostgresLedgerStore {
    /// The entries among `keys` that exist, by key.
    private static func entries(
        keys: [String], _ session: PostgresLedgerSession, action: String
    ) async throws(LedgerError) -> [String: LedgerEntry] {
        try await rows(keys: keys, SQL.selectMany, session, action: action) { row throws(LedgerError) in
            let entry = try row.entry()
            return (entry.key, entry)
        }
    }

    /// The rows of `keys` that `sql` (taking the keys as `$1`) returns, read by `read` into values by key.
    private static func rows<Value>(
        keys: [String], _ sql: String, _ session: PostgresLedgerSession, action: String,
        read: (PostgresLedgerRow) throws(LedgerError) -> (String, Value)
    ) async throws(LedgerError) -> [String: Value] {
        var binds = PostgresBindings()
        binds.append(keys)
        var values: [String: Value] = [:]
        for row in try await session.query(sql, binds, action: action) {
            let (key, value) = try read(session.row(row))
            values[key] = value
        }
        return values
    }

    private static func insertBinds(_ commands: ArraySlice<LedgerCommand>, now: Date) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 2 + commands.count * SQL.insertParametersPerRow)
        binds.append(LedgerState.planned.rawValue)
        binds.append(LedgerMilliseconds.of(now))
        for command in commands {
            binds.append(command.key)
            binds.append(command.sku)
            binds.append(command.kind.rawValue)
            binds.append(command.variant)
            binds.append(command.locale)
            binds.append(command.role)
            binds.append(command.revision)
            binds.append(command.dependsOn)
            binds.append(ByteBuffer(bytes: command.specification))
            binds.append(command.sourceEvent.id)
            binds.append(command.sourceEvent.source)
            binds.append(command.sourceEvent.type)
        }
        return binds
    }

    private static func updateBinds(_ key: String, lease: Lease, _ update: LedgerUpdate, now: Date) -> PostgresBindings
    {
        var binds = PostgresBindings(capacity: 24)
        binds.append(update.state.rawValue)
        binds.append(update.addAttempts)
        binds.append(update.provider)
        binds.append(update.providerTaskID)
        binds.append(update.progress.map { ByteBuffer(bytes: $0) })
        binds.append(update.stored?.url)
        binds.append(update.stored?.objectKey)
        binds.append(update.stored?.sha256)
        binds.append(update.stored?.bytes)
        binds.append(update.stored?.contentType)
        binds.append(update.costCNY?.description)
        binds.append(update.envelope?.topic)
        binds.append(update.envelope?.eventID)
        binds.append(update.envelope.map { ByteBuffer(bytes: $0.key) })
        binds.append(update.envelope.map { ByteBuffer(bytes: $0.value) })
        binds.append(update.failureReason)
        binds.append(update.failureMessage)
        binds.append(update.resolvedTo)
        binds.append(update.notBefore.map(LedgerMilliseconds.of))
        binds.append(update.release || update.state.isFinished)
        binds.append(LedgerMilliseconds.of(now))
        binds.append(key)
        binds.append(lease.owner)
        binds.append(lease.version)
        return binds
    }
}
