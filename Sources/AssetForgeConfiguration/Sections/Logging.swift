extension AssetForgeConfiguration {
    /// Logging.
    public struct Logging: Sendable, Equatable {
        /// The minimum level logged. File `logging.level`; env `ASSETFORGE_LOG_LEVEL`
        /// (`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`). Default `info`.
        public var level: LogLevel = .info

        /// The defaults.
        public init() {}
    }
}
