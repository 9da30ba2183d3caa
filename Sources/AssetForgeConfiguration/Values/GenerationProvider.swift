/// A generation provider: one model family that AssetForge calls, with its own concurrency limit,
/// daily budget, pacing and prices, served by a ``ProviderVendor`` account.
///
/// The catalogue is ``GenerationProvider/catalog``; adding a provider is a new case plus one line there,
/// which creates its `providers.<name>.*` / `ASSETFORGE_<NAME>_*` settings (see
/// ``AssetForgeConfiguration/Providers``).
public enum GenerationProvider: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Wanx (Tongyi Wanxiang) image and video generation, on DashScope.
    case wanx
    /// Qwen models, on DashScope.
    case qwen
    /// Kling video generation.
    case kling
    /// Hailuo video generation, on MiniMax.
    case hailuo
    /// Jimeng (Seedream/Seedance) generation, on Volcengine.
    case jimeng

    /// What a provider makes for AssetForge. It decides which polling schedule and task timeout its pacing
    /// settings apply to, and which of its prices can be set.
    public enum Medium: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Images (scene images, text-to-image), priced per image.
        case image
        /// Videos, priced per second of video.
        case video
        /// Text (product copy), priced per million input and output tokens.
        case text

        /// `image`, `video` or `text`.
        public var description: String { rawValue }
    }

    /// One row of the provider catalogue.
    struct Spec: Sendable {
        let provider: GenerationProvider
        let vendor: ProviderVendor
        /// The upper-case stem of the variable names, e.g. `WANX`.
        let environmentStem: String
        let medium: Medium
        let defaultMaxInFlight: Int
        let defaultSubmitsPerSecond: Double
        let defaultSubmitBurst: Int
        let defaultFirstPollSeconds: Double

        init(
            _ provider: GenerationProvider, _ vendor: ProviderVendor, _ environmentStem: String, _ medium: Medium,
            inFlight: Int, rate: Double, burst: Int, firstPoll: Double
        ) {
            self.provider = provider
            self.vendor = vendor
            self.environmentStem = environmentStem
            self.medium = medium
            self.defaultMaxInFlight = inFlight
            self.defaultSubmitsPerSecond = rate
            self.defaultSubmitBurst = burst
            self.defaultFirstPollSeconds = firstPoll
        }
    }

    /// Every provider, one line each: name, vendor, variable stem, medium, and the defaults that differ per
    /// provider: max in flight, submissions per second, submission burst, first poll in seconds. The rest of
    /// ``ProviderPacing``'s defaults depend on the medium only.
    ///
    /// Submission rates: Wanx 2/s is the vendor's per-model rate for background generation; Qwen 5/s and
    /// 1/s for Kling, Hailuo and Jimeng are conservative guesses [U]. First polls sit near typical task durations.
    static let catalog: [Spec] = [
        Spec(.wanx, .dashscope, "WANX", .image, inFlight: 1, rate: 2, burst: 2, firstPoll: 10),
        Spec(.qwen, .dashscope, "QWEN", .text, inFlight: 4, rate: 5, burst: 5, firstPoll: 5),
        Spec(.kling, .kling, "KLING", .video, inFlight: 4, rate: 1, burst: 2, firstPoll: 90),
        Spec(.hailuo, .minimax, "HAILUO", .video, inFlight: 2, rate: 1, burst: 2, firstPoll: 120),
        Spec(.jimeng, .volcengine, "JIMENG", .image, inFlight: 2, rate: 1, burst: 2, firstPoll: 8),
    ]

    var spec: Spec { Self.catalog.first { $0.provider == self }! }

    /// The vendor account whose base URL and credentials this provider uses.
    public var vendor: ProviderVendor { spec.vendor }

    /// What this provider makes: Wanx and Jimeng images, Kling and Hailuo videos, Qwen text.
    public var medium: Medium { spec.medium }

    /// The built-in concurrency limit.
    public var defaultMaxInFlight: Int { spec.defaultMaxInFlight }

    /// The built-in pacing: submission rate, polling, timeout, retries and breaker.
    public var defaultPacing: ProviderPacing { ProviderPacing(provider: self) }

    /// The lower-case name used in file keys, e.g. `wanx`.
    public var description: String { rawValue }
}
