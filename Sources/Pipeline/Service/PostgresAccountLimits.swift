import AssetForgeConfiguration
import Foundation
import Ledger
import Logging
import Providers

/// The vendor-account limits of every instance on one PostgreSQL ledger (see
/// ``Ledger/PostgresLedgerStore/takeSlot(provider:holder:limit:owner:leaseDuration:now:)``), for the provider
/// workers of this instance.
///
/// What this instance holds lives for ``holdDuration`` and is renewed by ``renewUntilCancelled()`` every third of
/// it. After a crash the holds lapse; a command taken over by another instance takes its task's slot back first
/// (the hold is twice the ledger lease, so a takeover comes before the slot could go to a new task).
public final class PostgresAccountLimits: SharedAccountLimits {
    private let store: PostgresLedgerStore
    private let owner: String
    /// How long a slot or reservation lasts without renewal.
    public let holdDuration: Duration
    private let logger: Logger

    /// Limits held in `store` for the instance `owner` (unique per process, like a ledger lease owner).
    public init(store: PostgresLedgerStore, owner: String, holdDuration: Duration, logger: Logger) {
        self.store = store
        self.owner = owner
        self.holdDuration = holdDuration
        self.logger = logger
    }

    public func takeSlot(provider: GenerationProvider, holder: String, limit: Int) async throws -> Bool {
        try await store.takeSlot(
            provider: provider.rawValue, holder: holder, limit: limit, owner: owner, leaseDuration: holdDuration,
            now: Date())
    }

    public func renameSlot(provider: GenerationProvider, holder: String, to newHolder: String) async throws {
        try await store.renameSlot(provider: provider.rawValue, holder: holder, to: newHolder)
    }

    public func releaseSlot(provider: GenerationProvider, holder: String) async throws {
        try await store.releaseSlot(provider: provider.rawValue, holder: holder)
    }

    public func reserveSpend(
        provider: GenerationProvider, day: String, reservation: String, amount: Decimal, cap: Decimal?
    ) async throws -> Bool {
        try await store.reserveSpend(
            provider: provider.rawValue, day: day, reservation: reservation, amount: amount, cap: cap, owner: owner,
            leaseDuration: holdDuration, now: Date())
    }

    public func settleSpend(provider: GenerationProvider, day: String, reservation: String?, actual: Decimal?) async throws {
        try await store.settleSpend(provider: provider.rawValue, day: day, reservation: reservation, actual: actual)
    }

    /// Renews this instance's slots and reservations every third of ``holdDuration`` until cancelled.
    public func renewUntilCancelled() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: holdDuration / 3)
            guard !Task.isCancelled else { return }
            do {
                try await store.renewAccountHolds(owner: owner, leaseDuration: holdDuration, now: Date())
            } catch {
                logger.error("cannot renew the shared provider slots", metadata: ["error": "\(error)"])
            }
        }
    }
}
