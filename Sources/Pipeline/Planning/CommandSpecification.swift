import Foundation

/// What a ledger command asks for, stored as JSON in ``Ledger/LedgerCommand/specification``: enough to run it
/// from the ledger alone after a restart, without the event.
public enum CommandSpecification: Sendable, Hashable, Codable {
    /// A marketing image: the white-background product photo turned into a scene.
    case marketingImage(MarketingImage)
    /// SEO copy in one language.
    case copy(Copy)
    /// A promotional video from an image.
    case video(Video)
    /// A promotion whose SKU had no known scene image when it arrived: it waits for one, then becomes a ``video``.
    case awaitingSceneImage(AwaitingSceneImage)

    /// See ``CommandSpecification/marketingImage(_:)``.
    public struct MarketingImage: Sendable, Hashable, Codable {
        /// The product photo URL (as received; the key uses its normalized form).
        public var sourceImageURL: String
        /// The background prompt, filled in.
        public var prompt: String
        /// The negative prompt.
        public var negativePrompt: String?
        /// Output width.
        public var width: Int
        /// Output height.
        public var height: Int
    }

    /// See ``CommandSpecification/copy(_:)``.
    public struct Copy: Sendable, Hashable, Codable {
        /// The product name.
        public var productName: String
        /// Facts the copy may use (brand, category, description, attributes).
        public var attributes: [String: String]
        /// BCP 47 language.
        public var language: String
        /// Voice.
        public var tone: String?
    }

    /// See ``CommandSpecification/video(_:)``.
    public struct Video: Sendable, Hashable, Codable {
        /// The first frame: a URL, or `nil` to use the stored result of ``sceneAssetID``.
        public var imageURL: String?
        /// The scene image the video is made from, when it is one of ours.
        public var sceneAssetID: String?
        /// Motion prompt.
        public var prompt: String
        /// Length, seconds.
        public var durationSeconds: Int
        /// `W:H`.
        public var aspectRatio: String
        /// Quality tier (`std` or `pro`).
        public var tier: String
    }

    /// See ``CommandSpecification/awaitingSceneImage(_:)``.
    public struct AwaitingSceneImage: Sendable, Hashable, Codable {
        /// The video it becomes (with neither image set yet).
        public var video: Video
        /// The promotion's revision.
        public var revision: Int
        /// Give up (`asset.failed`, `no-scene-image`) when no scene image is known by then.
        public var deadline: Date
    }

    /// JSON bytes (sorted keys, so equal specifications are equal bytes).
    public func encoded() -> [UInt8] {
        // Encoding these plain value types cannot fail.
        (try? Array(Self.encoder.encode(self))) ?? []
    }

    /// One encoder for every specification (configured once, never changed, so sharing it is safe).
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    /// Decodes a stored specification.
    public static func decode(_ bytes: [UInt8]) throws -> CommandSpecification {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(CommandSpecification.self, from: Data(bytes))
    }
}
