/// The kind of asset AssetForge produces.
public enum AssetKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// A marketing image (width, height, an `image/*` content type).
    case marketingImage = "marketing-image"
    /// A short promotional video (a duration, a `video/*` content type).
    case video
    /// Marketing copy in one language (``CopyText``).
    case copy

    public var description: String { rawValue }
}
