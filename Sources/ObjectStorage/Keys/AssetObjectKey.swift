/// The deterministic object key of a generated asset: `assets/{sku}/{kind}/{assetId}.{ext}`.
///
/// The same asset always gets the same key, so a retried or replayed upload overwrites the same
/// object instead of leaving a second one behind. A store's key prefix (`oss://bucket/PREFIX`) is
/// added by the store, not here.
public struct AssetObjectKey: Sendable, Hashable, CustomStringConvertible {
    /// The SKU: 1–64 of `A-Z a-z 0-9 . _ -`, not `.` or `..`.
    public let sku: String
    /// The asset kind in kebab-case, e.g. `marketing-image`, `video`, `copy`.
    public let kind: String
    /// The asset id: 64 lower-case hex characters.
    public let assetId: String
    /// The file extension without the dot, e.g. `png`, lower-case letters and digits.
    public let fileExtension: String

    /// Checks the components and builds the key.
    public init(sku: String, kind: String, assetId: String, fileExtension: String) throws(ObjectStorageError) {
        guard (1...64).contains(sku.utf8.count), sku != ".", sku != "..",
            sku.utf8.allSatisfy({
                Self.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
            })
        else {
            throw ObjectStorageError(
                .invalidKey, "SKU \"\(sku)\" is not 1–64 characters of A-Z a-z 0-9 . _ - (and not . or ..)")
        }
        let kindParts = kind.split(separator: "-", omittingEmptySubsequences: false)
        guard !kind.isEmpty, kind.utf8.count <= 64,
            kindParts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { Self.isLowerAlphanumeric($0) } })
        else {
            throw ObjectStorageError(.invalidKey, "kind \"\(kind)\" is not kebab-case (e.g. marketing-image)")
        }
        guard assetId.utf8.count == 64, assetId.utf8.allSatisfy(Self.isLowerHex) else {
            throw ObjectStorageError(.invalidKey, "asset id \"\(assetId)\" is not 64 lower-case hex characters")
        }
        guard (1...8).contains(fileExtension.utf8.count), fileExtension.utf8.allSatisfy(Self.isLowerAlphanumeric)
        else {
            throw ObjectStorageError(
                .invalidKey, "file extension \"\(fileExtension)\" is not 1–8 lower-case letters or digits")
        }
        self.sku = sku
        self.kind = kind
        self.assetId = assetId
        self.fileExtension = fileExtension
    }

    /// Builds the key with the extension of a sniffed content type.
    public init(sku: String, kind: String, assetId: String, contentType: AssetContentType) throws(ObjectStorageError) {
        try self.init(sku: sku, kind: kind, assetId: assetId, fileExtension: contentType.fileExtension)
    }

    /// `assets/{sku}/{kind}/{assetId}.{ext}`.
    public var key: String { "assets/\(sku)/\(kind)/\(assetId).\(fileExtension)" }

    /// The key.
    public var description: String { key }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}

/// Builds `assets/{sku}/{kind}/{assetId}.{ext}`; see ``AssetObjectKey``.
public func assetObjectKey(sku: String, kind: String, assetId: String, fileExtension: String) throws(ObjectStorageError)
    -> String
{
    try AssetObjectKey(sku: sku, kind: kind, assetId: assetId, fileExtension: fileExtension).key
}

/// Checks a full object key (after any store prefix): 1–1023 bytes of UTF-8, no empty, `.` or `..`
/// segment, no leading `/`, no control characters.
func validateObjectKey(_ key: String) throws(ObjectStorageError) {
    guard (1...1023).contains(key.utf8.count) else {
        throw ObjectStorageError(.invalidKey, "object keys must be 1 to 1023 bytes long", key: key)
    }
    guard !key.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") }) else {
        throw ObjectStorageError(.invalidKey, "object keys must not contain control characters or \\", key: key)
    }
    for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
        guard !segment.isEmpty, segment != ".", segment != ".." else {
            throw ObjectStorageError(
                .invalidKey, "object keys must not have empty, . or .. segments (nor a leading or trailing /)",
                key: key)
        }
    }
}
