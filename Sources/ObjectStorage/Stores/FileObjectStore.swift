import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Objects as files under a directory (`file://PATH`), served over HTTP by AssetForge itself
/// (see `AssetHTTPServer`), so asset URLs work in the quick start without a cloud bucket.
///
/// A body is written to `ROOT/.incoming/` and renamed over `ROOT/KEY` when complete, so readers
/// never see a partial file and a repeated upload replaces the file atomically. The Content-Type is
/// implied by the key's extension (which ``AssetObjectKey`` derives from the sniffed type).
/// URLs are `PUBLIC_BASE_URL/KEY` (``PublicURLStyle/direct`` or ``PublicURLStyle/cdn(baseURL:)``;
/// there is nothing to presign).
public struct FileObjectStore: ObjectStore {
    /// The directory holding the objects.
    public let root: URL
    /// The base of asset URLs, e.g. `http://127.0.0.1:8080`.
    public let publicBaseURL: URL
    /// Asset URL style; ``PublicURLStyle/presigned(seconds:)`` behaves like ``PublicURLStyle/direct``.
    public let publicURLStyle: PublicURLStyle
    /// The largest object accepted. Default 5 GiB.
    public let maxObjectSize: Int64
    private let chunkSize = 1 << 20
    private let threadPool: NIOThreadPool

    /// Creates a store rooted at `path` (relative paths are relative to the working directory).
    public init(
        path: String, publicBaseURL: URL, publicURLStyle: PublicURLStyle = .direct, maxObjectSize: Int64 = 5 << 30,
        threadPool: NIOThreadPool = .singleton
    ) {
        self.root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        self.publicBaseURL = publicBaseURL
        self.publicURLStyle = publicURLStyle
        self.maxObjectSize = maxObjectSize
        self.threadPool = threadPool
    }

    /// The file that holds `key`.
    public func fileURL(for key: String) throws(ObjectStorageError) -> URL {
        try validateObjectKey(key)
        return root.appendingPathComponent(key, isDirectory: false)
    }

    public func put<Body: AsyncSequence>(
        _ key: String, body: Body, contentType: String, expectedSize: Int64?
    ) async throws -> StoredObject where Body.Element == ByteBuffer {
        let destination = try fileURL(for: key)
        let incoming = root.appendingPathComponent(".incoming", isDirectory: true)
        let temporary = incoming.appendingPathComponent(UUID().uuidString + ".part")
        let descriptor = try await io(key) {
            try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
            let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw POSIXErrorCode(rawValue: errno).map { POSIXError($0) } ?? POSIXError(.EIO) }
            return fd
        }
        var closed = false
        do {
            var reader = PartReader(body.makeAsyncIterator(), key: key, maxSize: maxObjectSize)
            while let chunk = try await reader.read(upTo: chunkSize) {
                try await io(key) { try Self.writeAll(descriptor, chunk) }
            }
            if let expectedSize, expectedSize != reader.size {
                throw ObjectStorageError(
                    .sizeMismatch,
                    "the source announced \(expectedSize) bytes but sent \(reader.size); retry the download", key: key)
            }
            closed = true
            try await io(key) {
                defer { close(descriptor) }
                guard fsync(descriptor) == 0 else { throw POSIXError(.EIO) }
                try FileManager.default.createDirectory(
                    at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard rename(temporary.path, destination.path) == 0 else {
                    throw POSIXErrorCode(rawValue: errno).map { POSIXError($0) } ?? POSIXError(.EIO)
                }
            }
            let written = (try? FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? Int64) ?? -1
            guard written == reader.size else {
                throw ObjectStorageError(
                    .sizeMismatch, "the file holds \(written) bytes, \(reader.size) were written; check the disk",
                    key: key)
            }
            return StoredObject(
                key: key, size: reader.size, sha256: reader.sha256Hex, contentType: contentType, etag: nil,
                multipart: false)
        } catch {
            if !closed { close(descriptor) }
            unlink(temporary.path)
            throw error
        }
    }

    public func metadata(_ key: String) async throws -> ObjectMetadata? {
        let file = try fileURL(for: key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else { return nil }
        return ObjectMetadata(
            size: (attributes[.size] as? Int64) ?? 0,
            contentType: AssetContentType.forFileExtension(file.pathExtension)?.mimeType, etag: nil)
    }

    public func get(_ key: String, maxBytes: Int) async throws -> ByteBuffer {
        let file = try fileURL(for: key)
        guard let metadata = try await metadata(key) else {
            throw ObjectStorageError(.notFound, "no file for the key under \(root.path)", key: key)
        }
        guard metadata.size <= maxBytes else {
            throw ObjectStorageError(
                .tooLarge, "the object has \(metadata.size) bytes, more than \(maxBytes)", key: key)
        }
        let data = try await io(key) { try Data(contentsOf: file) }
        return ByteBuffer(data: data)
    }

    public func delete(_ key: String) async throws {
        let file = try fileURL(for: key)
        _ = try await io(key) { unlink(file.path) }
    }

    public func url(for key: String) async throws -> URL {
        try validateObjectKey(key)
        let base: URL
        if case .cdn(let cdn) = publicURLStyle { base = cdn } else { base = publicBaseURL }
        return URL(
            string: base.absoluteString.trimmingSuffix("/") + "/" + PercentEncoding.encode(key, keepSlash: true))!
    }

    private func io<Result: Sendable>(_ key: String, _ work: @Sendable @escaping () throws -> Result)
        async throws(ObjectStorageError)
        -> Result
    {
        do {
            return try await threadPool.runIfActive(work)
        } catch {
            throw ObjectStorageError(
                .serviceError, "file system operation under \(root.path) failed; check the path and permissions",
                key: key, underlying: error)
        }
    }

    private static func writeAll(_ descriptor: Int32, _ buffer: ByteBuffer) throws {
        try buffer.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXErrorCode(rawValue: errno).map { POSIXError($0) } ?? POSIXError(.EIO)
                }
                offset += written
            }
        }
    }
}
