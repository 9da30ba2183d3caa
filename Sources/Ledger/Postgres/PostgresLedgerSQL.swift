/// The statements of ``PostgresLedgerStore``. Every value is a bound parameter (`$N`, with an explicit type so that a
/// `NULL` is typed too); the only text built at run time is a list of `VALUES` rows and the finished-state list, a
/// constant of this code.
enum PostgresLedgerSQL {
    /// The most commands inserted by one statement (12 parameters each; PostgreSQL allows 65,535 per statement).
    static let maximumInsertRows = 500

    private static let finished = PostgresLedgerSchema.finishedStatesSQL

    /// The columns of an entry, as every query returns them (`cost_cny` as the text of the number).
    static let columns = """
        key, sku, kind, variant, locale, role, revision, depends_on, specification,
        source_event_id, source_event_source, source_event_type, state, attempts, provider, provider_task_id,
        progress, stored_url, stored_object_key, stored_sha256, stored_bytes, stored_content_type,
        cost_cny::text AS cost_cny, envelope_topic, envelope_event_id, envelope_key, envelope_value,
        failure_reason, failure_message, resolved_to, not_before, lease_owner, lease_expires_at, lease_version,
        planned_at, updated_at
        """

    /// The parameters of one inserted command, after the shared $1 state and $2 now.
    static let insertParametersPerRow = 12

    /// $1 state, $2 now, then for each of `rows` commands: key, sku, kind, variant, locale, role, revision,
    /// depends_on, specification, source event id, source, type. Returns the keys it inserted (not those already
    /// there).
    static func insert(rows: Int) -> String {
        let values = (0..<rows).map { row in
            let first = 3 + row * insertParametersPerRow
            let p = (first..<(first + insertParametersPerRow)).map { "$\($0)" }
            return "(\(p[0])::text, \(p[1])::text, \(p[2])::text, \(p[3])::text, \(p[4])::text, \(p[5])::text, "
                + "\(p[6])::bigint, \(p[7])::text, \(p[8])::bytea, \(p[9])::text, \(p[10])::text, \(p[11])::text, "
                + "$1::text, $2::bigint, $2::bigint)"
        }
        return """
            INSERT INTO commands (
                key, sku, kind, variant, locale, role, revision, depends_on, specification,
                source_event_id, source_event_source, source_event_type, state, planned_at, updated_at)
            VALUES \(values.joined(separator: ",\n    "))
            ON CONFLICT (key) DO NOTHING
            RETURNING key
            """
    }

    /// $1 keys (text[]).
    /// $1 keys: the columns of a `RecordedOutcome`.
    static let selectOutcomes = """
        SELECT key, state, resolved_to, envelope_topic, envelope_event_id, envelope_key, envelope_value
        FROM commands WHERE key = ANY($1::text[])
        """

    static let selectMany = "SELECT \(columns) FROM commands WHERE key = ANY($1::text[])"

    /// $1 key.
    static let select = "SELECT \(columns) FROM commands WHERE key = $1::text"

    /// $1 key.
    static let exists = "SELECT 1 AS found FROM commands WHERE key = $1::text"

    /// $1 sku, $2 role.
    static let latest = """
        SELECT \(columns) FROM commands WHERE sku = $1::text AND role = $2::text
        ORDER BY revision DESC, planned_at DESC, key DESC
        LIMIT 1
        """

    /// $1 owner, $2 lease expiry, $3 now, $4 limit. One statement: the rows are chosen and locked by the subquery
    /// (`FOR UPDATE SKIP LOCKED`: rows another transaction is claiming are passed over, not waited for) and leased by
    /// the update, so two stores never claim one row. An expired lease of `owner` itself keeps its version.
    static let claim = """
        UPDATE commands
        SET lease_version = CASE WHEN lease_owner = $1::text THEN lease_version ELSE lease_version + 1 END,
            lease_owner = $1::text, lease_expires_at = $2::bigint
        WHERE key IN (
            SELECT key FROM commands
            WHERE state NOT IN \(finished)
                AND (lease_owner IS NULL OR lease_expires_at <= $3::bigint)
                AND (not_before IS NULL OR not_before <= $3::bigint)
            ORDER BY planned_at, key
            LIMIT $4::bigint
            FOR UPDATE SKIP LOCKED)
        RETURNING \(columns)
        """

