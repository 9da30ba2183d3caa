import AssetForgeConfiguration
import NIOCore
import NIOSSL

/// Limits and exceptions for ``SafeFetcher``.
public struct FetchConfiguration: Sendable {
    /// Hosts, addresses and ranges that may be fetched even though they are internal
    /// (`ASSETFORGE_FETCH_ALLOWLIST`). Default empty.
    public var allowlist: [FetchAllowlistEntry] = []
    /// The largest body accepted, in bytes. Default 1 GiB.
    public var maxBytes: Int64 = 1 << 30
    /// Redirects followed at most; each is checked like the first URL. Default 5.
    public var maxRedirects: Int = 5
    /// Time limit for connecting. Default 10 s.
    public var connectTimeout: TimeAmount = .seconds(10)
    /// Time limit between two reads of the response. Default 60 s.
    public var readTimeout: TimeAmount = .seconds(60)
    /// TLS settings for https; `nil` means the defaults (system trust roots, full verification).
    public var tlsConfiguration: TLSConfiguration?
    /// Extra request headers (e.g. `User-Agent`). Default `User-Agent: AssetForge`.
    public var headers: [(name: String, value: String)] = [("User-Agent", "AssetForge")]

    /// The defaults.
    public init() {}
}
