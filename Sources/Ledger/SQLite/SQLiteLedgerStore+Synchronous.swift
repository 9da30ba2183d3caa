extension SQLiteLedgerStore {
    /// SQLite's `synchronous` setting for the ledger's connection: how often the write-ahead log is synced.
    ///
    /// Production always runs with ``full`` (``SQLiteLedgerStore/open(path:logger:)``). The other values exist only
    /// so benchmarks can seed a large ledger in reasonable time; see
    /// ``SQLiteLedgerStore/open(path:synchronous:logger:)``.
    @_spi(Benchmarking)
    public enum Synchronous: String, Sendable, Hashable {
        /// Syncs at every commit (the production setting).
        case full = "FULL"
        /// Syncs at checkpoints only: a power cut may lose the last commits.
        case normal = "NORMAL"
        /// Never syncs: a crash may lose or corrupt what was written.
        case off = "OFF"
    }
}
