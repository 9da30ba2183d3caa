/// Turns input images into what the generation providers accept.
///
/// ``VipsImagePreparer`` is the production implementation (libvips); tests may use their own.
public protocol ImagePreparer: Sendable {
    /// Format and size from the header only, refusing images over the pixel limit without decoding them.
    func inspect(_ image: [UInt8]) throws(ImagePreparationError) -> ImageInfo

    /// A cut-out of the product: an RGBA PNG whose white background is transparent.
    func cutOut(_ image: [UInt8]) throws(ImagePreparationError) -> PreparedImage

    /// An opaque PNG with the aspect ratio `width:height`, reached by cropping (centre) or padding (white),
    /// scaled up if needed so its short side is at least `minimumShortSide`.
    func fit(_ image: [UInt8], aspectWidth: Int, aspectHeight: Int, mode: AspectFit, minimumShortSide: Int)
        throws(ImagePreparationError) -> PreparedImage
}

/// How an image is brought to an aspect ratio.
public enum AspectFit: String, Sendable, Hashable, Codable {
    /// Cut the longer side, keeping the centre.
    case crop
    /// Extend the shorter side with white.
    case pad
}

/// What an image header says.
public struct ImageInfo: Sendable, Hashable {
    /// Pixels across.
    public var width: Int
    /// Pixels down.
    public var height: Int
    /// Bands (channels), alpha included.
    public var bands: Int
    /// Whether it has an alpha channel.
    public var hasAlpha: Bool
    /// The decoder's format name, e.g. `png`, `jpeg`, `webp`.
    public var format: String

    /// Info.
    public init(width: Int, height: Int, bands: Int, hasAlpha: Bool, format: String) {
        self.width = width
        self.height = height
        self.bands = bands
        self.hasAlpha = hasAlpha
        self.format = format
    }
}

/// A prepared image: PNG bytes and their size.
public struct PreparedImage: Sendable, Hashable {
    /// PNG file bytes.
    public var png: [UInt8]
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Whether the PNG has an alpha channel.
    public var hasAlpha: Bool

    /// A prepared image.
    public init(png: [UInt8], width: Int, height: Int, hasAlpha: Bool) {
        self.png = png
        self.width = width
        self.height = height
        self.hasAlpha = hasAlpha
    }
}

/// Limits that keep hostile or broken inputs from exhausting memory.
public struct ImageLimits: Sendable, Hashable {
    /// Most pixels (width × height) an input may have. Default 40 million (a decompression-bomb guard).
    public var maxPixels = 40_000_000
    /// Largest input file, in bytes. Default 50 MiB.
    public var maxBytes = 50 * 1024 * 1024
    /// Smallest side an input may have, in pixels. Default 64.
    public var minSide = 64

    /// The defaults.
    public init() {}
}

/// Why an image could not be prepared.
public struct ImagePreparationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable reason.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }
        /// Not an image libvips can decode.
        public static let undecodable = Code("undecodable")
        /// More pixels than ``ImageLimits/maxPixels`` (likely a decompression bomb).
        public static let tooManyPixels = Code("too-many-pixels")
        /// Larger file than ``ImageLimits/maxBytes``.
        public static let tooLarge = Code("too-large")
        /// A side shorter than ``ImageLimits/minSide``.
        public static let tooSmall = Code("too-small")
        /// libvips failed while processing.
        public static let processingFailed = Code("processing-failed")
        /// The kebab-case reason.
        public var description: String { value }
    }

    /// The reason.
    public var code: Code
    /// Detail.
    public var message: String

    /// An error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
