import Foundation

/// Prices in CNY for one provider's output that replace the built-in price table's per-model prices, for
/// costing finished tasks and reserving budget before submitting. `nil` keeps the price table.
///
/// Only the prices of what the provider makes (``GenerationProvider/medium``) are settings; each is a
/// non-negative amount with at most 4 decimals (0 makes the output free):
///
/// - images (Wanx, Jimeng): ``perImageCNY``, file `providers.<name>.pricePerImage`,
///   env `ASSETFORGE_PRICE_<NAME>_PER_IMAGE_CNY`.
/// - videos (Kling, Hailuo): ``perVideoSecondCNY``, file `providers.<name>.pricePerVideoSecond`,
///   env `ASSETFORGE_PRICE_<NAME>_PER_VIDEO_SECOND_CNY`.
/// - text (Qwen): ``perMillionInputTokensCNY`` and ``perMillionOutputTokensCNY``, files
///   `providers.qwen.pricePerMillionInputTokens` and `providers.qwen.pricePerMillionOutputTokens`, env
///   `ASSETFORGE_PRICE_QWEN_PER_MILLION_INPUT_TOKENS_CNY` and `ASSETFORGE_PRICE_QWEN_PER_MILLION_OUTPUT_TOKENS_CNY`.
///
/// Default: none set. The price table then prices by model (e.g. `wanx-background-generation-v2` 0.08 per
/// image, `kling-v1-6` standard 5 s 1.00 per clip), with 0.20 per image and 0.40 per video second for models it
/// does not list, and no charge for tokens of models it does not list.
public struct ProviderPrices: Sendable, Hashable {
    /// CNY per image, whatever the model; `nil` for the price table.
    public var perImageCNY: Decimal?
    /// CNY per second of video, whatever the model, variant and length; `nil` for the price table.
    public var perVideoSecondCNY: Decimal?
    /// CNY per million input tokens, whatever the model; `nil` for the price table.
    public var perMillionInputTokensCNY: Decimal?
    /// CNY per million output tokens, whatever the model; `nil` for the price table.
    public var perMillionOutputTokensCNY: Decimal?

    /// Prices; by default none, meaning the price table.
    public init(
        perImageCNY: Decimal? = nil, perVideoSecondCNY: Decimal? = nil, perMillionInputTokensCNY: Decimal? = nil,
        perMillionOutputTokensCNY: Decimal? = nil
    ) {
        self.perImageCNY = perImageCNY
        self.perVideoSecondCNY = perVideoSecondCNY
        self.perMillionInputTokensCNY = perMillionInputTokensCNY
        self.perMillionOutputTokensCNY = perMillionOutputTokensCNY
    }

    /// Whether no price is set.
    public var isEmpty: Bool {
        perImageCNY == nil && perVideoSecondCNY == nil && perMillionInputTokensCNY == nil
            && perMillionOutputTokensCNY == nil
    }
}
