extension AssetForgeConfiguration {
    /// Events AssetForge produces (CloudEvents).
    public struct Events: Sendable, Equatable {
        /// The CloudEvents `source` attribute: a non-empty URI-reference. File `events.source`;
        /// env `ASSETFORGE_EVENT_SOURCE`. Default `urn:assetforge`.
        public var source: String = "urn:assetforge"

        /// Whether replaying an already-finished command publishes its result event again.
        /// File `events.republishOnReplay`; env `ASSETFORGE_REPUBLISH_ON_REPLAY`
        /// (`true`/`false`/`1`/`0`/`yes`/`no`). Default `true`.
        public var republishOnReplay: Bool = true

        /// The defaults.
        public init() {}
    }
}
