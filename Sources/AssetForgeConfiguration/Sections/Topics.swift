extension AssetForgeConfiguration {
    /// Kafka topic names. Each must match `[a-zA-Z0-9._-]{1,249}` and not be `.` or `..`.
    public struct Topics: Sendable, Equatable {
        /// Consumed: a product was listed. File `topics.productListed`;
        /// env `ASSETFORGE_TOPIC_PRODUCT_LISTED`. Default `product.listed`.
        public var productListed: String = "product.listed"

        /// Consumed: a SKU was promoted. File `topics.skuPromoted`;
        /// env `ASSETFORGE_TOPIC_SKU_PROMOTED`. Default `sku.promoted`.
        public var skuPromoted: String = "sku.promoted"

        /// Produced: an asset is ready. File `topics.assetReady`;
        /// env `ASSETFORGE_TOPIC_ASSET_READY`. Default `asset.ready`.
        public var assetReady: String = "asset.ready"

        /// Produced: an asset failed for good. File `topics.assetFailed`;
        /// env `ASSETFORGE_TOPIC_ASSET_FAILED`. Default `asset.failed`.
        public var assetFailed: String = "asset.failed"

        /// Produced: events that could not be processed (dead letters). File `topics.dlq`;
        /// env `ASSETFORGE_TOPIC_DLQ`. Default `assetforge.dlq`.
        public var deadLetter: String = "assetforge.dlq"

        /// The defaults.
        public init() {}
    }
}
