import Foundation
import Ledger
import Logging
import Providers

/// Records in the ledger what the provider workers report on their own: a submission held back by a daily budget
/// shows as ``Ledger/LedgerState/deferred`` until it goes ahead (then `submitting`, written by the runner).
struct ProviderEventRecorder: Sendable {
    let ledger: any LedgerStore
    let scheduler: CommandScheduler
    let logger: Logger

    /// Reads `events` until the stream ends.
    func record(_ events: AsyncStream<ProviderEvent>) async {
        for await event in events {
            guard case .deferred(let assetID, let provider, let spent, let cap) = event else { continue }
            // Under the runner's own lease; only a command not yet sending is marked (the runner writes
            // `submitting` right before the request, after the budget let it through).
            guard let lease = scheduler.lease(for: assetID),
                let entry = try? await ledger.entry(assetID), entry.state == .planned
            else { continue }
            do {
                _ = try await ledger.update(assetID, lease: lease, LedgerUpdate(state: .deferred), now: Date())
                logger.notice(
                    "the daily budget holds a submission back",
                    metadata: [
                        "asset.id": "\(assetID)", "provider": "\(provider)", "spent.cny": "\(spent)", "cap.cny": "\(cap)",
                    ])
            } catch {
                logger.debug("could not mark a command deferred", metadata: ["asset.id": "\(assetID)", "error": "\(error)"])
            }
        }
    }
}
