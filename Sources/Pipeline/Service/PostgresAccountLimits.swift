import AssetForgeConfiguration
import Foundation
import Ledger
import Logging
import Providers
import Synchronization

/// The vendor-account limits of every instance on one PostgreSQL ledger (see
/// ``Ledger/PostgresLedgerStore/takeSlot(provider:holder:limit:owner:leaseDuration:now:)``), for the provider
/// workers of this instance.
///
/// What this instance holds lives for ``holdDuration`` and is renewed by ``renewUntilCancelled()`` every third of
/// it. After a crash the holds lapse; a command taken over by another instance takes its task's slot back first
/// (the hold is twice the ledger lease, so a takeover comes before the slot could go to a new task).
///
/// Only what this instance knows it holds is renewed: a slot or reservation whose release failed (the database was
/// unreachable for a moment) is forgotten here and lapses after ``holdDuration``, instead of being kept alive for as
/// long as the instance runs.
public final class PostgresAccountLimits: SharedAccountLimits {
    /// A held slot: its provider and holder.
    private struct Slot: Hashable {
        var provider: String
        var holder: String
    }

    /// What this instance holds.
    private struct Holds {
        var slots: Set<Slot> = []
        var reservations: Set<String> = []
    }

    private let store: PostgresLedgerStore
    private let owner: String
    /// How long a slot or reservation lasts without renewal.
    public let holdDuration: Duration
    private let logger: Logger
    private let holds = Mutex(Holds())

    /// Limits held in `store` for the instance `owner` (unique per process, like a ledger lease owner).
    public init(store: PostgresLedgerStore, owner: String, holdDuration: Duration, logger: Logger) {
        self.store = store
        self.owner = owner
        self.holdDuration = holdDuration
        self.logger = logger
    }

    public func takeSlot(provider: GenerationProvider, holder: String, limit: Int) async throws -> Bool {
        let taken = try await store.takeSlot(
            provider: provider.rawValue, holder: holder, limit: limit, owner: owner, leaseDuration: holdDuration,
            now: Date())
        if taken {
            holds.withLock { _ = $0.slots.insert(Slot(provider: provider.rawValue, holder: holder)) }
        }
        return taken
    }

    public func renameSlot(provider: GenerationProvider, holder: String, to newHolder: String) async throws {
        try await store.renameSlot(provider: provider.rawValue, holder: holder, to: newHolder)
        holds.withLock {
            $0.slots.remove(Slot(provider: provider.rawValue, holder: holder))
            $0.slots.insert(Slot(provider: provider.rawValue, holder: newHolder))
        }
    }

    public func releaseSlot(provider: GenerationProvider, holder: String) async throws {
        // Forgotten first: if the release fails, the slot is no longer renewed and lapses.
        holds.withLock { _ = $0.slots.remove(Slot(provider: provider.rawValue, holder: holder)) }
        try await store.releaseSlot(provider: provider.rawValue, holder: holder)
    }

    public func reserveSpend(
        provider: GenerationProvider, day: String, reservation: String, amount: Decimal, cap: Decimal?
    ) async throws -> Bool {
        let reserved = try await store.reserveSpend(
            provider: provider.rawValue, day: day, reservation: reservation, amount: amount, cap: cap, owner: owner,
            leaseDuration: holdDuration, now: Date())
        if reserved { holds.withLock { _ = $0.reservations.insert(reservation) } }
        return reserved
    }

    public func settleSpend(provider: GenerationProvider, day: String, reservation: String?, actual: Decimal?) async throws {
        if let reservation { holds.withLock { _ = $0.reservations.remove(reservation) } }
        try await store.settleSpend(provider: provider.rawValue, day: day, reservation: reservation, actual: actual)
    }

    /// How many slots and reservations this instance holds as far as it knows.
    public var heldCounts: (slots: Int, reservations: Int) {
        holds.withLock { ($0.slots.count, $0.reservations.count) }
    }

    /// Renews this instance's slots and reservations every third of ``holdDuration`` until cancelled.
    public func renewUntilCancelled() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: holdDuration / 3)
            guard !Task.isCancelled else { return }
            do {
                try await renewHolds()
            } catch {
                logger.error("cannot renew the shared provider slots", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Renews, once, the slots and reservations this instance knows it holds.
    public func renewHolds() async throws {
        let current = holds.withLock { $0 }
        try await store.renewAccountHolds(
            owner: owner, slots: current.slots.map { ($0.provider, $0.holder) },
            reservations: Array(current.reservations), leaseDuration: holdDuration, now: Date())
    }
}
