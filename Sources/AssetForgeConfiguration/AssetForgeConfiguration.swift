// Placeholder replaced by the Configuration module.
public struct AssetForgeConfiguration: Sendable {}
