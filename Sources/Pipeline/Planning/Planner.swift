import Events
import Foundation
import Ledger

/// Turns a valid event into ledger commands by the ``Recipe``.
///
/// - `product.listed` → one `marketing-image` per style (the first is the SKU's scene image) and one `copy` per
///   language, limited to the kinds the event asks for (or the recipe's defaults).
/// - `sku.promoted` → one `video`: from `sceneImageUrl` when given; else from the SKU's newest scene image in the
///   ledger (waiting for it while it is generated); else a command that waits for a scene image to be planned, up
///   to ``sceneImageWait``.
public struct Planner: Sendable {
    /// The recipe.
    public var recipe: Recipe
    /// How long a promotion waits for its SKU's scene image.
    public var sceneImageWait: Duration

    /// A planner.
    public init(recipe: Recipe = Recipe(), sceneImageWait: Duration = .seconds(1800)) {
        self.recipe = recipe
        self.sceneImageWait = sceneImageWait
    }

    /// The commands for `event`. `ledger` is asked for the SKU's scene image when a promotion needs one.
    public func commands(for event: AnyEvent, ledger: any LedgerStore, now: Date) async throws(LedgerError)
        -> [LedgerCommand]
    {
        switch event {
        case .productListed(let listed):
            return commands(for: listed)
        case .skuPromoted(let promoted):
            let scene: LedgerEntry?
            if promoted.data.sceneImageUrl == nil {
                scene = try await ledger.latest(sku: promoted.data.sku, role: Recipe.sceneImageRole)
            } else {
                scene = nil
            }
            return [command(for: promoted, scene: scene.map(\.key), now: now)]
        case .assetReady, .assetFailed:
            return []
        }
    }

    /// The commands for a listed product.
    public func commands(for event: CloudEvent<ProductListed>) -> [LedgerCommand] {
        let product = event.data
        return items(for: product).map { item in
            switch item {
            case .image(let index, let style, let key):
                let specification = CommandSpecification.marketingImage(
                    .init(
                        sourceImageURL: product.sourceImageUrl, prompt: fill(style.prompt, product),
                        negativePrompt: style.negativePrompt, width: recipe.imageWidth, height: recipe.imageHeight))
                return LedgerCommand(
                    key: key, sku: product.sku, kind: .marketingImage, variant: style.name,
                    role: index == 0 ? Recipe.sceneImageRole : nil, revision: product.revision,
                    specification: specification.encoded(), sourceEvent: event.reference)
            case .copy(let language, let key):
                var attributes = product.attributes
                if let brand = product.brand { attributes["brand"] = brand }
                if let category = product.category { attributes["category"] = category }
                if let description = product.description { attributes["description"] = description }
                let specification = CommandSpecification.copy(
                    .init(productName: product.title, attributes: attributes, language: language, tone: recipe.copyTone))
                return LedgerCommand(
                    key: key, sku: product.sku, kind: .copy, locale: language, revision: product.revision,
                    specification: specification.encoded(), sourceEvent: event.reference)
            }
        }
    }

    /// The keys of ``commands(for:)-(CloudEvent<ProductListed>)``, in the same order, without building the commands
    /// (a replay needs only the keys to find what was recorded).
    public func keys(for event: CloudEvent<ProductListed>) -> [String] {
        items(for: event.data).map { item in
            switch item {
            case .image(_, _, let key), .copy(_, let key): key
            }
        }
    }

    /// One command of a listed product, with its key.
    private enum Item {
        case image(index: Int, style: Recipe.ImageStyle, key: String)
        case copy(language: String, key: String)
    }

    /// A listed product's commands by the recipe: one image per style, then one copy per language, limited to the
    /// kinds the product asks for.
    private func items(for product: ProductListed) -> [Item] {
        let kinds = product.assets ?? recipe.defaultProductKinds
        var items: [Item] = []
        // The parts are appended in the order they always had: the keys of recorded commands must not change.
        if kinds.contains(.marketingImage) {
            let source = SourceImageReference.normalize(product.sourceImageUrl)
            let size = "\(recipe.imageWidth)x\(recipe.imageHeight)"
            for (index, style) in recipe.imageStyles.enumerated() {
                var key = IdempotencyKey.Preimage()
                key.append("recipe", recipe.version)
                key.append("kind", AssetKind.marketingImage.rawValue)
                key.append("variant", style.name)
                key.append("sku", product.sku)
                key.append("source", source)
                key.append("prompt-template", recipe.promptTemplateVersion)
                key.append("size", size)
                key.append("revision", product.revision)
                items.append(.image(index: index, style: style, key: key.key.value))
            }
        }
        if kinds.contains(.copy) {
            for language in product.languages {
                var key = IdempotencyKey.Preimage()
                key.append("recipe", recipe.version)
                key.append("kind", AssetKind.copy.rawValue)
                key.append("locale", language)
                key.append("sku", product.sku)
                key.append("prompt-template", recipe.promptTemplateVersion)
                key.append("revision", product.revision)
                items.append(.copy(language: language, key: key.key.value))
            }
        }
        return items
    }

