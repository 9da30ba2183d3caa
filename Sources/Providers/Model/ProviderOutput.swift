import AssetForgeConfiguration
import CopyOnWrite
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
        get { fields.value.urls }
        set { fields.value.urls = newValue }
    }
    /// Inline results (Jimeng can return base64 images instead of URLs), PNG bytes.
    public var inlineImages: [[UInt8]] {
        get { fields.value.inlineImages }
        set { fields.value.inlineImages = newValue }
    }
    /// SEO copy (Qwen).
    public var copy: SEOCopy? {
        get { fields.value.copy }
        set { fields.value.copy = newValue }
    }
    /// The model that produced it.
    public var model: String {
        get { fields.value.model }
        set { fields.value.model = newValue }
    }
    /// Length of the video actually produced (Hailuo makes 6 s when 5 s was asked).
    public var durationSeconds: Double? {
        get { fields.value.durationSeconds }
        set { fields.value.durationSeconds = newValue }
    }
    /// Video or image width, when reported.
    public var width: Int? {
        get { fields.value.width }
        set { fields.value.width = newValue }
    }
    /// Video or image height, when reported.
    public var height: Int? {
        get { fields.value.height }
        set { fields.value.height = newValue }
    }
    /// What is billed.
    public var usage: ProviderUsage {
        get { fields.value.usage }
        set { fields.value.usage = newValue }
    }
    /// Kling's `mode`, Hailuo's resolution…: the price-relevant variant.
    public var variant: String? {
        get { fields.value.variant }
        set { fields.value.variant = newValue }
    }

    /// An output.
    public init(
        urls: [URL] = [], inlineImages: [[UInt8]] = [], copy: SEOCopy? = nil, model: String,
        durationSeconds: Double? = nil, width: Int? = nil, height: Int? = nil, usage: ProviderUsage = ProviderUsage(),
        variant: String? = nil
    ) {
        fields = CopyOnWriteBox(
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

    private var fields: CopyOnWriteBox<Fields>

    public init(from decoder: any Decoder) throws { fields = CopyOnWriteBox(try Fields(from: decoder)) }

    public func encode(to encoder: any Encoder) throws { try fields.value.encode(to: encoder) }
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
