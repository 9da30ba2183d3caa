/// How bodies are uploaded: one PUT up to a threshold, a multipart upload above it.
///
/// - A body whose size is announced (`expectedSize`, e.g. the source's Content-Length) and is at most
///   ``singlePutThreshold`` goes up in one PUT: buffered with Content-MD5 when it fits in one
///   ``partSize`` buffer, otherwise streamed straight through (nothing buffered; the store's checksum —
///   S3 ETag = MD5, OSS CRC-64 — and the stored size are checked afterwards and a bad object is deleted).
///   A streamed PUT cannot be repeated, so its failure fails the upload and the caller retries the transfer.
/// - Any other body is read into a buffer of `min(singlePutThreshold, partSize)` bytes; if it ends
///   there it goes up in one PUT with Content-MD5, otherwise as a multipart upload whose parts are
///   retried one by one (a part whose checksum does not match the bytes sent is sent again).
///
/// Peak memory for one upload is about `partSize × (partConcurrency + 1)` bytes (part buffers are reused).
public struct UploadConfiguration: Sendable, Equatable {
    /// The largest body sent in one PUT (see above). Default 64 MiB (key
    /// `ASSETFORGE_STORE_MULTIPART_THRESHOLD_BYTES`): provider images and short videos, whose size the
    /// provider announces, stream through in one request; larger or unannounced bodies use multipart.
    public var singlePutThreshold: Int = 64 << 20
    /// Bytes per part (the last part may be smaller). At least 100 KiB (OSS) — S3 requires 5 MiB for
    /// all parts but the last. Default 8 MiB (key `ASSETFORGE_STORE_PART_SIZE_BYTES`).
    public var partSize: Int = 8 << 20
    /// Parts uploaded at the same time while the next one is read. Default 2.
    public var partConcurrency: Int = 2
    /// Attempts per request (first try included) for retriable failures. Default 4.
    public var maxAttempts: Int = 4
    /// The first back-off delay; it doubles per attempt, with jitter. Default 200 ms.
    public var initialBackoff: Duration = .milliseconds(200)
    /// The longest back-off delay. Default 5 s.
    public var maxBackoff: Duration = .seconds(5)
    /// The largest body accepted; larger ones fail with ``ObjectStorageError/Code/tooLarge``. Default 5 GiB.
    public var maxObjectSize: Int64 = 5 << 30

    /// The defaults.
    public init() {}

    func validate() throws(ObjectStorageError) {
        guard partSize >= 100 << 10 else {
            throw ObjectStorageError(.invalidConfiguration, "part size must be at least 100 KiB; got \(partSize) bytes")
        }
        guard singlePutThreshold >= 0, partConcurrency >= 1, maxAttempts >= 1 else {
            throw ObjectStorageError(
                .invalidConfiguration,
                "single-PUT threshold must be ≥ 0, part concurrency ≥ 1 and attempts ≥ 1")
        }
    }

    /// The back-off before attempt `attempt + 1` (attempt counts from 1), with ±25 % jitter.
    func backoff(after attempt: Int) -> Duration {
        let base = initialBackoff * (1 << min(attempt - 1, 20))
        let capped = min(base, maxBackoff)
        return capped * Double.random(in: 0.75...1.25)
    }
}
