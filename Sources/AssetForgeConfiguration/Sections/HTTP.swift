import Foundation

extension AssetForgeConfiguration {
    /// The HTTP server.
    public struct HTTP: Sendable, Equatable {
        /// The port to listen on, 0–65535; 0 asks the operating system for a free port (for tests).
        /// File `http.port`; env `ASSETFORGE_HTTP_PORT`. Default `8080`.
        public var port: Int = 8080

        /// The URL clients use to reach this server, `http(s)://host[:port][/path]` (a path prefix is
        /// allowed for reverse proxies; no query or fragment). File `http.publicBaseURL`;
        /// env `ASSETFORGE_PUBLIC_BASE_URL`. Default `nil`, meaning `http://127.0.0.1:PORT`;
        /// use ``resolvedPublicBaseURL(boundPort:)`` to get the URL either way.
        public var publicBaseURL: URL?

        /// ``publicBaseURL`` if set, otherwise `http://127.0.0.1:PORT`, where PORT is `boundPort`
        /// (pass the actual port when ``port`` is 0) or else ``port``.
        public func resolvedPublicBaseURL(boundPort: Int? = nil) -> URL {
            publicBaseURL ?? URL(string: "http://127.0.0.1:\(boundPort ?? port)")!
        }

        /// The defaults.
        public init() {}
    }
}
