extension AssetForgeConfiguration {
    /// The durable idempotency ledger.
    public struct Ledger: Sendable, Equatable {
        /// Where the ledger lives. File `ledger.url`; env `ASSETFORGE_LEDGER_URL`.
        /// `sqlite://PATH` (everything after `sqlite://` is the path: `sqlite://x.db` is relative,
        /// `sqlite:///var/lib/x.db` absolute), `postgres://…` or `postgresql://…`.
        /// Default `sqlite://assetforge.db`.
        public var location: LedgerLocation = .sqlite(path: "assetforge.db")

        /// The defaults.
        public init() {}
    }
}