    /// The video command of a promotion, given the SKU's scene image key when there is one.
    public func command(for event: CloudEvent<SKUPromoted>, scene: String?, now: Date) -> LedgerCommand {
        let promotion = event.data
        var video = CommandSpecification.Video(
            imageURL: promotion.sceneImageUrl, sceneAssetID: nil,
            prompt: promotion.video.prompt ?? Self.fill(recipe.videoPrompt, ["title": promotion.sku]),
            durationSeconds: promotion.video.durationSeconds, aspectRatio: promotion.video.aspectRatio.rawValue,
            tier: recipe.videoTier)
        let variant = Self.videoVariant(video)
        if promotion.sceneImageUrl == nil, scene == nil {
            let key = videoKey(sku: promotion.sku, source: "awaiting-scene-image", video: video, revision: promotion.revision)
            let waiting = CommandSpecification.awaitingSceneImage(
                .init(video: video, revision: promotion.revision, deadline: now.addingTimeInterval(sceneImageWait.seconds)))
            return LedgerCommand(
                key: key, sku: promotion.sku, kind: .video, variant: variant, revision: promotion.revision,
                specification: waiting.encoded(), sourceEvent: event.reference)
        }
        let source: String
        if let url = promotion.sceneImageUrl {
            source = SourceImageReference.normalize(url)
        } else {
            video.sceneAssetID = scene
            source = SourceImageReference.asset(scene ?? "")
        }
        return videoCommand(
            video, sku: promotion.sku, source: source, revision: promotion.revision, sourceEvent: event.reference)
    }

    /// The video command a waiting promotion becomes once `scene` is known.
    public func resolve(_ waiting: CommandSpecification.AwaitingSceneImage, sku: String, scene: String,
                        sourceEvent: SourceEvent) -> LedgerCommand {
        var video = waiting.video
        video.sceneAssetID = scene
        return videoCommand(
            video, sku: sku, source: SourceImageReference.asset(scene), revision: waiting.revision,
            sourceEvent: sourceEvent)
    }

    private func videoCommand(
        _ video: CommandSpecification.Video, sku: String, source: String, revision: Int, sourceEvent: SourceEvent
    ) -> LedgerCommand {
        LedgerCommand(
            key: videoKey(sku: sku, source: source, video: video, revision: revision), sku: sku, kind: .video,
            variant: Self.videoVariant(video), revision: revision, dependsOn: video.sceneAssetID,
            specification: CommandSpecification.video(video).encoded(), sourceEvent: sourceEvent)
    }

    private func videoKey(sku: String, source: String, video: CommandSpecification.Video, revision: Int) -> String {
        IdempotencyKey([
            "recipe": "\(recipe.version)", "kind": AssetKind.video.rawValue, "variant": Self.videoVariant(video),
            "sku": sku, "source": source, "prompt-template": "\(recipe.promptTemplateVersion)",
            "prompt": video.prompt, "duration": "\(video.durationSeconds)", "aspect-ratio": video.aspectRatio,
            "tier": video.tier, "revision": "\(revision)",
        ]).value
    }

    /// The video's variant name, e.g. `promo-9x16-5s`.
    static func videoVariant(_ video: CommandSpecification.Video) -> String {
        "promo-\(video.aspectRatio.replacingOccurrences(of: ":", with: "x"))-\(video.durationSeconds)s"
    }

    private func fill(_ template: String, _ product: ProductListed) -> String {
        Self.fill(template, ["title": product.title, "category": product.category ?? "", "brand": product.brand ?? ""])
    }

    /// `template` with every `{name}` that `values` has replaced by its value, in one pass: text inserted from a
    /// value is not searched again, and other braces stay as they are.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var result = ""
        result.reserveCapacity(template.utf8.count + 64)
        let text = template.utf8
        var copied = text.startIndex
        var position = text.startIndex
        while let open = text[position...].firstIndex(of: UInt8(ascii: "{")) {
            guard let close = text[text.index(after: open)...].firstIndex(of: UInt8(ascii: "}")) else { break }
            let name = String(Substring(text[text.index(after: open)..<close]))
            if let value = values[name] {
                result += Substring(text[copied..<open])
                result += value
                copied = text.index(after: close)
                position = copied
            } else {
                position = text.index(after: open)
            }
        }
        result += Substring(text[copied...])
        return result
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
