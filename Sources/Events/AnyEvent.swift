/// A decoded, valid event of any of the four types.
///
/// The event is boxed (`indirect`): a copy is one reference, not one per field, and events are handed on a lot.
public indirect enum AnyEvent: Sendable, Hashable {
    /// A `product.listed` event.
    case productListed(CloudEvent<ProductListed>)
    /// A `sku.promoted` event.
    case skuPromoted(CloudEvent<SKUPromoted>)
    /// An `asset.ready` event.
    case assetReady(CloudEvent<AssetReady>)
    /// An `asset.failed` event.
    case assetFailed(CloudEvent<AssetFailed>)

    /// The event type.
    public var type: EventType {
        switch self {
        case .productListed: .productListed
        case .skuPromoted: .skuPromoted
        case .assetReady: .assetReady
        case .assetFailed: .assetFailed
        }
    }

    /// The `id`, `source` and `type` of the event: with ``SourceEvent/id`` and ``SourceEvent/source`` it
    /// identifies the event.
    public var reference: SourceEvent {
        switch self {
        case .productListed(let event): event.reference
        case .skuPromoted(let event): event.reference
        case .assetReady(let event): event.reference
        case .assetFailed(let event): event.reference
        }
    }

    /// The SKU in the event's data (the record key).
    public var sku: String {
        switch self {
        case .productListed(let event): event.data.sku
        case .skuPromoted(let event): event.data.sku
        case .assetReady(let event): event.data.sku
        case .assetFailed(let event): event.data.sku
        }
    }
}
