import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import Logging

/// Settings for stores beyond `ASSETFORGE_STORE_URL` and the credentials.
public struct ObjectStoreOptions: Sendable {
    /// Asset URL style for OSS and S3. Default ``PublicURLStyle/default``. A file store uses
    /// ``PublicURLStyle/direct`` unless this is ``PublicURLStyle/cdn(baseURL:)``.
    public var publicURLStyle: PublicURLStyle = .default
    /// Multipart threshold, part size and concurrency.
    public var upload = UploadConfiguration()
    /// The port the HTTP server actually bound, when `ASSETFORGE_HTTP_PORT` is 0 (for file-store URLs).
    public var boundHTTPPort: Int?

    /// The defaults.
    public init() {}

    /// The options the configuration's `ASSETFORGE_STORE_*` settings describe (URL style, CDN base URL,
    /// presign lifetime, multipart threshold, part size and concurrency).
    /// - Throws: ``ObjectStorageError/Code/invalidConfiguration`` for style `cdn` without a CDN base URL.
    public init(store: AssetForgeConfiguration.Store) throws(ObjectStorageError) {
        switch store.publicURLStyle {
        case .presigned: publicURLStyle = .presigned(seconds: store.presignSeconds)
        case .direct: publicURLStyle = .direct
        case .cdn:
            guard let base = store.cdnBaseURL else {
                throw ObjectStorageError(
                    .invalidConfiguration,
                    "ASSETFORGE_STORE_PUBLIC_URL_STYLE is cdn but ASSETFORGE_STORE_CDN_BASE_URL is not set; set it to "
                        + "the CDN or custom domain in front of the bucket, e.g. https://assets.example.com")
            }
            publicURLStyle = .cdn(baseURL: base)
        }
        upload.singlePutThreshold = store.multipartThresholdBytes
        upload.partSize = store.partSizeBytes
        upload.partConcurrency = store.partConcurrency
    }
}

extension AssetForgeConfiguration {
    /// Creates the store that `ASSETFORGE_STORE_URL` names, with its credentials.
    ///
    /// - `file://PATH` → ``FileObjectStore`` with URLs under `ASSETFORGE_PUBLIC_BASE_URL`
    ///   (default `http://127.0.0.1:PORT`);
    /// - `oss://…` → ``OSSObjectStore`` with `OSS_ACCESS_KEY_ID`/`OSS_ACCESS_KEY_SECRET`(/`OSS_SESSION_TOKEN`);
    /// - `s3://…` → ``S3ObjectStore`` with `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`(/`AWS_SESSION_TOKEN`).
    ///
    /// `options` defaults to what the `ASSETFORGE_STORE_*` settings say (``ObjectStoreOptions/init(store:)``).
    ///
    /// - Throws: ``ObjectStorageError`` with ``ObjectStorageError/Code/invalidConfiguration`` when credentials are missing.
    public func makeObjectStore(
        options: ObjectStoreOptions? = nil, httpClient: HTTPClient = .shared, logger: Logger
    ) throws(ObjectStorageError) -> any ObjectStore {
        let options = if let options { options } else { try ObjectStoreOptions(store: store) }
        try options.upload.validate()
        switch store.location {
        case .file(let path):
            let style: PublicURLStyle
            if case .cdn = options.publicURLStyle { style = options.publicURLStyle } else { style = .direct }
            return FileObjectStore(
                path: path, publicBaseURL: http.resolvedPublicBaseURL(boundPort: options.boundHTTPPort),
                publicURLStyle: style, maxObjectSize: options.upload.maxObjectSize)
        case .oss(let bucket):
            guard let credentials = store.ossCredentials else {
                throw ObjectStorageError(
                    .invalidConfiguration,
                    "ASSETFORGE_STORE_URL names an OSS bucket but OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET are not "
                        + "both set; set them (and OSS_SESSION_TOKEN for STS)")
            }
            var configuration = OSSObjectStore.Configuration()
            configuration.publicURLStyle = options.publicURLStyle
            configuration.upload = options.upload
            return OSSObjectStore(
                bucket: bucket, credentials: credentials, configuration: configuration, httpClient: httpClient,
                logger: logger)
        case .s3(let bucket):
            guard let credentials = store.awsCredentials else {
                throw ObjectStorageError(
                    .invalidConfiguration,
                    "ASSETFORGE_STORE_URL names an S3 bucket but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not "
                        + "both set; set them (and AWS_SESSION_TOKEN for temporary credentials)")
            }
            var configuration = S3ObjectStore.Configuration()
            configuration.publicURLStyle = options.publicURLStyle
            configuration.upload = options.upload
            return S3ObjectStore(
                bucket: bucket, credentials: credentials, configuration: configuration, httpClient: httpClient,
                logger: logger)
        }
    }
}
