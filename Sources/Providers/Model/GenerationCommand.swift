import AssetImaging
import Foundation

/// Where an input image comes from.
public enum ImageSource: Sendable, Hashable, Codable {
    /// The image bytes (PNG, JPEG or WebP).
    case bytes([UInt8])
    /// A URL the client downloads (bounded) before preparing the image.
    case url(URL)
}

/// A video aspect ratio, width:height.
public struct AspectRatio: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Width part.
    public var width: Int
    /// Height part.
    public var height: Int

    /// A ratio such as 9:16.
    public init(_ width: Int, _ height: Int) {
        precondition(width > 0 && height > 0)
        self.width = width
        self.height = height
    }

    /// 16:9.
    public static let landscape = AspectRatio(16, 9)
    /// 9:16.
    public static let portrait = AspectRatio(9, 16)
    /// 1:1.
    public static let square = AspectRatio(1, 1)

    /// `W:H`.
    public var description: String { "\(width):\(height)" }
}

/// A product photo on white turned into a marketing scene (Wanx background generation; Jimeng as backup).
public struct SceneImageCommand: Sendable, Hashable, Codable {
    /// The product photo, normally on a white background; it is cut out (RGBA) before submission.
    public var productImage: ImageSource
    /// What the background should show.
    public var prompt: String
    /// Things the background should not show.
    public var negativePrompt: String?
    /// Images to generate, 1–4. Default 1.
    public var count: Int
    /// Output size for providers that take one (Jimeng), width × height. Default 1328 × 1328.
    public var width: Int
    /// See ``width``.
    public var height: Int

    /// A command.
    public init(
        productImage: ImageSource, prompt: String, negativePrompt: String? = nil, count: Int = 1, width: Int = 1328,
        height: Int = 1328
    ) {
        self.productImage = productImage
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.count = count
        self.width = width
        self.height = height
    }
}

/// An image from text alone (Wanx text-to-image; Jimeng as backup).
public struct TextToImageCommand: Sendable, Hashable, Codable {
    /// The prompt.
    public var prompt: String
    /// Negative prompt.
    public var negativePrompt: String?
    /// Width in pixels. Default 1024.
    public var width: Int
    /// Height in pixels. Default 1024.
    public var height: Int
    /// Images, 1–4. Default 1.
    public var count: Int

    /// A command.
    public init(prompt: String, negativePrompt: String? = nil, width: Int = 1024, height: Int = 1024, count: Int = 1) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.width = width
        self.height = height
        self.count = count
    }
}

/// A short video from a scene image (Kling image-to-video; Hailuo as backup).
public struct VideoCommand: Sendable, Hashable, Codable {
    /// Kling's quality mode.
    public enum Mode: String, Sendable, Hashable, Codable {
        /// Standard (cheaper, 720p).
        case standard = "std"
        /// Professional (1080p on v1.5+).
        case professional = "pro"
    }

    /// The first frame; it is cropped or padded to ``aspectRatio`` before submission.
    public var image: ImageSource
    /// Motion prompt.
    public var prompt: String
    /// Negative prompt.
    public var negativePrompt: String?
    /// Requested length: 5 or 10 (Kling); Hailuo offers 6 or 10 and reports what it made.
    public var durationSeconds: Int
    /// The video's aspect ratio. Default 9:16.
    public var aspectRatio: AspectRatio
    /// How to reach the ratio: crop (default) or pad with white.
    public var fit: AspectFit
    /// Quality mode. Default standard.
    public var mode: Mode

    /// A command.
    public init(
        image: ImageSource, prompt: String, negativePrompt: String? = nil, durationSeconds: Int = 5,
        aspectRatio: AspectRatio = .portrait, fit: AspectFit = .crop, mode: Mode = .standard
    ) {
        self.image = image
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.durationSeconds = durationSeconds
        self.aspectRatio = aspectRatio
        self.fit = fit
        self.mode = mode
    }
}

/// SEO copy for a product (Qwen).
public struct CopyCommand: Sendable, Hashable, Codable {
    /// Product name as sold.
    public var productName: String
    /// Facts the copy may use (material, size, colour…), as key/value pairs.
    public var attributes: [String: String]
    /// BCP 47 language of the copy, e.g. `en`, `zh-CN`, `de`.
    public var language: String
    /// Brand voice or extra instructions.
    public var tone: String?

    /// A command.
    public init(productName: String, attributes: [String: String] = [:], language: String, tone: String? = nil) {
        self.productName = productName
        self.attributes = attributes
        self.language = language
        self.tone = tone
    }
}

/// One piece of generation work.
public enum GenerationCommand: Sendable, Hashable, Codable {
    /// Product photo → scene image.
    case sceneImage(SceneImageCommand)
    /// Prompt → image.
    case textToImage(TextToImageCommand)
    /// Scene image → video.
    case video(VideoCommand)
    /// Product facts → SEO copy.
    case copy(CopyCommand)

    /// The kind, for routing and logs.
    public var kind: CommandKind {
        switch self {
        case .sceneImage: .sceneImage
        case .textToImage: .textToImage
        case .video: .video
        case .copy: .copy
        }
    }
}

/// The kind of a ``GenerationCommand``.
public enum CommandKind: String, Sendable, Hashable, Codable {
    /// Scene image.
    case sceneImage = "scene-image"
    /// Text-to-image.
    case textToImage = "text-to-image"
    /// Video.
    case video
    /// SEO copy.
    case copy

    /// Whether the result is a video (slower polling cadence).
    public var isVideo: Bool { self == .video }
}
