import AssetForgeConfiguration
import Foundation

/// Prices in CNY used to cost finished tasks and to reserve budget before submitting.
///
/// Defaults: DashScope prices from the vendor's price list (Beijing, snapshot); Kling, Hailuo and Jimeng prices
/// are not published in a confirmed form and are estimates marked [U] — set real ones from the vendor console,
/// or per provider in the service configuration (``ProviderPrices``, e.g.
/// `ASSETFORGE_PRICE_KLING_PER_VIDEO_SECOND_CNY`), which each worker applies to its copy of the table as flat
/// prices (``applying(_:)``).
public struct PriceTable: Sendable, Hashable {
    /// CNY per generated image, by model id (Wanx, Jimeng `req_key`).
    public var perImage: [String: Decimal]
    /// CNY per video, by `model|variant|seconds` (variant: Kling mode `std`/`pro`, Hailuo resolution), with
    /// `model|*|seconds` and `*|*|seconds` as fallbacks.
    public var perVideo: [String: Decimal]
    /// CNY per million input tokens, by model.
    public var perMillionInputTokens: [String: Decimal]
    /// CNY per million output tokens, by model.
    public var perMillionOutputTokens: [String: Decimal]
    /// Used for an image model missing from ``perImage``. Default 0.20.
    public var defaultPerImage: Decimal = Decimal(string: "0.20")!
    /// Used for a video missing from ``perVideo``, per second. Default 0.40.
    public var defaultPerVideoSecond: Decimal = Decimal(string: "0.40")!
    /// When set, the price of every image whatever its model, instead of ``perImage`` and ``defaultPerImage``.
    /// Default `nil`. A worker's table takes it from ``ProviderPrices/perImageCNY`` (see ``applying(_:)``).
    public var flatPerImage: Decimal?
    /// When set, the price per second of every video whatever its model, variant and length, instead of
    /// ``perVideo`` and ``defaultPerVideoSecond``. Default `nil`.
    public var flatPerVideoSecond: Decimal?
    /// When set, the price per million input tokens of every model, instead of ``perMillionInputTokens``.
    /// Default `nil`.
    public var flatPerMillionInputTokens: Decimal?
    /// When set, the price per million output tokens of every model, instead of ``perMillionOutputTokens``.
    /// Default `nil`.
    public var flatPerMillionOutputTokens: Decimal?

    /// The defaults.
    public init() {
        func d(_ text: String) -> Decimal { Decimal(string: text)! }
        perImage = [
            "wanx-background-generation-v2": d("0.08"),
            "wanx2.1-t2i-turbo": d("0.14"), "wanx2.1-t2i-plus": d("0.20"), "wanx2.0-t2i-turbo": d("0.04"),
            "wan2.2-t2i-flash": d("0.14"), "wan2.2-t2i-plus": d("0.20"), "wan2.5-t2i-preview": d("0.20"),
            "wanx-v1": d("0.16"), "wanx2.1-imageedit": d("0.14"),
            // [U] Jimeng image prices (estimates).
            "jimeng_t2i_v31": d("0.20"), "jimeng_t2i_v30": d("0.20"), "jimeng_t2i_v40": d("0.20"),
        ]
        perVideo = [
            // [U] Kling: resource-pack units converted at about CNY 1 per unit; std 5 s ≈ 1 unit, pro ≈ 3.5.
            "kling-v1-6|std|5": d("1.00"), "kling-v1-6|std|10": d("2.00"),
            "kling-v1-6|pro|5": d("3.50"), "kling-v1-6|pro|10": d("7.00"),
            "kling-v1|std|5": d("1.00"), "kling-v1|std|10": d("2.00"),
            // [U] Hailuo estimates.
            "MiniMax-Hailuo-02|768P|6": d("2.00"), "MiniMax-Hailuo-02|768P|10": d("4.00"),
            "MiniMax-Hailuo-02|1080P|6": d("3.50"),
        ]
        perMillionInputTokens = ["qwen-plus": d("0.8"), "qwen-max": d("2.4"), "qwen3-max": d("2.5")]
        perMillionOutputTokens = ["qwen-plus": d("2"), "qwen-max": d("9.6"), "qwen3-max": d("10")]
    }

    /// This table with the prices set in `prices` as its flat prices (``flatPerImage`` from
    /// ``ProviderPrices/perImageCNY`` and so on); prices not set there leave the table as it is.
    public func applying(_ prices: ProviderPrices) -> PriceTable {
        var table = self
        table.flatPerImage = prices.perImageCNY ?? flatPerImage
        table.flatPerVideoSecond = prices.perVideoSecondCNY ?? flatPerVideoSecond
        table.flatPerMillionInputTokens = prices.perMillionInputTokensCNY ?? flatPerMillionInputTokens
        table.flatPerMillionOutputTokens = prices.perMillionOutputTokensCNY ?? flatPerMillionOutputTokens
        return table
    }

    /// The cost of a finished task's output.
    public func cost(of output: ProviderOutput) -> Decimal {
        var total = Decimal(0)
        if output.usage.images > 0 {
            total += Decimal(output.usage.images) * imagePrice(model: output.model)
        }
        if output.usage.videoSeconds > 0 || output.durationSeconds != nil {
            let seconds = Int((output.durationSeconds ?? output.usage.videoSeconds).rounded())
            total += videoPrice(model: output.model, variant: output.variant ?? "*", seconds: seconds)
        }
        if output.usage.inputTokens > 0 || output.usage.outputTokens > 0 {
            let prices = tokenPrices(model: output.model)
            total +=
                (Decimal(output.usage.inputTokens) * prices.input + Decimal(output.usage.outputTokens) * prices.output)
                / 1_000_000
        }
        return total
    }

    /// The most a command may cost, reserved against the budget before submitting.
    func estimate(model: String, kind: CommandKind, count: Int, videoSeconds: Int, variant: String?) -> Decimal {
        switch kind {
        case .sceneImage, .textToImage:
            return Decimal(max(1, count)) * imagePrice(model: model)
        case .video:
            return videoPrice(model: model, variant: variant ?? "*", seconds: videoSeconds)
        case .copy:
            // A generous bound: three completions of ~2k input and 1.2k output tokens.
            let prices = tokenPrices(model: model)
            return (6000 * prices.input + 3600 * prices.output) / 1_000_000
        }
    }

    func imagePrice(model: String) -> Decimal {
        flatPerImage ?? perImage[model] ?? defaultPerImage
    }

    func videoPrice(model: String, variant: String, seconds: Int) -> Decimal {
        if let flatPerVideoSecond { return flatPerVideoSecond * Decimal(seconds) }
        return perVideo["\(model)|\(variant)|\(seconds)"] ?? perVideo["\(model)|*|\(seconds)"]
            ?? perVideo["*|*|\(seconds)"] ?? defaultPerVideoSecond * Decimal(seconds)
    }

    /// CNY per million input and output tokens.
    func tokenPrices(model: String) -> (input: Decimal, output: Decimal) {
        (
            flatPerMillionInputTokens ?? perMillionInputTokens[model] ?? 0,
            flatPerMillionOutputTokens ?? perMillionOutputTokens[model] ?? 0
        )
    }
}
