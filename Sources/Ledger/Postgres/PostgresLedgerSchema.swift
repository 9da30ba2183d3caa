import PostgresNIO

/// The PostgreSQL ledger's schema and its migrations.
///
/// Applied versions are rows of `assetforge_schema_migrations (version, applied_at)`. All pending migrations run in
/// one transaction that first takes a transaction-scoped advisory lock (``advisoryLockKey``), so several instances
/// starting at once migrate the database exactly once: the others wait for the lock, then find nothing to do.
/// Migrations are history: never edit one that has shipped, append a new one.
///
/// The columns are the SQLite ledger's: times as `bigint` milliseconds since 1970 (exact to the millisecond, like
/// every backend), byte strings as `bytea`, `cost_cny` as `numeric` (exact; read back as its text), keys compared
/// byte by byte (`COLLATE "C"`) so that ties are ordered as in SQLite whatever the database's locale.
enum PostgresLedgerSchema {
    /// The advisory lock held while migrating: the ASCII of `AFLEDGER`. Advisory locks are per database, so
    /// ledgers in different databases of one server do not wait for each other.
    static let advisoryLockKey: Int64 = 0x4146_4C45_4447_4552

    /// The schema version this code reads and writes.
    static var currentVersion: Int { migrations.count }

    /// The states after which nothing more happens, as an SQL list (`('published', 'failed', 'resolved')`).
    ///
    /// Built from ``LedgerState/isFinished`` (constants of this code, never input). The partial index
    /// `commands_claimable` was created with the list of its day; queries always use the current one, so if a
    /// finished state is ever added the queries stay right and a new migration should recreate the index.
    static let finishedStatesSQL =
        "(" + LedgerState.allCases.filter(\.isFinished).map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    /// Creates the version table if needed; run under the advisory lock.
    static let createVersionTable = """
        CREATE TABLE IF NOT EXISTS assetforge_schema_migrations (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// Migration `n` (1-based) takes the schema from version `n - 1` to `n`.
    static let migrations: [[String]] = [
        // 1: the commands table, its indexes and the readiness heartbeat.
        [
            """
            CREATE TABLE commands (
                key text COLLATE "C" PRIMARY KEY,
                sku text NOT NULL,
                kind text NOT NULL,
                variant text,
                locale text,
                role text,
                revision bigint NOT NULL,
                depends_on text,
                specification bytea NOT NULL,
                source_event_id text NOT NULL,
                source_event_source text NOT NULL,
                source_event_type text NOT NULL,
                state text NOT NULL,
                attempts bigint NOT NULL DEFAULT 0,
                provider text,
                provider_task_id text,
                progress bytea,
                stored_url text,
                stored_object_key text,
                stored_sha256 text,
                stored_bytes bigint,
                stored_content_type text,
                cost_cny numeric,
                envelope_topic text,
                envelope_event_id text,
                envelope_key bytea,
                envelope_value bytea,
                failure_reason text,
                failure_message text,
                resolved_to text,
                not_before bigint,
                lease_owner text,
                lease_expires_at bigint,
                lease_version bigint NOT NULL DEFAULT 0,
                planned_at bigint NOT NULL,
                updated_at bigint NOT NULL
            )
            """,
            """
            COMMENT ON TABLE commands IS 'AssetForge idempotency ledger: one row per command key. planned_at, '
                'updated_at, not_before and lease_expires_at are milliseconds since 1970-01-01 UTC.'
            """,
            // The claim scan: unfinished rows only, oldest planned first.
            """
            CREATE INDEX commands_claimable ON commands (planned_at, key)
                WHERE state NOT IN \(finishedStatesSQL)
            """,
            "CREATE INDEX commands_state ON commands (state)",
            "CREATE INDEX commands_latest ON commands (sku, role, revision DESC, planned_at DESC, key DESC)",
            "CREATE INDEX commands_lease_owner ON commands (lease_owner) WHERE lease_owner IS NOT NULL",
            """
            CREATE TABLE ledger_heartbeat (
                id integer PRIMARY KEY CHECK (id = 1),
                beats bigint NOT NULL
            )
            """,
            "INSERT INTO ledger_heartbeat (id, beats) VALUES (1, 0)",
        ],
        // 2: limits of the vendor accounts, shared by every instance (see PostgresLedgerStore+AccountLimits).
        [
            """
            CREATE TABLE provider_slots (
                provider text COLLATE "C" NOT NULL,
                slot integer NOT NULL,
                holder text COLLATE "C",
                owner text,
                expires_at bigint,
                PRIMARY KEY (provider, slot)
            )
            """,
            "CREATE UNIQUE INDEX provider_slots_holder ON provider_slots (provider, holder) WHERE holder IS NOT NULL",
            "CREATE INDEX provider_slots_owner ON provider_slots (owner) WHERE owner IS NOT NULL",
            """
            CREATE TABLE provider_spend (
                provider text COLLATE "C" NOT NULL,
                day text NOT NULL,
                spent_cny numeric NOT NULL,
                PRIMARY KEY (provider, day)
            )
            """,
            """
            CREATE TABLE provider_reservations (
                id text COLLATE "C" PRIMARY KEY,
                provider text COLLATE "C" NOT NULL,
                day text NOT NULL,
                amount_cny numeric NOT NULL,
                owner text NOT NULL,
                expires_at bigint NOT NULL
            )
            """,
            "CREATE INDEX provider_reservations_day ON provider_reservations (provider, day)",
            "CREATE INDEX provider_reservations_owner ON provider_reservations (owner)",
            """
            COMMENT ON TABLE provider_slots IS 'AssetForge: tasks in flight per vendor account, one row per slot; '
                'holder is the asset id, owner the instance, expires_at milliseconds since 1970-01-01 UTC.'
            """,
        ],
    ]

    /// Brings the schema to ``currentVersion``.
    /// - Throws: ``LedgerError/Code/corrupt`` when the database's schema is newer than this code.
    static func migrate(_ session: PostgresLedgerSession, logger: Logger) async throws(LedgerError) {
        try await session.transaction(action: "migrating the ledger schema") { () async throws(LedgerError) in
            var lock = PostgresBindings()
            lock.append(advisoryLockKey)
            _ = try await session.query(
                "SELECT pg_advisory_xact_lock($1::bigint)", lock, action: "taking the schema migration lock")
            _ = try await session.query(createVersionTable, action: "creating assetforge_schema_migrations")
            let found = try await version(session)
            guard found <= currentVersion else {
                throw LedgerError(
                    .corrupt,
                    "the ledger on \(session.settings) has schema version \(found), newer than the "
                        + "\(currentVersion) this AssetForge knows: it was written by a newer AssetForge; run that "
                        + "version (or newer), or set ASSETFORGE_LEDGER_URL to another database")
            }
            for target in stride(from: found + 1, through: currentVersion, by: 1) {
                let action = "migrating the ledger schema to version \(target)"
                for statement in migrations[target - 1] {
                    _ = try await session.query(statement, action: action)
                }
                var binds = PostgresBindings()
                binds.append(target)
                _ = try await session.query(
                    "INSERT INTO assetforge_schema_migrations (version) VALUES ($1::integer)", binds, action: action)
                logger.info(
                    "ledger schema migrated",
                    metadata: ["ledger.postgres": "\(session.settings)", "ledger.schema_version": "\(target)"])
            }
        }
    }

    /// The highest applied version (0 for a new database). Needs the version table.
    static func version(_ session: PostgresLedgerSession) async throws(LedgerError) -> Int {
        let rows = try await session.query(
            "SELECT COALESCE(MAX(version), 0)::bigint AS version FROM assetforge_schema_migrations",
            action: "reading the ledger schema version")
        guard let row = rows.first else { return 0 }
        return try session.row(row).integer("version")
    }
}
