import AssetForgeConfiguration
import Foundation
import Logging
import NIOCore
import SafeFetch

/// Copies generated assets into an ``ObjectStore`` under their deterministic keys.
///
/// The payload's type is sniffed from its first bytes (never from the provider's headers) and
/// decides the key's extension and the stored Content-Type. The body is streamed: it is never
/// held in memory as a whole.
public struct AssetTransfer: Sendable {
    /// Where assets go.
    public let store: any ObjectStore
    /// How provider results are downloaded.
    public let fetcher: SafeFetcher

    /// Creates a transfer.
    public init(store: any ObjectStore, fetcher: SafeFetcher) {
        self.store = store
        self.fetcher = fetcher
    }

    /// Downloads `source` (SSRF-checked, size-limited) and stores it as the asset.
    ///
    /// - Parameter accepting: the content types allowed for this asset (e.g. images only); `nil` for any recognised type.
    /// - Throws: ``FetchError`` when the download is refused or fails before the upload starts;
    ///   ``ObjectStorageError`` otherwise (a download failing mid-way is ``ObjectStorageError/Code/sourceFailed``
    ///   with the ``FetchError`` as ``ObjectStorageError/underlying``).
    public func copy(
        from source: URL, sku: String, kind: String, assetId: String, accepting: Set<AssetContentType>? = nil
    ) async throws -> StoredAsset {
        try await fetcher.withResponse(source) { response in
            try await store(
                response.body, expectedSize: response.contentLength, sku: sku, kind: kind, assetId: assetId,
                accepting: accepting)
        }
    }

    /// Stores a byte stream as the asset (sniffing its type, streaming it into the store).
    public func store<Body: AsyncSequence>(
        _ body: Body, expectedSize: Int64?, sku: String, kind: String, assetId: String,
        accepting: Set<AssetContentType>? = nil
    ) async throws -> StoredAsset where Body.Element == ByteBuffer {
        var iterator = body.makeAsyncIterator()
        var head = ByteBuffer()
        var ended = false
        while head.readableBytes < AssetContentType.sniffLength {
            guard var chunk = try await iterator.next() else {
                ended = true
                break
            }
            head.writeBuffer(&chunk)
        }
        guard let contentType = AssetContentType.sniff(head.readableBytesView) else {
            throw ObjectStorageError(
                .unrecognizedContent,
                "the payload for \(sku)/\(kind) is not PNG, JPEG, WebP, GIF, MP4/MOV or JSON (first bytes "
                    + "\(head.readableBytesView.prefix(8).map { String(format: "%02x", $0) }.joined())); "
                    + "the provider returned something unexpected")
        }
        if let accepting, !accepting.contains(contentType) {
            throw ObjectStorageError(
                .unrecognizedContent,
                "the payload for \(sku)/\(kind) is \(contentType.mimeType), which is not accepted for this kind "
                    + "(\(accepting.map(\.mimeType).sorted().joined(separator: ", ")))")
        }
        let key = try AssetObjectKey(sku: sku, kind: kind, assetId: assetId, contentType: contentType)
        let stored = try await store.put(
            key.key, body: PrefixedBody(prefix: head, rest: ended ? nil : iterator),
            contentType: contentType.mimeType, expectedSize: expectedSize)
        return StoredAsset(
            object: stored, assetKey: key, contentType: contentType, url: try await store.url(for: key.key))
    }
}

/// An asset stored by ``AssetTransfer``: what `asset.ready` needs.
public struct StoredAsset: Sendable, Equatable {
    /// What was stored (key, size, SHA-256, ETag).
    public var object: StoredObject
    /// The key's components.
    public var assetKey: AssetObjectKey
    /// The sniffed type.
    public var contentType: AssetContentType
    /// The URL to publish.
    public var url: URL
}
