import AssetForgeConfiguration
import CopyOnWrite
import Foundation

/// A task a provider accepted: everything needed to poll it again after a restart. Persist it before polling.
public struct SubmittedTask: Sendable, Hashable, Codable {
    /// The asset (also the idempotency key sent to the vendor, and Kling's `external_task_id`).
    public var assetID: String {
        get { fields.value.assetID }
        set { fields.value.assetID = newValue }
    }
    /// Who runs it.
    public var provider: GenerationProvider {
        get { fields.value.provider }
        set { fields.value.provider = newValue }
    }
    /// The vendor's task id (for Qwen, which answers at once, the completion id).
    public var taskID: String {
        get { fields.value.taskID }
        set { fields.value.taskID = newValue }
    }
    /// What was asked.
    public var kind: CommandKind {
        get { fields.value.kind }
        set { fields.value.kind = newValue }
    }
    /// The model (`req_key` for Jimeng), needed to poll some vendors and to cost the result.
    public var model: String {
        get { fields.value.model }
        set { fields.value.model = newValue }
    }
    /// Price-relevant variant: Kling mode, Hailuo resolution.
    public var variant: String? {
        get { fields.value.variant }
        set { fields.value.variant = newValue }
    }
    /// Video length the provider was asked for (Hailuo: what it offers, e.g. 6 for a requested 5).
    public var durationSeconds: Int? {
        get { fields.value.durationSeconds }
        set { fields.value.durationSeconds = newValue }
    }
    /// Images asked for.
    public var imageCount: Int {
        get { fields.value.imageCount }
        set { fields.value.imageCount = newValue }
    }
    /// When it was accepted.
    public var submittedAt: Date {
        get { fields.value.submittedAt }
        set { fields.value.submittedAt = newValue }
    }
    /// Set when the command went to a backup provider: the provider it was meant for.
    public var fallbackFrom: GenerationProvider? {
        get { fields.value.fallbackFrom }
        set { fields.value.fallbackFrom = newValue }
    }
    /// Why the fallback happened (the primary's error code), when it did.
    public var fallbackReason: String? {
        get { fields.value.fallbackReason }
        set { fields.value.fallbackReason = newValue }
    }
    /// The CNY reserved against the daily budget.
    public var reservedCNY: Decimal {
        get { fields.value.reservedCNY }
        set { fields.value.reservedCNY = newValue }
    }
    /// The output, for providers that answer at once (Qwen).
    public var completedOutput: ProviderOutput? {
        get { fields.value.completedOutput }
        set { fields.value.completedOutput = newValue }
    }

    /// A task.
    public init(
        assetID: String, provider: GenerationProvider, taskID: String, kind: CommandKind, model: String,
        variant: String? = nil, durationSeconds: Int? = nil, imageCount: Int = 1, submittedAt: Date = Date(),
        fallbackFrom: GenerationProvider? = nil, fallbackReason: String? = nil, reservedCNY: Decimal = 0,
        completedOutput: ProviderOutput? = nil
    ) {
        fields = CopyOnWriteBox(
            Fields(
                assetID: assetID, provider: provider, taskID: taskID, kind: kind, model: model, variant: variant,
                durationSeconds: durationSeconds, imageCount: imageCount, submittedAt: submittedAt,
                fallbackFrom: fallbackFrom, fallbackReason: fallbackReason, reservedCNY: reservedCNY,
                completedOutput: completedOutput))
    }

    // The fields live in one shared, copy-on-write box: a task passes through many async frames, each of which holds
    // its values for as long as the task waits, and thousands wait at once; a reference is 8 bytes, the fields about 340.
    private struct Fields: Sendable, Hashable, Codable {
        var assetID: String
        var provider: GenerationProvider
        var taskID: String
        var kind: CommandKind
        var model: String
        var variant: String?
        var durationSeconds: Int?
        var imageCount: Int
        var submittedAt: Date
        var fallbackFrom: GenerationProvider?
        var fallbackReason: String?
        var reservedCNY: Decimal
        var completedOutput: ProviderOutput?
    }

    private var fields: CopyOnWriteBox<Fields>

    public init(from decoder: any Decoder) throws { fields = CopyOnWriteBox(try Fields(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try fields.value.encode(to: encoder) }
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
