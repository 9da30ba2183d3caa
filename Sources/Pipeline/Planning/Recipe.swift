import Events

/// How events become commands: the styles of marketing images, the copy and the video. Part of every key through
/// ``version`` and ``promptTemplateVersion``: change a prompt, bump ``promptTemplateVersion``, and new events get
/// new assets while replays of old ones still find theirs.
public struct Recipe: Sendable, Hashable {
    /// A marketing-image style.
    public struct ImageStyle: Sendable, Hashable {
        /// The variant name in `asset.ready` (SKU alphabet), e.g. `studio`.
        public var name: String
        /// The background prompt; `{title}`, `{category}` and `{brand}` are filled in from the product.
        public var prompt: String
        /// What the background must not show.
        public var negativePrompt: String?

        /// A style.
        public init(name: String, prompt: String, negativePrompt: String? = nil) {
            self.name = name
            self.prompt = prompt
            self.negativePrompt = negativePrompt
        }
    }

    /// The recipe's version (part of every key).
    public var version: Int = 1
    /// The version of the prompt templates (part of every key).
    public var promptTemplateVersion: Int = 1
    /// Marketing-image styles; the first one is the SKU's scene image, the one videos are made from.
    public var imageStyles: [ImageStyle] = [
        ImageStyle(
            name: "studio",
            prompt: "{title} on a clean studio tabletop, soft diffused light, subtle shadow, premium product photo",
            negativePrompt: "text, watermark, people"),
        ImageStyle(
            name: "lifestyle",
            prompt: "{title} in a bright modern home, natural daylight, lifestyle scene, shallow depth of field",
            negativePrompt: "text, watermark"),
        ImageStyle(
            name: "festive",
            prompt: "{title} in a festive holiday setting, warm bokeh lights, gift wrapping, celebratory mood",
            negativePrompt: "text, watermark"),
    ]
    /// Output size of marketing images (providers that take one), width × height.
    public var imageWidth = 1328
    /// See ``imageWidth``.
    public var imageHeight = 1328
    /// Extra instructions for the copy writer.
    public var copyTone: String? = "persuasive, factual, optimized for marketplace search"
    /// The motion prompt when a promotion gives none; `{title}` is the SKU.
    public var videoPrompt = "slow cinematic camera orbit around the product, gentle light sweep"
    /// The video quality tier (part of the key).
    public var videoTier = "std"
    /// The asset kinds made for a product that does not list its own.
    public var defaultProductKinds: [AssetKind] = [.marketingImage, .copy]
    /// The role of the first style's image.
    public static let sceneImageRole = "scene-image"

    /// The defaults.
    public init() {}
}
