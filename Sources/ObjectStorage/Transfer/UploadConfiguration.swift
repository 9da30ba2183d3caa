/// How bodies are uploaded: one PUT for small bodies, a multipart upload above a threshold.
///
/// Peak memory for one upload is about `max(singlePutThreshold, partSize × (partConcurrency + 1))` bytes.
public struct UploadConfiguration: Sendable, Equatable {
    /// Bodies of at most this many bytes go up in one PUT (buffered, so Content-MD5 can be sent);
    /// larger ones as a multipart upload. Default 8 MiB.
    public var singlePutThreshold: Int = 8 << 20
    /// Bytes per part (the last part may be smaller). At least 100 KiB (OSS) — S3 requires 5 MiB for
    /// all parts but the last. Default 8 MiB.
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
