import AssetForgeConfiguration

/// A registration to be told a submitted task's result (``ProviderFleet/watch(_:onResult:)``); pass it to
/// ``ProviderFleet/cancel(_:)`` to stop polling that task.
public struct ResultWatch: Sendable, Hashable {
    /// The provider polling the task.
    public let provider: GenerationProvider
    /// The worker's number for the watch.
    let id: UInt64
}