    /// $1 owner, $2 lease expiry, $3 key, $4 now. Also re-claims a lease `owner` already holds. A concurrent claim of
    /// the same key waits for this one and then finds the row taken.
    static let claimKey = """
        UPDATE commands
        SET lease_owner = $1::text, lease_expires_at = $2::bigint, lease_version = lease_version + 1
        WHERE key = $3::text
            AND state NOT IN \(finished)
            AND (lease_owner IS NULL OR lease_expires_at <= $4::bigint OR lease_owner = $1::text)
            AND (not_before IS NULL OR not_before <= $4::bigint)
        RETURNING \(columns)
        """

    /// $1 lease expiry, $2 owner, $3 keys (text[]). Returns the keys renewed.
    static let renew = """
        UPDATE commands SET lease_expires_at = $1::bigint
        WHERE lease_owner = $2::text AND key = ANY($3::text[])
        RETURNING key
        """

    /// $1 state, $2 attempts to add, $3 provider, $4 provider task id, $5 progress, $6–$10 stored url, object key,
    /// sha256, bytes, content type, $11 cost (text of the number), $12–$15 envelope topic, event id, key, value,
    /// $16 failure reason, $17 failure message, $18 resolved to, $19 not before (always replaced), $20 release,
    /// $21 now, $22 key, $23 lease owner, $24 lease version. `NULL` parameters $3–$18 leave the column as it is.
    static let update = """
        UPDATE commands SET
            state = $1::text,
            attempts = attempts + $2::bigint,
            provider = COALESCE($3::text, provider),
            provider_task_id = COALESCE($4::text, provider_task_id),
            progress = COALESCE($5::bytea, progress),
            stored_url = COALESCE($6::text, stored_url),
            stored_object_key = COALESCE($7::text, stored_object_key),
            stored_sha256 = COALESCE($8::text, stored_sha256),
            stored_bytes = COALESCE($9::bigint, stored_bytes),
            stored_content_type = COALESCE($10::text, stored_content_type),
            cost_cny = COALESCE($11::text::numeric, cost_cny),
            envelope_topic = COALESCE($12::text, envelope_topic),
            envelope_event_id = COALESCE($13::text, envelope_event_id),
            envelope_key = COALESCE($14::bytea, envelope_key),
            envelope_value = COALESCE($15::bytea, envelope_value),
            failure_reason = COALESCE($16::text, failure_reason),
            failure_message = COALESCE($17::text, failure_message),
            resolved_to = COALESCE($18::text, resolved_to),
            not_before = $19::bigint,
            lease_owner = CASE WHEN $20::boolean THEN NULL ELSE lease_owner END,
            lease_expires_at = CASE WHEN $20::boolean THEN NULL ELSE lease_expires_at END,
            updated_at = $21::bigint
        WHERE key = $22::text AND lease_owner = $23::text AND lease_version = $24::bigint
        RETURNING \(columns)
        """

    /// $1 not before, $2 key, $3 lease owner, $4 lease version. Changes nothing unless the lease is current.
    static let release = """
        UPDATE commands SET lease_owner = NULL, lease_expires_at = NULL, not_before = $1::bigint
        WHERE key = $2::text AND lease_owner = $3::text AND lease_version = $4::bigint
        """

    static let countsByState = "SELECT state, COUNT(*) AS count FROM commands GROUP BY state"

    static let unfinishedCount = "SELECT COUNT(*) AS count FROM commands WHERE state NOT IN \(finished)"

    /// A real write for readiness checks (fails on a read-only server).
    static let heartbeat = """
        INSERT INTO ledger_heartbeat (id, beats) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET beats = ledger_heartbeat.beats + 1
        """
}
