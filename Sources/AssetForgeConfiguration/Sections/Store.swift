import Foundation

extension AssetForgeConfiguration {
    /// Where generated assets are written, and the object-store credentials.
    ///
    /// A half-set key pair is an error naming the missing variable, and so is a session token without
    /// its key pair. An `oss://` store needs the OSS key pair and an `s3://` store the AWS key pair
    /// (static keys: AssetForge signs requests itself and does not consult instance metadata).
    public struct Store: Sendable, Equatable {
        /// The store. File `store.url`; env `ASSETFORGE_STORE_URL`; see ``AssetStoreLocation`` for the forms.
        /// Default `file://assets` (the `assets` directory under the working directory).
        public var location: AssetStoreLocation = .file(path: "assets")

        /// How `asset.ready` URLs of a bucket store are formed. File `store.publicUrlStyle`;
        /// env `ASSETFORGE_STORE_PUBLIC_URL_STYLE`: `presigned` (GET URLs valid ``presignSeconds``; buckets are
        /// private by default), `direct` (the object's own URL, for public-read buckets) or `cdn`
        /// (``cdnBaseURL`` + key). Default `presigned`. A file store serves its files itself (`direct`) unless `cdn`.
        public var publicURLStyle: PublicURLMode = .presigned

        /// The CDN or custom domain in front of the bucket, `http(s)://host[/path]`, for style `cdn`.
        /// File `store.cdnBaseUrl`; env `ASSETFORGE_STORE_CDN_BASE_URL`. Default none.
        public var cdnBaseURL: URL?

        /// How long presigned URLs stay valid, 1 to 604800 seconds. File `store.presignSeconds`;
        /// env `ASSETFORGE_STORE_PRESIGN_SECONDS`. Default `86400` (one day).
        public var presignSeconds: Int = 86_400

        /// The largest body uploaded in one PUT; larger or unannounced ones go multipart. Bytes, ≥ 0.
        /// File `store.multipartThresholdBytes`; env `ASSETFORGE_STORE_MULTIPART_THRESHOLD_BYTES`.
        /// Default `67108864` (64 MiB).
        public var multipartThresholdBytes: Int = 64 << 20

        /// Bytes per multipart part, at least 102400 (OSS; S3 needs 5 MiB). File `store.partSizeBytes`;
        /// env `ASSETFORGE_STORE_PART_SIZE_BYTES`. Default `8388608` (8 MiB).
        public var partSizeBytes: Int = 8 << 20

        /// Parts uploaded at once, 1 to 64. File `store.partConcurrency`; env `ASSETFORGE_STORE_PART_CONCURRENCY`.
        /// Default `2`. A multipart upload holds `partSizeBytes × (partConcurrency + 1)` bytes of part buffers.
        public var partConcurrency: Int = 2

        /// OSS access key id. File `store.oss.accessKeyId`; env `OSS_ACCESS_KEY_ID`. Default none. Secret.
        public var ossAccessKeyID: Secret?

        /// OSS access key secret. File `store.oss.accessKeySecret`; env `OSS_ACCESS_KEY_SECRET`.
        /// Default none. Secret.
        public var ossAccessKeySecret: Secret?

        /// OSS STS session token, optional. File `store.oss.sessionToken`; env `OSS_SESSION_TOKEN`.
        /// Default none. Secret.
        public var ossSessionToken: Secret?

        /// AWS access key id. File `store.aws.accessKeyId`; env `AWS_ACCESS_KEY_ID`. Default none. Secret.
        public var awsAccessKeyID: Secret?

        /// AWS secret access key. File `store.aws.secretAccessKey`; env `AWS_SECRET_ACCESS_KEY`.
        /// Default none. Secret.
        public var awsSecretAccessKey: Secret?

        /// AWS session token, optional. File `store.aws.sessionToken`; env `AWS_SESSION_TOKEN`.
        /// Default none. Secret.
        public var awsSessionToken: Secret?

        /// The OSS credentials, when both keys are set.
        public var ossCredentials: ObjectStoreCredentials? {
            guard let ossAccessKeyID, let ossAccessKeySecret else { return nil }
            return ObjectStoreCredentials(
                accessKeyID: ossAccessKeyID, secretAccessKey: ossAccessKeySecret, sessionToken: ossSessionToken)
        }

        /// The AWS credentials, when both keys are set.
        public var awsCredentials: ObjectStoreCredentials? {
            guard let awsAccessKeyID, let awsSecretAccessKey else { return nil }
            return ObjectStoreCredentials(
                accessKeyID: awsAccessKeyID, secretAccessKey: awsSecretAccessKey, sessionToken: awsSessionToken)
        }

        /// The credentials for ``location``: OSS keys for `oss://`, AWS keys for `s3://`, `nil` for `file://`.
        public var credentials: ObjectStoreCredentials? {
            switch location {
            case .file: return nil
            case .oss: return ossCredentials
            case .s3: return awsCredentials
            }
        }

        /// The defaults.
        public init() {}
    }
}

/// A key pair (and optional session token) for signing object-store requests.
public struct ObjectStoreCredentials: Sendable, Equatable {
    /// The access key id.
    public var accessKeyID: Secret
    /// The secret access key.
    public var secretAccessKey: Secret
    /// A temporary session token (STS), if any.
    public var sessionToken: Secret?

    /// Creates credentials.
    public init(accessKeyID: Secret, secretAccessKey: Secret, sessionToken: Secret? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// How asset URLs of a bucket store are formed (`ASSETFORGE_STORE_PUBLIC_URL_STYLE`).
public enum PublicURLMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Presigned GET URLs (private buckets).
    case presigned
    /// The object's own URL (public-read buckets).
    case direct
    /// `ASSETFORGE_STORE_CDN_BASE_URL` + key.
    case cdn

    public var description: String { rawValue }
}
