import Events
import Foundation

/// Reads one `commands` row column by column, the same way for every backend. A backend supplies the three typed
/// readers and the error for a damaged row; a missing or mistyped value is ``LedgerError/Code/corrupt``.
///
/// The logical columns: texts, 64-bit integers (dates as milliseconds since 1970, see ``LedgerMilliseconds``), byte
/// strings, and `cost_cny` as the text of a `Decimal`.
protocol LedgerRowReader {
    /// The text in `column`, `nil` for `NULL`.
    func optionalText(_ column: String) throws(LedgerError) -> String?
    /// The integer in `column`, `nil` for `NULL`.
    func optionalInteger(_ column: String) throws(LedgerError) -> Int?
    /// The bytes in `column`, `nil` for `NULL`.
    func optionalBytes(_ column: String) throws(LedgerError) -> [UInt8]?
    /// The error for this row having `problem` (a phrase such as `has no sku`).
    func damaged(_ problem: String) -> LedgerError
}

extension LedgerRowReader {
    func text(_ column: String) throws(LedgerError) -> String {
        guard let text = try optionalText(column) else { throw damaged("has no \(column)") }
        return text
    }

    func integer(_ column: String) throws(LedgerError) -> Int {
        guard let integer = try optionalInteger(column) else { throw damaged("has no \(column)") }
        return integer
    }

    func bytes(_ column: String) throws(LedgerError) -> [UInt8] {
        guard let bytes = try optionalBytes(column) else { throw damaged("has no \(column)") }
        return bytes
    }

    func date(_ column: String) throws(LedgerError) -> Date {
        LedgerMilliseconds.date(try integer(column))
    }

    func optionalDate(_ column: String) throws(LedgerError) -> Date? {
        try optionalInteger(column).map(LedgerMilliseconds.date)
    }

    /// The state in the row.
    func state() throws(LedgerError) -> LedgerState {
        let stateName = try text("state")
        guard let state = LedgerState(rawValue: stateName) else {
            throw damaged("has an unknown state \(stateName)")
        }
        return state
    }

    /// The envelope in the row, `nil` when it has none.
    func envelope() throws(LedgerError) -> LedgerEnvelope? {
        guard let topic = try optionalText("envelope_topic") else { return nil }
        return LedgerEnvelope(
            topic: topic, eventID: try text("envelope_event_id"), key: try bytes("envelope_key"),
            value: try bytes("envelope_value"))
    }

    /// The outcome in a row of the ``RecordedOutcome`` columns (`key`, `state`, `resolved_to`, `envelope_*`).
    func recordedOutcome() throws(LedgerError) -> RecordedOutcome {
        try recordedOutcome(key: try text("key"))
    }

    /// The outcome of `key` in a row of the ``RecordedOutcome`` columns other than `key`.
    func recordedOutcome(key: String) throws(LedgerError) -> RecordedOutcome {
        RecordedOutcome(
            key: key, state: try state(), resolvedTo: try optionalText("resolved_to"), envelope: try envelope())
    }

    /// The entry in the row.
    func entry() throws(LedgerError) -> LedgerEntry {
        let kindName = try text("kind")
        guard let kind = AssetKind(rawValue: kindName) else { throw damaged("has an unknown kind \(kindName)") }
        let state = try state()
        let command = LedgerCommand(
            key: try text("key"), sku: try text("sku"), kind: kind, variant: try optionalText("variant"),
            locale: try optionalText("locale"), role: try optionalText("role"), revision: try integer("revision"),
            dependsOn: try optionalText("depends_on"), specification: try bytes("specification"),
            sourceEvent: SourceEvent(
                id: try text("source_event_id"), source: try text("source_event_source"),
                type: try text("source_event_type")))
        var stored: StoredResult?
        if let url = try optionalText("stored_url") {
            stored = StoredResult(
                url: url, objectKey: try text("stored_object_key"), sha256: try text("stored_sha256"),
                bytes: Int64(try integer("stored_bytes")), contentType: try text("stored_content_type"))
        }
        var cost: Decimal?
        if let costText = try optionalText("cost_cny") {
            guard let parsed = Decimal(string: costText, locale: Locale(identifier: "en_US_POSIX")) else {
                throw damaged("has a cost_cny that is not a number: \(costText)")
            }
            cost = parsed
        }
        let envelope = try envelope()
        var lease: Lease?
        if let owner = try optionalText("lease_owner") {
            lease = Lease(
                owner: owner, expiresAt: try date("lease_expires_at"), version: Int64(try integer("lease_version")))
        }
        return LedgerEntry(
            command: command, state: state, attempts: try integer("attempts"), provider: try optionalText("provider"),
            providerTaskID: try optionalText("provider_task_id"), progress: try optionalBytes("progress"),
            stored: stored, costCNY: cost, envelope: envelope, failureReason: try optionalText("failure_reason"),
            failureMessage: try optionalText("failure_message"), resolvedTo: try optionalText("resolved_to"),
            notBefore: try optionalDate("not_before"), lease: lease, plannedAt: try date("planned_at"),
            updatedAt: try date("updated_at"))
    }
}

/// Tallies the rows of a `state, count` query the same way for every backend.
enum LedgerStateCounts {
    /// Every state with its count, 0 when no row names it. `ledger` says where the ledger is, for errors.
    /// - Throws: ``LedgerError/Code/corrupt`` for a state this version does not know.
    static func tally(_ rows: [some LedgerRowReader], ledger: String) throws(LedgerError) -> [LedgerState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: LedgerState.allCases.map { ($0, 0) })
        for row in rows {
            let name = try row.text("state")
            guard let state = LedgerState(rawValue: name) else {
                throw LedgerError(
                    .corrupt,
                    "the ledger \(ledger) has entries in an unknown state \(name); it was written by a newer "
                        + "AssetForge: run that version")
            }
            counts[state] = try row.integer("count")
        }
        return counts
    }
}
