extension AssetForgeConfiguration {
    /// Limits and cadence of the processing pipeline.
    public struct Pipeline: Sendable, Equatable {
        /// Backpressure bound: consumption pauses while this many commands are unfinished. A positive integer.
        /// File `pipeline.maxUnfinishedCommands`; env `ASSETFORGE_MAX_UNFINISHED_COMMANDS`. Default `1000`.
        public var maxUnfinishedCommands: Int = 1000

        /// How long, in seconds, a scene waits for its source image before giving up. A positive integer.
        /// File `pipeline.sceneImageWaitSeconds`; env `ASSETFORGE_SCENE_IMAGE_WAIT_SECONDS`. Default `1800`.
        public var sceneImageWaitSeconds: Int = 1800

        /// ``sceneImageWaitSeconds`` as a `Duration`.
        public var sceneImageWait: Duration { .seconds(sceneImageWaitSeconds) }

        /// How long, in seconds, a claim on a command in the ledger lasts without renewal; after that another
        /// process may take the command over. A positive integer.
        /// File `pipeline.leaseSeconds`; env `ASSETFORGE_LEDGER_LEASE_SECONDS`. Default `30`.
        public var leaseSeconds: Int = 30

        /// ``leaseSeconds`` as a `Duration`.
        public var lease: Duration { .seconds(leaseSeconds) }

        /// How often, in milliseconds, the ledger is checked for commands that are due. A positive integer.
        /// File `pipeline.pollIntervalMilliseconds`; env `ASSETFORGE_POLL_INTERVAL_MS`. Default `1000`.
        public var pollIntervalMilliseconds: Int = 1000

        /// ``pollIntervalMilliseconds`` as a `Duration`.
        public var pollInterval: Duration { .milliseconds(pollIntervalMilliseconds) }

        /// The defaults.
        public init() {}
    }
}
