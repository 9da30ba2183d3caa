import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import Synchronization

/// An in-memory store for unit tests of code that uses an ``ObjectStore``.
public final class MemoryObjectStore: ObjectStore {
    private let objects = Mutex<[String: (bytes: ByteBuffer, contentType: String)]>([:])
    /// The base of the URLs it hands out.
    public let baseURL: URL

    /// Creates an empty store.
    public init(baseURL: URL = URL(string: "memory://objects")!) {
        self.baseURL = baseURL
    }

    /// The keys stored, sorted.
    public var keys: [String] { objects.withLock { $0.keys.sorted() } }

    public func put<Body: AsyncSequence>(
        _ key: String, body: Body, contentType: String, expectedSize: Int64?
    ) async throws -> StoredObject where Body.Element == ByteBuffer {
        try validateObjectKey(key)
        var reader = PartReader(body.makeAsyncIterator(), key: key, maxSize: .max)
        var collected = ByteBuffer()
        while var chunk = try await reader.read(upTo: 1 << 20) { collected.writeBuffer(&chunk) }
        if let expectedSize, expectedSize != reader.size {
            throw ObjectStorageError(
                .sizeMismatch, "the source announced \(expectedSize) bytes but sent \(reader.size)", key: key)
        }
        let stored = collected
        objects.withLock { $0[key] = (stored, contentType) }
        return StoredObject(
            key: key, size: reader.size, sha256: reader.sha256Hex, contentType: contentType, etag: nil,
            multipart: false)
    }

    public func metadata(_ key: String) async throws -> ObjectMetadata? {
        objects.withLock { $0[key] }.map {
            ObjectMetadata(size: Int64($0.bytes.readableBytes), contentType: $0.contentType, etag: nil)
        }
    }

    public func get(_ key: String, maxBytes: Int) async throws -> ByteBuffer {
        guard let object = objects.withLock({ $0[key] }) else {
            throw ObjectStorageError(.notFound, "no such object", key: key)
        }
        guard object.bytes.readableBytes <= maxBytes else {
            throw ObjectStorageError(.tooLarge, "the object is larger than \(maxBytes) bytes", key: key)
        }
        return object.bytes
    }

    public func delete(_ key: String) async throws {
        _ = objects.withLock { $0.removeValue(forKey: key) }
    }

    public func url(for key: String) async throws -> URL {
        baseURL.appendingPathComponent(key)
    }
}
