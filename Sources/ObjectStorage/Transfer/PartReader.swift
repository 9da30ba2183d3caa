import Crypto
import NIOCore
import NIOFoundationCompat

/// Reads a byte stream in pieces of a chosen size while computing its size, SHA-256 and
/// (optionally) CRC-64 and MD5 on the fly. Owned by one task at a time.
struct PartReader<Source: AsyncIteratorProtocol> where Source.Element == ByteBuffer {
    typealias Digests = StreamDigests

    private var source: Source
    private var pending: [ByteBuffer] = []
    private var finished = false
    private let allocator = ByteBufferAllocator()
    private let key: String
    private let maxSize: Int64
    private let digests: Digests

    private(set) var size: Int64 = 0
    private var sha256 = SHA256()
    private var md5 = Insecure.MD5()
    private(set) var crc64 = CRC64ECMA()

    init(_ source: Source, key: String, maxSize: Int64, digests: Digests = []) {
        self.source = source
        self.key = key
        self.maxSize = maxSize
        self.digests = digests
    }

    /// Lower-case hex SHA-256 of everything read so far.
    var sha256Hex: String { Hex.encode(sha256.finalize()) }

    /// Lower-case hex MD5 of everything read so far (when requested in `digests`).
    var md5Hex: String { Hex.encode(md5.finalize()) }

    /// The next `count` bytes (fewer only at the end), or `nil` when the stream is exhausted.
    /// - Parameter reusing: a buffer to fill (cleared first) instead of allocating one. Consumed: a copy left with
    ///   the caller would make the clear copy the whole buffer instead of reusing it.
    mutating func read(upTo count: Int, reusing: consuming ByteBuffer? = nil) async throws(ObjectStorageError)
        -> ByteBuffer?
    {
        var part: ByteBuffer
        if var reused = reusing.take() {
            reused.clear(minimumCapacity: count)
            part = reused
        } else {
            part = allocator.buffer(capacity: count)
        }
        while part.readableBytes < count {
            if !pending.isEmpty {
                var chunk = pending.removeFirst()
                let take = min(chunk.readableBytes, count - part.readableBytes)
                var slice = chunk.readSlice(length: take)!
                part.writeBuffer(&slice)
                if chunk.readableBytes > 0 { pending.insert(chunk, at: 0) }
                continue
            }
            guard let next = try await pull() else { break }
            pending.append(next)
        }
        return part.readableBytes == 0 && finished && pending.isEmpty ? nil : part
    }

    /// The next chunk as it arrived (no copy), or `nil` at the end.
    mutating func nextChunk() async throws(ObjectStorageError) -> ByteBuffer? {
        if !pending.isEmpty { return pending.removeFirst() }
        return try await pull()
    }

    /// Reads one chunk from the source, counting and hashing it; `nil` at the end.
    private mutating func pull() async throws(ObjectStorageError) -> ByteBuffer? {
        while !finished {
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
                return nil
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
                if digests.contains(.crc64) { crc64.update(bytes) }
                if digests.contains(.md5) { md5.update(bufferPointer: bytes) }
            }
            return next
        }
        return nil
    }

    /// Puts bytes already read back in front, to be returned again by ``read(upTo:reusing:)``
    /// (they were counted and hashed when first read).
    mutating func unread(_ bytes: ByteBuffer) {
        if bytes.readableBytes > 0 { pending.insert(bytes, at: 0) }
    }

    /// Whether the stream has no more bytes (waits for the next chunk if needed).
    mutating func isAtEnd() async throws(ObjectStorageError) -> Bool {
        if !pending.isEmpty { return false }
        guard let next = try await pull() else { return true }
        pending.append(next)
        return false
    }
}

/// Which digests besides SHA-256 a ``PartReader`` computes over the whole stream.
struct StreamDigests: OptionSet, Sendable {
    let rawValue: Int
    static let crc64 = StreamDigests(rawValue: 1)
    static let md5 = StreamDigests(rawValue: 2)
}

/// Hands a ``PartReader`` to the HTTP client as a streaming request body.
///
/// `@unchecked Sendable`: the client iterates the body from one task at a time and only once
/// (streamed bodies are not replayed), and the uploader reads the digests only after the request
/// has finished, so the reader is never touched concurrently.
final class StreamingUploadBody<Source: AsyncIteratorProtocol>: AsyncSequence, @unchecked Sendable
where Source.Element == ByteBuffer {
    typealias Element = ByteBuffer

    var reader: PartReader<Source>

    init(_ reader: PartReader<Source>) {
        self.reader = reader
    }

    func makeAsyncIterator() -> Iterator { Iterator(body: self) }

    struct Iterator: AsyncIteratorProtocol {
        let body: StreamingUploadBody

        mutating func next() async throws -> ByteBuffer? {
            try await body.reader.nextChunk()
        }
    }
}
