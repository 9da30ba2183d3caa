extension AssetForgeConfiguration {
    /// Limits of the processing pipeline.
    public struct Pipeline: Sendable, Equatable {
        /// Backpressure bound: consumption pauses while this many commands are unfinished. A positive integer.
        /// File `pipeline.maxUnfinishedCommands`; env `ASSETFORGE_MAX_UNFINISHED_COMMANDS`. Default `1000`.
        public var maxUnfinishedCommands: Int = 1000

        /// How long, in seconds, a scene waits for its source image before giving up. A positive integer.
        /// File `pipeline.sceneImageWaitSeconds`; env `ASSETFORGE_SCENE_IMAGE_WAIT_SECONDS`. Default `1800`.
        public var sceneImageWaitSeconds: Int = 1800

        /// ``sceneImageWaitSeconds`` as a `Duration`.
        public var sceneImageWait: Duration { .seconds(sceneImageWaitSeconds) }

        /// The defaults.
        public init() {}
    }
}
