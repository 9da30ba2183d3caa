/// A content type AssetForge stores, recognised from the payload's first bytes ("magic bytes").
///
/// The provider's `Content-Type` header is never trusted: ``sniff(_:)`` decides.
public struct AssetContentType: Sendable, Hashable, CustomStringConvertible {
    /// The MIME type, e.g. `image/png`.
    public let mimeType: String
    /// The file extension used in object keys, e.g. `png`.
    public let fileExtension: String

    /// Creates a content type.
    public init(mimeType: String, fileExtension: String) {
        self.mimeType = mimeType
        self.fileExtension = fileExtension
    }

    /// `image/png`, `.png`.
    public static let png = AssetContentType(mimeType: "image/png", fileExtension: "png")
    /// `image/jpeg`, `.jpg`.
    public static let jpeg = AssetContentType(mimeType: "image/jpeg", fileExtension: "jpg")
    /// `image/webp`, `.webp`.
    public static let webp = AssetContentType(mimeType: "image/webp", fileExtension: "webp")
    /// `image/gif`, `.gif`.
    public static let gif = AssetContentType(mimeType: "image/gif", fileExtension: "gif")
    /// `video/mp4`, `.mp4` (ISO base media file with an `ftyp` box other than QuickTime's).
    public static let mp4 = AssetContentType(mimeType: "video/mp4", fileExtension: "mp4")
    /// `video/quicktime`, `.mov` (`ftyp` box with major brand `qt  `).
    public static let quickTime = AssetContentType(mimeType: "video/quicktime", fileExtension: "mov")
    /// `application/json`, `.json` (first non-space character `{` or `[`).
    public static let json = AssetContentType(mimeType: "application/json", fileExtension: "json")

    /// The recognised types.
    public static let all: [AssetContentType] = [.png, .jpeg, .webp, .gif, .mp4, .quickTime, .json]

    /// How many leading bytes ``sniff(_:)`` wants to see (fewer are fine at the end of a short payload).
    public static let sniffLength = 64

    /// The type for a file extension (as produced by this type), or `nil`.
    public static func forFileExtension(_ fileExtension: String) -> AssetContentType? {
        let lowered = fileExtension.lowercased()
        if lowered == "jpeg" { return .jpeg }
        return all.first { $0.fileExtension == lowered }
    }

    /// Recognises the payload from its first bytes, or returns `nil`.
    public static func sniff<Bytes: Collection>(_ prefix: Bytes) -> AssetContentType? where Bytes.Element == UInt8 {
        let bytes = Array(prefix.prefix(sniffLength))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + signature.count && Array(bytes[offset..<offset + signature.count]) == signature
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("ftyp".utf8), at: 4) {
            let size = bytes.prefix(4).reduce(0) { $0 << 8 | Int($1) }
            guard size >= 8 else { return nil }
            return starts(Array("qt  ".utf8), at: 8) ? .quickTime : .mp4
        }
        var index = starts([0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[") { return .json }
        return nil
    }

    /// The MIME type.
    public var description: String { mimeType }
}
