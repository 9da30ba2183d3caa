import AssetForgeConfiguration
import Foundation

/// Limits of a vendor account that every AssetForge instance using the account shares: tasks in flight and the
/// daily budget. A ``ProviderWorker`` given one keeps its own limits too and in addition holds a shared slot for each
/// task it has in flight and a shared reservation for each task's estimated price; without one, its limits hold for
/// its own process only.
///
/// Implementations keep what an instance holds alive while it runs and let it lapse when the instance dies.
public protocol SharedAccountLimits: Sendable {
    /// Takes an in-flight slot of `provider` for `holder` (an asset id): the one `holder` holds already (a task taken
    /// over from a dead instance), else a free one among the first `limit`. Returns `false` when every slot is held.
    func takeSlot(provider: GenerationProvider, holder: String, limit: Int) async throws -> Bool

    /// Moves the slot of `holder` to `newHolder`, so that `holder` can take another one.
    func renameSlot(provider: GenerationProvider, holder: String, to newHolder: String) async throws

    /// Frees the slot of `holder`, if it holds one.
    func releaseSlot(provider: GenerationProvider, holder: String) async throws

    /// Sets `amount` aside from `provider`'s spend on the billing `day` (`yyyy-MM-dd`) as `reservation`, if the spend
    /// and reservations of every instance plus `amount` stay within `cap` (always when `cap` is `nil`). Returns
    /// whether it did.
    func reserveSpend(
        provider: GenerationProvider, day: String, reservation: String, amount: Decimal, cap: Decimal?
    ) async throws -> Bool

    /// Ends `reservation` (if any) and adds `actual`, when the task was paid for, to `provider`'s spend on `day`.
    func settleSpend(provider: GenerationProvider, day: String, reservation: String?, actual: Decimal?) async throws
}
