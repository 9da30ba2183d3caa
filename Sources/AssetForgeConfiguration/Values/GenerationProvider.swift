/// A generation provider: one model family that AssetForge calls, with its own concurrency limit
/// and daily budget, served by a ``ProviderVendor`` account.
///
/// The catalogue is ``GenerationProvider/catalog``; adding a provider is a new case plus one line there,
/// which creates `providers.<name>.maxInFlight` / `ASSETFORGE_<NAME>_MAX_IN_FLIGHT` and
/// `providers.<name>.dailyBudget` / `ASSETFORGE_<NAME>_DAILY_BUDGET_CNY`.
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

    /// One row of the provider catalogue.
    struct Spec: Sendable {
        let provider: GenerationProvider
        let vendor: ProviderVendor
        /// The upper-case stem of the variable names, e.g. `WANX`.
        let environmentStem: String
        let defaultMaxInFlight: Int

        init(_ provider: GenerationProvider, _ vendor: ProviderVendor, _ environmentStem: String, maxInFlight: Int) {
            self.provider = provider
            self.vendor = vendor
            self.environmentStem = environmentStem
            self.defaultMaxInFlight = maxInFlight
        }
    }

    /// Every provider, one line each: name, vendor, variable stem, default max in flight.
    static let catalog: [Spec] = [
        Spec(.wanx, .dashscope, "WANX", maxInFlight: 1),
        Spec(.qwen, .dashscope, "QWEN", maxInFlight: 4),
        Spec(.kling, .kling, "KLING", maxInFlight: 4),
        Spec(.hailuo, .minimax, "HAILUO", maxInFlight: 2),
        Spec(.jimeng, .volcengine, "JIMENG", maxInFlight: 2),
    ]

    var spec: Spec { Self.catalog.first { $0.provider == self }! }

    /// The vendor account whose base URL and credentials this provider uses.
    public var vendor: ProviderVendor { spec.vendor }

    /// The built-in concurrency limit.
    public var defaultMaxInFlight: Int { spec.defaultMaxInFlight }

    /// The lower-case name used in file keys, e.g. `wanx`.
    public var description: String { rawValue }
}
