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
