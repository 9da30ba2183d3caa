import Logging
import SQLiteNIO

/// The SQLite ledger's schema, its connection settings and its migrations.
///
/// The version is kept in `PRAGMA user_version`. Each migration moves the schema from the version before it to its
/// own, inside one `BEGIN IMMEDIATE` transaction, so several processes opening the same file at once migrate it
/// exactly once. Migrations are history: never edit one that has shipped, append a new one.
///
/// Times are stored as `INTEGER` milliseconds since 1970 (dates are kept to the millisecond); `cost_cny` as the
/// `TEXT` of the `Decimal`, so it stays exact.
enum SQLiteLedgerSchema {
    /// How long a statement waits for another process's lock on the file before failing, seconds.
    static let busyTimeoutSeconds = 30

    /// Run on every new connection, in order, before the migrations. Outside any transaction (`journal_mode`
    /// cannot change inside one). `busy_timeout` comes first so the others wait for a lock instead of failing.
    static let connectionSettings = [
        "PRAGMA busy_timeout = 30000",
        // Readers never block the writer and the writer never blocks readers; several processes may share the file.
        "PRAGMA journal_mode = WAL",
        // In WAL mode, FULL syncs the log at every commit: a call that returned survives a kill -9 or a power cut.
        "PRAGMA synchronous = FULL",
        // Reads map the file (up to SQLite's largest mapping, 2 GiB less 64 KiB, on Linux) instead of copying each
        // page with pread: a replay reads one 4 KiB page per recorded command. The mapped pages are the kernel's page
        // cache, shared and reclaimable, which reads through pread would fill just the same.
        "PRAGMA mmap_size = 2147418112",
    ]

    /// The schema version this code reads and writes.
    static var currentVersion: Int { migrations.count }

    /// The states after which nothing more happens, as an SQL list (`('published', 'failed', 'resolved')`).
    ///
    /// Built from ``LedgerState/isFinished`` (constants of this code, never input). The partial index
    /// `commands_claimable` was created with the list of its day; queries always use the current one, so if a
    /// finished state is ever added the queries stay right and a new migration should recreate the index.
    static let finishedStatesSQL =
        "(" + LedgerState.allCases.filter(\.isFinished).map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    /// Migration `n` (1-based) takes the schema from version `n - 1` to `n`.
    static let migrations: [[String]] = [
        // 1: the commands table, its indexes and the readiness heartbeat.
        [
            """
            CREATE TABLE commands (
                key TEXT PRIMARY KEY NOT NULL,
                sku TEXT NOT NULL,
                kind TEXT NOT NULL,
                variant TEXT,
                locale TEXT,
                role TEXT,
                revision INTEGER NOT NULL,
                depends_on TEXT,
                specification BLOB NOT NULL,
                source_event_id TEXT NOT NULL,
                source_event_source TEXT NOT NULL,
                source_event_type TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                provider TEXT,
                provider_task_id TEXT,
                progress BLOB,
                stored_url TEXT,
                stored_object_key TEXT,
                stored_sha256 TEXT,
                stored_bytes INTEGER,
                stored_content_type TEXT,
                cost_cny TEXT,
                envelope_topic TEXT,
                envelope_event_id TEXT,
                envelope_key BLOB,
                envelope_value BLOB,
                failure_reason TEXT,
                failure_message TEXT,
                resolved_to TEXT,
                not_before INTEGER,
                lease_owner TEXT,
                lease_expires_at INTEGER,
                lease_version INTEGER NOT NULL DEFAULT 0,
                planned_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ) STRICT
            """,
            // The claim scan: unfinished rows only, oldest planned first, with the columns it filters on.
            """
            CREATE INDEX commands_claimable
                ON commands (planned_at, key, not_before, lease_expires_at, lease_owner)
                WHERE state NOT IN \(finishedStatesSQL)
            """,
            "CREATE INDEX commands_state ON commands (state)",
            "CREATE INDEX commands_latest ON commands (sku, role, revision DESC, planned_at DESC, key DESC)",
            """
            CREATE TABLE ledger_heartbeat (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                beats INTEGER NOT NULL
            ) STRICT
            """,
            "INSERT INTO ledger_heartbeat (id, beats) VALUES (1, 0)",
        ]
    ]

    /// Applies ``connectionSettings`` (with `synchronous` in place of FULL, for benchmark seeding only) and brings
    /// the schema to ``currentVersion``.
    /// - Throws: ``LedgerError/Code/corrupt`` when the file's schema is newer than this code.
    static func prepare(
        _ session: SQLiteLedgerSession, synchronous: SQLiteLedgerStore.Synchronous = .full, logger: Logger
    ) async throws(LedgerError) {
        for var setting in connectionSettings {
            if setting == "PRAGMA synchronous = FULL" { setting = "PRAGMA synchronous = \(synchronous.rawValue)" }
            let rows = try await session.query(setting, action: "configuring the connection (\(setting))")
            if setting.contains("journal_mode"), let mode = rows.first?.columns.first?.data.string,
                mode.lowercased() != "wal"
            {
                logger.warning(
                    "the ledger's file system does not support WAL; other processes will wait while one writes",
                    metadata: ["ledger.path": "\(session.path)", "ledger.journal_mode": "\(mode)"])
            }
        }
        // Most opens find the schema current: check without taking the write lock.
        if try await version(session) == currentVersion { return }
        try await session.immediateTransaction(action: "migrating the schema") { () async throws(LedgerError) in
            let found = try await version(session)
            guard found <= currentVersion else {
                throw LedgerError(
                    .corrupt,
                    "the ledger at \(session.path) has schema version \(found), newer than the \(currentVersion) "
                        + "this AssetForge knows: it was written by a newer AssetForge; run that version (or newer), "
                        + "or set ASSETFORGE_LEDGER_URL to another file")
            }
            for target in stride(from: found + 1, through: currentVersion, by: 1) {
                for statement in migrations[target - 1] {
                    _ = try await session.query(statement, action: "migrating the schema to version \(target)")
                }
                // A constant of this code, not input: PRAGMA takes no bound parameters.
                _ = try await session.query(
                    "PRAGMA user_version = \(target)", action: "migrating the schema to version \(target)")
                logger.info(
                    "ledger schema migrated",
                    metadata: ["ledger.path": "\(session.path)", "ledger.schema_version": "\(target)"])
            }
        }
    }

    /// The file's schema version (0 for a new file).
    private static func version(_ session: SQLiteLedgerSession) async throws(LedgerError) -> Int {
        let rows = try await session.query("PRAGMA user_version", action: "reading the schema version")
        return rows.first?.columns.first?.data.integer ?? 0
    }
}
