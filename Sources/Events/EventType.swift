/// The four AssetForge event types. The raw value is the CloudEvents `type`, which is also the default topic name.
public enum EventType: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// A product was listed or its listing changed (consumed).
    case productListed = "product.listed"
    /// A SKU was chosen for promotion (consumed).
    case skuPromoted = "sku.promoted"
    /// A generated asset is stored and ready (emitted).
    case assetReady = "asset.ready"
    /// AssetForge gave up on an asset (emitted).
    case assetFailed = "asset.failed"

    /// The `dataschema` URN of the data version this service reads and writes, e.g.
    /// `urn:assetforge:schema:product.listed:1`.
    public var dataSchema: String {
        // Literals, not interpolation: every decoded event compares its `dataschema` with this.
        switch self {
        case .productListed: "urn:assetforge:schema:product.listed:1"
        case .skuPromoted: "urn:assetforge:schema:sku.promoted:1"
        case .assetReady: "urn:assetforge:schema:asset.ready:1"
        case .assetFailed: "urn:assetforge:schema:asset.failed:1"
        }
    }

    /// For asset events, the prefix of the CloudEvents `id` before `data.assetId` (`ready-`, `failed-`).
    public var idPrefix: String? {
        switch self {
        case .productListed, .skuPromoted: nil
        case .assetReady: "ready-"
        case .assetFailed: "failed-"
        }
    }

    /// Whether the envelope must carry `datacontenttype` and `dataschema` (the events AssetForge emits).
    var requiresContentTypeAndSchema: Bool { idPrefix != nil }

    public var description: String { rawValue }
}
