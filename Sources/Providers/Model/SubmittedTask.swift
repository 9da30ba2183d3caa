import AssetForgeConfiguration
import Foundation

/// A task a provider accepted: everything needed to poll it again after a restart. Persist it before polling.
public struct SubmittedTask: Sendable, Hashable, Codable {
    /// The asset (also the idempotency key sent to the vendor, and Kling's `external_task_id`).
    public var assetID: String
    /// Who runs it.
    public var provider: GenerationProvider
    /// The vendor's task id (for Qwen, which answers at once, the completion id).
    public var taskID: String
    /// What was asked.
    public var kind: CommandKind
    /// The model (`req_key` for Jimeng), needed to poll some vendors and to cost the result.
    public var model: String
    /// Price-relevant variant: Kling mode, Hailuo resolution.
    public var variant: String?
    /// Video length the provider was asked for (Hailuo: what it offers, e.g. 6 for a requested 5).
    public var durationSeconds: Int?
    /// Images asked for.
    public var imageCount: Int
    /// When it was accepted.
    public var submittedAt: Date
    /// Set when the command went to a backup provider: the provider it was meant for.
    public var fallbackFrom: GenerationProvider?
    /// Why the fallback happened (the primary's error code), when it did.
    public var fallbackReason: String?
    /// The CNY reserved against the daily budget.
    public var reservedCNY: Decimal
    /// The output, for providers that answer at once (Qwen).
    public var completedOutput: ProviderOutput?

    /// A task.
    public init(
        assetID: String, provider: GenerationProvider, taskID: String, kind: CommandKind, model: String,
        variant: String? = nil, durationSeconds: Int? = nil, imageCount: Int = 1, submittedAt: Date = Date(),
        fallbackFrom: GenerationProvider? = nil, fallbackReason: String? = nil, reservedCNY: Decimal = 0,
        completedOutput: ProviderOutput? = nil
    ) {
        self.assetID = assetID
        self.provider = provider
        self.taskID = taskID
        self.kind = kind
        self.model = model
        self.variant = variant
        self.durationSeconds = durationSeconds
        self.imageCount = imageCount
        self.submittedAt = submittedAt
        self.fallbackFrom = fallbackFrom
        self.fallbackReason = fallbackReason
        self.reservedCNY = reservedCNY
        self.completedOutput = completedOutput
    }
}

extension GenerationProvider: Codable {}

/// A finished task, costed.
public struct ProviderResult: Sendable, Hashable, Codable {
    /// The task.
    public var task: SubmittedTask
    /// What it produced.
    public var output: ProviderOutput
    /// What it cost, CNY, from the ``PriceTable``.
    public var costCNY: Decimal
    /// When the result was obtained.
    public var finishedAt: Date

    /// Who made it.
    public var provider: GenerationProvider { task.provider }
    /// The model.
    public var model: String { output.model }
    /// Result URLs (temporary; download at once).
    public var urls: [URL] { output.urls }
    /// The video's real length, when a video.
    public var durationSeconds: Double? { output.durationSeconds }
    /// Set when a backup provider made it.
    public var fallbackFrom: GenerationProvider? { task.fallbackFrom }
}

/// Something the pipeline ledger may want to record.
public enum ProviderEvent: Sendable, Hashable {
    /// The daily budget is reached: the submission waits (state `deferred`).
    case deferred(assetID: String, provider: GenerationProvider, spentCNY: Decimal, capCNY: Decimal)
    /// A deferred submission goes ahead.
    case resumed(assetID: String, provider: GenerationProvider)
    /// A command went to the backup provider.
    case fallback(assetID: String, from: GenerationProvider, to: GenerationProvider, reason: String)
    /// A provider's circuit breaker changed state.
    case breakerChanged(provider: GenerationProvider, from: CircuitBreaker.State, to: CircuitBreaker.State)
    /// A task was accepted.
    case submitted(SubmittedTask)
    /// A task finished with a result.
    case finished(assetID: String, provider: GenerationProvider, taskID: String, costCNY: Decimal)
    /// A task or submission ended with an error.
    case failed(assetID: String, provider: GenerationProvider, reason: String)
}
