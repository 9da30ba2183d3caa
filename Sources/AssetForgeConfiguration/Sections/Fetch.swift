extension AssetForgeConfiguration {
    /// Downloading source images from URLs in events.
    public struct Fetch: Sendable, Equatable {
        /// Hosts, IP addresses and CIDR ranges (IPv4 and IPv6) that may be fetched from.
        /// File `fetch.allowlist` (a list, or a comma-separated string); env `ASSETFORGE_FETCH_ALLOWLIST`
        /// (comma-separated). Default empty. See ``FetchAllowlistEntry`` for the accepted forms.
        public var allowlist: [FetchAllowlistEntry] = []

        /// The defaults.
        public init() {}
    }
}
