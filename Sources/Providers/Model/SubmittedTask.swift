import AssetForgeConfiguration
import Foundation

/// A task a provider accepted: everything needed to poll it again after a restart. Persist it before polling.
public struct SubmittedTask: Sendable, Hashable, Codable {
    /// The asset (also the idempotency key sent to the vendor, and Kling's `external_task_id`).
    public var assetID: String {
        get { storage.fields.assetID }
        set { update { $0.assetID = newValue } }
    }
    /// Who runs it.
    public var provider: GenerationProvider {
        get { storage.fields.provider }
        set { update { $0.provider = newValue } }
    }
    /// The vendor's task id (for Qwen, which answers at once, the completion id).
    public var taskID: String {
        get { storage.fields.taskID }
        set { update { $0.taskID = newValue } }
    }
    /// What was asked.
    public var kind: CommandKind {
        get { storage.fields.kind }
        set { update { $0.kind = newValue } }
    }
    /// The model (`req_key` for Jimeng), needed to poll some vendors and to cost the result.
    public var model: String {
        get { storage.fields.model }
        set { update { $0.model = newValue } }
    }
    /// Price-relevant variant: Kling mode, Hailuo resolution.
    public var variant: String? {
        get { storage.fields.variant }
        set { update { $0.variant = newValue } }
    }
    /// Video length the provider was asked for (Hailuo: what it offers, e.g. 6 for a requested 5).
    public var durationSeconds: Int? {
        get { storage.fields.durationSeconds }
        set { update { $0.durationSeconds = newValue } }
    }
    /// Images asked for.
    public var imageCount: Int {
        get { storage.fields.imageCount }
        set { update { $0.imageCount = newValue } }
    }
    /// When it was accepted.
    public var submittedAt: Date {
        get { storage.fields.submittedAt }
        set { update { $0.submittedAt = newValue } }
    }
    /// Set when the command went to a backup provider: the provider it was meant for.
    public var fallbackFrom: GenerationProvider? {
        get { storage.fields.fallbackFrom }
        set { update { $0.fallbackFrom = newValue } }
    }
    /// Why the fallback happened (the primary's error code), when it did.
    public var fallbackReason: String? {
        get { storage.fields.fallbackReason }
        set { update { $0.fallbackReason = newValue } }
    }
    /// The CNY reserved against the daily budget.
    public var reservedCNY: Decimal {
        get { storage.fields.reservedCNY }
        set { update { $0.reservedCNY = newValue } }
    }
    /// The output, for providers that answer at once (Qwen).
    public var completedOutput: ProviderOutput? {
        get { storage.fields.completedOutput }
        set { update { $0.completedOutput = newValue } }
    }

    /// A task.
    public init(
        assetID: String, provider: GenerationProvider, taskID: String, kind: CommandKind, model: String,
        variant: String? = nil, durationSeconds: Int? = nil, imageCount: Int = 1, submittedAt: Date = Date(),
        fallbackFrom: GenerationProvider? = nil, fallbackReason: String? = nil, reservedCNY: Decimal = 0,
        completedOutput: ProviderOutput? = nil
    ) {
        storage = Storage(
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

    private final class Storage: @unchecked Sendable {
        // Mutated only through `update`, when no other value shares it.
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    private mutating func update(_ change: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        change(&storage.fields)
    }

    public init(from decoder: any Decoder) throws { storage = Storage(try Fields(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try storage.fields.encode(to: encoder) }

    public static func == (lhs: SubmittedTask, rhs: SubmittedTask) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.fields) }
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
