import NIOCore
import ObjectStorage

/// Keeps oversize dead-letter values in the configured ``ObjectStore`` (OSS, S3 or the local file store), under
/// `dead-letters/{topic}/{partition}/{offset}.bin`, so archiving the same record again overwrites one object.
public struct ObjectStoreDeadLetterArchive: DeadLetterArchive {
    private let store: any ObjectStore

    /// Creates an archive over `store`.
    public init(store: any ObjectStore) {
        self.store = store
    }

    /// The object key for a record.
    public static func key(topic: String, partition: Int32, offset: Int64) -> String {
        "dead-letters/\(topic)/\(partition)/\(offset).bin"
    }

    public func archive(_ value: [UInt8], topic: String, partition: Int32, offset: Int64) async throws -> String {
        let key = Self.key(topic: topic, partition: partition, offset: offset)
        let body = SingleBufferBody(bytes: value)
        _ = try await store.put(key, body: body, contentType: "application/octet-stream", expectedSize: Int64(value.count))
        return try await store.url(for: key).absoluteString
    }
}
