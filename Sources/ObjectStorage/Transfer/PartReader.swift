import Crypto
import NIOCore
import NIOFoundationCompat

/// Reads a byte stream in pieces of a chosen size while computing its size, SHA-256 and
/// (optionally) CRC-64 on the fly. Owned by one task.
struct PartReader<Source: AsyncIteratorProtocol> where Source.Element == ByteBuffer {
    private var source: Source
    private var pending: [ByteBuffer] = []
    private var finished = false
    private let allocator = ByteBufferAllocator()
    private let key: String
    private let maxSize: Int64

    private(set) var size: Int64 = 0
    private var sha256 = SHA256()
    private(set) var crc64 = CRC64ECMA()
    private let computesCRC64: Bool

    init(_ source: Source, key: String, maxSize: Int64, computesCRC64: Bool) {
        self.source = source
        self.key = key
        self.maxSize = maxSize
        self.computesCRC64 = computesCRC64
    }

    /// Lower-case hex SHA-256 of everything read so far.
    var sha256Hex: String { Hex.encode(sha256.finalize()) }

    /// The next `count` bytes (fewer only at the end), or `nil` when the stream is exhausted.
    mutating func read(upTo count: Int) async throws(ObjectStorageError) -> ByteBuffer? {
        var part = allocator.buffer(capacity: count)
        while part.readableBytes < count {
            if !pending.isEmpty {
                var chunk = pending.removeFirst()
                let take = min(chunk.readableBytes, count - part.readableBytes)
                var slice = chunk.readSlice(length: take)!
                part.writeBuffer(&slice)
                if chunk.readableBytes > 0 { pending.insert(chunk, at: 0) }
                continue
            }
            guard !finished else { break }
            let next: ByteBuffer?
            do {
                next = try await source.next()
            } catch is CancellationError {
                throw ObjectStorageError(.cancelled, "the upload was cancelled", key: key)
            } catch let error as ObjectStorageError {
                throw error
            } catch {
                throw ObjectStorageError(
                    .sourceFailed, "reading the body to upload failed; retry the transfer", key: key,
                    underlying: error)
            }
            guard let next else {
                finished = true
                break
            }
            guard next.readableBytes > 0 else { continue }
            size += Int64(next.readableBytes)
            guard size <= maxSize else {
                throw ObjectStorageError(
                    .tooLarge, "the body exceeds the limit of \(maxSize) bytes; raise the limit or reject the source",
                    key: key)
            }
            next.withUnsafeReadableBytes { bytes in
                sha256.update(bufferPointer: bytes)
                if computesCRC64 { crc64.update(bytes) }
            }
            pending.append(next)
        }
        return part.readableBytes == 0 && finished && pending.isEmpty ? nil : part
    }

    /// Puts bytes already read back in front, to be returned again by ``read(upTo:)``
    /// (they were counted and hashed when first read).
    mutating func unread(_ bytes: ByteBuffer) {
        if bytes.readableBytes > 0 { pending.insert(bytes, at: 0) }
    }

    /// Whether the stream has no more bytes (waits for the next chunk if needed).
    mutating func isAtEnd() async throws(ObjectStorageError) -> Bool {
        if !pending.isEmpty { return false }
        if finished { return true }
        guard let next = try await read(upTo: 1) else { return true }
        unread(next)
        return false
    }
}
