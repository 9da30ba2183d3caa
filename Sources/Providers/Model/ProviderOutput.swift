import AssetForgeConfiguration
import Foundation

/// SEO copy as AssetForge asks Qwen for it.
public struct SEOCopy: Sendable, Hashable, Codable {
    /// Product title.
    public var title: String
    /// Exactly five selling points.
    public var bullets: [String]
    /// A paragraph.
    public var description: String
    /// Search keywords, at least one.
    public var keywords: [String]

    /// Copy.
    public init(title: String, bullets: [String], description: String, keywords: [String]) {
        self.title = title
        self.bullets = bullets
        self.description = description
        self.keywords = keywords
    }
}

/// What the vendor billed for, as reported (or implied) by it.
public struct ProviderUsage: Sendable, Hashable, Codable {
    /// Images produced (billed per image).
    public var images: Int = 0
    /// Seconds of video produced.
    public var videoSeconds: Double = 0
    /// Prompt tokens (Qwen).
    public var inputTokens: Int = 0
    /// Completion tokens (Qwen).
    public var outputTokens: Int = 0

    /// Usage.
    public init(images: Int = 0, videoSeconds: Double = 0, inputTokens: Int = 0, outputTokens: Int = 0) {
        self.images = images
        self.videoSeconds = videoSeconds
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
    }
}

/// A finished vendor task's result, before costing.
public struct ProviderOutput: Sendable, Hashable, Codable {
    /// Result files (temporary vendor URLs: download them at once).
    public var urls: [URL] {
        get { storage.fields.urls }
        set { update { $0.urls = newValue } }
    }
    /// Inline results (Jimeng can return base64 images instead of URLs), PNG bytes.
    public var inlineImages: [[UInt8]] {
        get { storage.fields.inlineImages }
        set { update { $0.inlineImages = newValue } }
    }
    /// SEO copy (Qwen).
    public var copy: SEOCopy? {
        get { storage.fields.copy }
        set { update { $0.copy = newValue } }
    }
    /// The model that produced it.
    public var model: String {
        get { storage.fields.model }
        set { update { $0.model = newValue } }
    }
    /// Length of the video actually produced (Hailuo makes 6 s when 5 s was asked).
    public var durationSeconds: Double? {
        get { storage.fields.durationSeconds }
        set { update { $0.durationSeconds = newValue } }
    }
    /// Video or image width, when reported.
    public var width: Int? {
        get { storage.fields.width }
        set { update { $0.width = newValue } }
    }
    /// Video or image height, when reported.
    public var height: Int? {
        get { storage.fields.height }
        set { update { $0.height = newValue } }
    }
    /// What is billed.
    public var usage: ProviderUsage {
        get { storage.fields.usage }
        set { update { $0.usage = newValue } }
    }
    /// Kling's `mode`, Hailuo's resolution…: the price-relevant variant.
    public var variant: String? {
        get { storage.fields.variant }
        set { update { $0.variant = newValue } }
    }

    /// An output.
    public init(
        urls: [URL] = [], inlineImages: [[UInt8]] = [], copy: SEOCopy? = nil, model: String,
        durationSeconds: Double? = nil, width: Int? = nil, height: Int? = nil, usage: ProviderUsage = ProviderUsage(),
        variant: String? = nil
    ) {
        storage = Storage(
            Fields(
                urls: urls, inlineImages: inlineImages, copy: copy, model: model, durationSeconds: durationSeconds,
                width: width, height: height, usage: usage, variant: variant))
    }

    // The fields live in one shared, copy-on-write box, as SubmittedTask's do: an output passes through the async
    // frames of waiting tasks; a reference is 8 bytes, the fields about 180.
    private struct Fields: Sendable, Hashable, Codable {
        var urls: [URL]
        var inlineImages: [[UInt8]]
        var copy: SEOCopy?
        var model: String
        var durationSeconds: Double?
        var width: Int?
        var height: Int?
        var usage: ProviderUsage
        var variant: String?
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

    public static func == (lhs: ProviderOutput, rhs: ProviderOutput) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage.fields) }
}

/// The vendor-neutral state of a task.
public enum TaskState: String, Sendable, Hashable, Codable {
    /// Accepted, waiting.
    case queued
    /// Being generated.
    case running
    /// Done; the result can be fetched.
    case succeeded
    /// Ended without a result.
    case failed
}

/// One poll's view of a vendor task.
public struct TaskSnapshot: Sendable, Hashable {
    /// Vendor-neutral state.
    public var state: TaskState
    /// The vendor's own status word (`RUNNING`, `processing`, `Queueing`, `generating`…).
    public var vendorStatus: String
    /// On success, the result when the poll answer carries it (DashScope, Kling, Jimeng); `nil` when it must be
    /// fetched separately (MiniMax file retrieval).
    public var output: ProviderOutput?
    /// On failure, why.
    public var failure: ProviderError?
    /// A vendor handle needed to fetch the result (MiniMax `file_id`).
    public var resultHandle: String?

    /// A snapshot.
    public init(
        state: TaskState, vendorStatus: String, output: ProviderOutput? = nil, failure: ProviderError? = nil,
        resultHandle: String? = nil
    ) {
        self.state = state
        self.vendorStatus = vendorStatus
        self.output = output
        self.failure = failure
        self.resultHandle = resultHandle
    }
}

extension ProviderError: Hashable {
    public static func == (lhs: ProviderError, rhs: ProviderError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.vendorCode == rhs.vendorCode
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
