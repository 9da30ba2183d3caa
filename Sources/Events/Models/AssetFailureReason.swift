/// Why an asset failed: a stable kebab-case code from an open set. Consumers must accept codes they don't know.
public struct AssetFailureReason: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The code, e.g. `content-moderation`.
    public let rawValue: String

    /// Wraps a code; it must be kebab-case (`^[a-z0-9]+(-[a-z0-9]+)*$`, at most 64 characters) to validate.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The provider refused the input (for example the source image).
    public static let providerRejectedInput = AssetFailureReason(rawValue: "provider-rejected-input")
    /// The provider's content moderation blocked the request or the result.
    public static let contentModeration = AssetFailureReason(rawValue: "content-moderation")
    /// The source image could not be fetched.
    public static let sourceImageUnreachable = AssetFailureReason(rawValue: "source-image-unreachable")
    /// A video needed a scene image and none was given or generated.
    public static let noSceneImage = AssetFailureReason(rawValue: "no-scene-image")
    /// Every attempt failed.
    public static let retriesExhausted = AssetFailureReason(rawValue: "retries-exhausted")

    public var description: String { rawValue }

    /// Decodes the code.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the code as a string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
