import Foundation

/// The durable idempotency ledger: one record per command key.
///
/// Work is claimed with leases, never with in-process locks, so several processes can share one ledger: a claim
/// sets an owner and an expiry and bumps the lease version; every update names the claim it was made under and is
/// refused with ``LedgerError/Code/leaseLost`` once someone else holds a newer claim (fencing). A process that dies
/// simply stops renewing; its commands are claimable again when their leases expire.
public protocol LedgerStore: Sendable {
    /// Records the commands whose keys are not yet in the ledger (state ``LedgerState/planned``) in one transaction,
    /// and returns, in order, each command's entry after the call and whether this call created it.
    func plan(_ commands: [LedgerCommand], now: Date) async throws(LedgerError) -> [PlanOutcome]

    /// The outcomes of the keys among `keys` that are recorded, by key (absent keys are not in the ledger). The
    /// replay path's look-up: it reads only what ``RecordedOutcome`` holds.
    func recordedOutcomes(keys: [String]) async throws(LedgerError) -> [String: RecordedOutcome]

    /// The outcome of each of `keys`, in the same order (`nil` for a key not in the ledger; a key given twice is
    /// answered twice). The replay path's batch look-up: no dictionary is built, nothing is hashed.
    func recordedOutcomes(inOrderOf keys: [String]) async throws(LedgerError) -> [RecordedOutcome?]

    /// The entry for `key`, or `nil`.
    func entry(_ key: String) async throws(LedgerError) -> LedgerEntry?

    /// The newest command of `sku` with `role` (highest revision, then latest planned), or `nil`.
    func latest(sku: String, role: String) async throws(LedgerError) -> LedgerEntry?

    /// Claims up to `limit` unfinished entries that nobody holds (no lease, or an expired one) and whose
    /// ``LedgerEntry/notBefore`` has passed, oldest first, for `owner` until `now + leaseDuration`.
    /// Returns them with their new ``LedgerEntry/lease``.
    ///
    /// An expired lease that `owner` itself still holds is extended under the same ``Lease/version``: the owner may
    /// still be running that command (a renewal came late), and its next fenced write must not be refused by its
    /// own re-claim. Another owner's expired lease gets a new version, which fences the old owner off.
    func claim(owner: String, limit: Int, leaseDuration: Duration, now: Date) async throws(LedgerError) -> [LedgerEntry]

    /// Claims one entry by key if it is unfinished and free (or already held by `owner`); `nil` otherwise.
    func claim(key: String, owner: String, leaseDuration: Duration, now: Date) async throws(LedgerError) -> LedgerEntry?

    /// Extends the leases `owner` still holds among `keys` to `now + leaseDuration`; returns the keys it still holds.
    func renew(keys: [String], owner: String, leaseDuration: Duration, now: Date) async throws(LedgerError) -> Set<String>

    /// Applies `update` to the entry `key` if `lease` is still its current claim, and returns the entry after it.
    /// - Throws: ``LedgerError/Code/leaseLost`` when the lease was taken over or has been released.
    func update(_ key: String, lease: Lease, _ update: LedgerUpdate, now: Date) async throws(LedgerError) -> LedgerEntry

    /// Gives up a claim without changing the state (another process, or this one later, may claim it).
    func release(_ key: String, lease: Lease, notBefore: Date?) async throws(LedgerError)

    /// How many entries are in each state.
    func countsByState() async throws(LedgerError) -> [LedgerState: Int]

    /// How many entries are unfinished.
    func unfinishedCount() async throws(LedgerError) -> Int

    /// Checks that the ledger can be written (readiness).
    func checkWritable() async throws(LedgerError)

    /// Closes connections. Further calls fail with ``LedgerError/Code/unavailable``.
    func close() async
}

/// The result of planning one command.
public struct PlanOutcome: Sendable, Hashable {
    /// The entry after planning.
    public var entry: LedgerEntry
    /// Whether this call recorded it (false: it was already in the ledger, e.g. a replay).
    public var created: Bool

    /// An outcome.
    public init(entry: LedgerEntry, created: Bool) {
        self.entry = entry
        self.created = created
    }
}

extension LedgerStore {
    /// ``recordedOutcomes(inOrderOf:)`` from ``recordedOutcomes(keys:)``, for a store without a positional read.
    public func recordedOutcomes(inOrderOf keys: [String]) async throws(LedgerError) -> [RecordedOutcome?] {
        let byKey = try await recordedOutcomes(keys: keys)
        return keys.map { byKey[$0] }
    }
}
