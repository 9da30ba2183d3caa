import AssetForgeConfiguration
import Foundation
import Hummingbird
import Logging
import ObjectStorage

/// AssetForge's own HTTP server: serves the files of a `file://` store under `/assets/…` (with
/// Content-Type from the extension, ETag, conditional requests and byte ranges for video seeking)
/// and answers `/healthz` (the process is up) and `/readyz` (``readiness`` passes: 200, else 503 naming the failing
/// checks).
///
/// A ``FileObjectStore`` at `ROOT` keeps key `assets/SKU/KIND/ID.EXT` in `ROOT/assets/SKU/KIND/ID.EXT`,
/// and hands out `PUBLIC_BASE_URL/assets/SKU/KIND/ID.EXT`, which this server answers. Only the
/// `ROOT/assets` folder is served (partial uploads in `ROOT/.incoming` are not).
public struct AssetHTTPServer: Sendable {
    /// Where to listen.
    public var host: String
    /// The port; 0 lets the system choose (see `onRunning`).
    public var port: Int
    /// The file store's root directory, or `nil` when assets live in a bucket (then only `/healthz`).
    public var fileStoreRoot: String?
    /// The logger for requests and server events.
    public var logger: Logger
    /// The readiness checks behind `/readyz`: the names and problems of the failing ones (empty when ready).
    public var readiness: @Sendable () async -> [String: String] = { [:] }

    /// Creates a server description.
    public init(host: String = "0.0.0.0", port: Int, fileStoreRoot: String?, logger: Logger) {
        self.host = host
        self.port = port
        self.fileStoreRoot = fileStoreRoot
        self.logger = logger
    }

    /// The server for a configuration: `ASSETFORGE_HTTP_PORT`, and the directory of a `file://`
    /// `ASSETFORGE_STORE_URL` (none for bucket stores).
    public init(configuration: AssetForgeConfiguration, host: String = "0.0.0.0", logger: Logger) {
        var root: String?
        if case .file(let path) = configuration.store.location { root = path }
        self.init(host: host, port: configuration.http.port, fileStoreRoot: root, logger: logger)
    }

    /// The router: `/healthz` and, with a file store, `/assets/**`.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        if let fileStoreRoot {
            let assets = URL(fileURLWithPath: fileStoreRoot, isDirectory: true).appendingPathComponent("assets").path
            var types: [String: MediaType] = [:]
            for type in AssetContentType.all {
                if let mediaType = MediaType(from: type.mimeType) { types[type.fileExtension] = mediaType }
            }
            router.add(
                middleware: FileMiddleware(
                    assets, urlBasePath: "/assets",
                    cacheControl: .init([(MediaType(type: .any), [.public, .maxAge(3600)])]),
                    searchForIndexHtml: false, logger: logger
                ).withAdditionalMediaTypes(forFileExtensions: types))
        }
        router.get("/healthz") { _, _ in "ok\n" }
        let readiness = self.readiness
        router.get("/readyz") { _, _ -> Response in
            let failing = await readiness()
            guard !failing.isEmpty else {
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ready\n")))
            }
            let text = failing.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)\n" }.joined()
            return Response(
                status: .serviceUnavailable, body: ResponseBody(byteBuffer: ByteBuffer(string: "not ready\n" + text)))
        }
        return router
    }

    /// An application to run (it is a `Service` for a `ServiceGroup`).
    /// - Parameter onRunning: called with the bound port once the server listens.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "AssetForge"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
