/// The statements of ``SQLiteLedgerStore``. Every value is a bound parameter (`?N`); the only text built at run time
/// is a list of `?` placeholders and the finished-state list, a constant of this code.
enum SQLiteLedgerSQL {
    /// The most `?` placeholders put in one `IN (…)` list; longer lists are split.
    static let maximumListLength = 500

    private static let finished = SQLiteLedgerSchema.finishedStatesSQL

    /// ?1 key, ?2 sku, ?3 kind, ?4 variant, ?5 locale, ?6 role, ?7 revision, ?8 depends_on, ?9 specification,
    /// ?10–?12 source event id, source, type, ?13 state, ?14 now. Returns the row only when it was inserted.
    static let insert = """
        INSERT INTO commands (
            key, sku, kind, variant, locale, role, revision, depends_on, specification,
            source_event_id, source_event_source, source_event_type, state, planned_at, updated_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CAST(?9 AS BLOB), ?10, ?11, ?12, ?13, ?14, ?14)
        ON CONFLICT (key) DO NOTHING
        RETURNING *
        """

    /// ?1 key.
    static let select = "SELECT * FROM commands WHERE key = ?1"

    /// ?1 key.
    static let exists = "SELECT 1 AS found FROM commands WHERE key = ?1"

    /// ?1 a JSON array of keys: for each key found, its position in the array and the columns of a
    /// `RecordedOutcome` other than the key. The array is scanned in order; each key is found through the primary key.
    static let selectOutcomesInOrder = """
        SELECT keys.key AS position, commands.state, commands.resolved_to, commands.envelope_topic,
            commands.envelope_event_id, commands.envelope_key, commands.envelope_value
        FROM json_each(?1) AS keys JOIN commands ON commands.key = keys.value
        """

    /// `count` keys.
    static func selectMany(count: Int) -> String {
        "SELECT * FROM commands WHERE key IN (\(placeholders(count, from: 1)))"
    }

    /// ?1 sku, ?2 role.
    static let latest = """
        SELECT * FROM commands WHERE sku = ?1 AND role = ?2
        ORDER BY revision DESC, planned_at DESC, key DESC
        LIMIT 1
        """

    /// ?1 owner, ?2 lease expiry, ?3 now, ?4 limit. One statement, so atomic: two connections never claim one row.
    /// An expired lease of `owner` itself keeps its version (see ``LedgerStore/claim(owner:limit:leaseDuration:now:)``).
    static let claim = """
        UPDATE commands
        SET lease_version = CASE WHEN lease_owner = ?1 THEN lease_version ELSE lease_version + 1 END,
            lease_owner = ?1, lease_expires_at = ?2
        WHERE key IN (
            SELECT key FROM commands
            WHERE state NOT IN \(finished)
                AND (lease_owner IS NULL OR lease_expires_at <= ?3)
                AND (not_before IS NULL OR not_before <= ?3)
            ORDER BY planned_at, key
            LIMIT ?4)
        RETURNING *
        """

    /// ?1 owner, ?2 lease expiry, ?3 key, ?4 now. Also re-claims a lease `owner` already holds.
    static let claimKey = """
        UPDATE commands
        SET lease_owner = ?1, lease_expires_at = ?2, lease_version = lease_version + 1
        WHERE key = ?3
            AND state NOT IN \(finished)
            AND (lease_owner IS NULL OR lease_expires_at <= ?4 OR lease_owner = ?1)
            AND (not_before IS NULL OR not_before <= ?4)
        RETURNING *
        """

    /// ?1 lease expiry, ?2 owner, then `count` keys. Returns the keys renewed.
    static func renew(count: Int) -> String {
        """
        UPDATE commands SET lease_expires_at = ?1
        WHERE lease_owner = ?2 AND key IN (\(placeholders(count, from: 3)))
        RETURNING key
        """
    }

    /// ?1 state, ?2 attempts to add, ?3 provider, ?4 provider task id, ?5 progress, ?6–?10 stored url, object key,
    /// sha256, bytes, content type, ?11 cost, ?12–?15 envelope topic, event id, key, value, ?16 failure reason,
    /// ?17 failure message, ?18 resolved to, ?19 not before (always replaced), ?20 release (1 or 0), ?21 now,
    /// ?22 key, ?23 lease owner, ?24 lease version. `NULL` parameters ?3–?18 leave the column as it is.
    static let update = """
        UPDATE commands SET
            state = ?1,
            attempts = attempts + ?2,
            provider = COALESCE(?3, provider),
            provider_task_id = COALESCE(?4, provider_task_id),
            progress = COALESCE(CAST(?5 AS BLOB), progress),
            stored_url = COALESCE(?6, stored_url),
            stored_object_key = COALESCE(?7, stored_object_key),
            stored_sha256 = COALESCE(?8, stored_sha256),
            stored_bytes = COALESCE(?9, stored_bytes),
            stored_content_type = COALESCE(?10, stored_content_type),
            cost_cny = COALESCE(?11, cost_cny),
            envelope_topic = COALESCE(?12, envelope_topic),
            envelope_event_id = COALESCE(?13, envelope_event_id),
            envelope_key = COALESCE(CAST(?14 AS BLOB), envelope_key),
            envelope_value = COALESCE(CAST(?15 AS BLOB), envelope_value),
            failure_reason = COALESCE(?16, failure_reason),
            failure_message = COALESCE(?17, failure_message),
            resolved_to = COALESCE(?18, resolved_to),
            not_before = ?19,
            lease_owner = CASE WHEN ?20 = 1 THEN NULL ELSE lease_owner END,
            lease_expires_at = CASE WHEN ?20 = 1 THEN NULL ELSE lease_expires_at END,
            updated_at = ?21
        WHERE key = ?22 AND lease_owner = ?23 AND lease_version = ?24
        RETURNING *
        """

    /// ?1 not before, ?2 key, ?3 lease owner, ?4 lease version. Changes nothing unless the lease is current.
    static let release = """
        UPDATE commands SET lease_owner = NULL, lease_expires_at = NULL, not_before = ?1
        WHERE key = ?2 AND lease_owner = ?3 AND lease_version = ?4
        """

    static let countsByState = "SELECT state, COUNT(*) AS count FROM commands GROUP BY state"

    static let unfinishedCount = "SELECT COUNT(*) AS count FROM commands WHERE state NOT IN \(finished)"

    /// A real write (and sync) for readiness checks.
    static let heartbeat = """
        INSERT INTO ledger_heartbeat (id, beats) VALUES (1, 1)
        ON CONFLICT (id) DO UPDATE SET beats = beats + 1
        """

    /// `?from, ?from+1, …`, `count` of them.
    private static func placeholders(_ count: Int, from first: Int) -> String {
        (first..<(first + count)).map { "?\($0)" }.joined(separator: ", ")
    }
}
