import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Downloads provider results and source images without letting a URL reach internal services (SSRF).
///
/// For every hop (the first URL and each redirect, at most ``FetchConfiguration/maxRedirects``):
/// 1. only `http` and `https` are accepted;
/// 2. the host is resolved here (``HostResolver``), and **every** address is checked against
///    ``DestinationPolicy`` — one internal address refuses the hop, so a name cannot mix public and
///    internal answers;
/// 3. the connection goes to the checked address itself: the HTTP client gets a DNS override
///    (host → checked IP), so it never resolves the name again and a rebinding DNS server cannot
///    swap the address between check and connect. The URL keeps the host name, so the `Host`
///    header, TLS SNI and certificate verification all use the name;
/// 4. redirects are not followed by the client but here, re-checking each target.
///
/// Limits: addresses are tried one after the other in resolver order (no parallel happy-eyeballs
/// racing); an https URL with an IP-address host gets no SNI (as usual); a proxy configured in the environment is not used; the body is capped at
/// ``FetchConfiguration/maxBytes`` both by Content-Length and while streaming.
public struct SafeFetcher: Sendable {
    /// The limits and allowlist.
    public let configuration: FetchConfiguration
    /// The host and address rules.
    public let policy: DestinationPolicy
    private let resolver: any HostResolver
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Creates a fetcher.
    /// - Parameters:
    ///   - resolver: name resolution (default `getaddrinfo`); tests can supply a rebinding one.
    ///   - eventLoopGroup: where connections run (default: NIO's shared group).
    public init(
        configuration: FetchConfiguration = .init(),
        resolver: any HostResolver = SystemHostResolver(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.policy = DestinationPolicy(allowlist: configuration.allowlist)
        self.resolver = resolver
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Creates a fetcher whose allowlist is `ASSETFORGE_FETCH_ALLOWLIST`.
    public init(
        fetch: AssetForgeConfiguration.Fetch, maxBytes: Int64? = nil, resolver: any HostResolver = SystemHostResolver(),
        logger: Logger
    ) {
        var configuration = FetchConfiguration()
        configuration.allowlist = fetch.allowlist
        if let maxBytes { configuration.maxBytes = maxBytes }
        self.init(configuration: configuration, resolver: resolver, logger: logger)
    }

    /// Fetches `url` with GET, following permitted redirects, and hands the 2xx response to `handle`
    /// while the connection is open. The body must be read inside `handle`.
    /// - Throws: ``FetchError`` for refused or failed downloads; whatever `handle` throws.
    public func withResponse<Result: Sendable>(
        _ url: URL, _ handle: (FetchResponse) async throws -> Result
    ) async throws -> Result {
        var current = url
        var redirects = 0
        while true {
            let hop = try await checkedHop(current)
            let outcome = try await performTryingAddresses(hop, handle)
            do {
                switch outcome {
                case .done(let result):
                    return result
                case .redirect(let location):
                    redirects += 1
                    guard redirects <= configuration.maxRedirects else {
                        throw FetchError(
                            .tooManyRedirects,
                            "more than \(configuration.maxRedirects) redirects; the source URL is probably wrong",
                            url: Self.redacted(url))
                    }
                    current = location
                }
            }
        }
    }

    /// Connects to each checked address in turn until one answers (a name's addresses were all checked).
    private func performTryingAddresses<Result: Sendable>(
        _ hop: Hop, _ handle: (FetchResponse) async throws -> Result
    ) async throws -> Outcome<Result> {
        var lastError: (any Error)?
        for address in hop.addresses {
            var attempt = hop
            attempt.address = address
            if hop.override != nil { attempt.override = address.description }
            let client = HTTPClient(
                eventLoopGroupProvider: .shared(eventLoopGroup), configuration: clientConfiguration(attempt))
            do {
                let outcome = try await perform(attempt, client: client, handle)
                try? await client.shutdown()
                return outcome
            } catch let failure as ConnectFailure {
                try? await client.shutdown()
                lastError = failure.error
                logger.debug(
                    "could not connect, trying the next address",
                    metadata: ["fetch.address": "\(address)", "error": "\(failure.error)"])
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
        throw lastError ?? FetchError(.transport, "no address to connect to", url: Self.redacted(hop.url))
    }

    /// The request failed before any response arrived (so another address may be tried).
    struct ConnectFailure: Error {
        var error: FetchError
    }

    // MARK: - One hop

    struct Hop {
        var url: URL
        var host: String
        /// The address connected to.
        var address: IPAddress
        /// Every checked address of the host, in resolver order.
        var addresses: [IPAddress]
        /// Set when the URL host is a name (or a non-canonical address) that the client must not resolve again.
        var override: String?
    }

    /// Validates scheme and host, resolves, and checks every address.
    func checkedHop(_ url: URL) async throws -> Hop {
        let shown = Self.redacted(url)
        guard let scheme = url.scheme?.lowercased() else {
            throw FetchError(.invalidURL, "the URL has no scheme; only http and https URLs can be fetched", url: shown)
        }
        guard scheme == "http" || scheme == "https" else {
            throw FetchError(
                .unsupportedScheme, "scheme \"\(scheme)\" is not allowed; only http and https URLs can be fetched",
                url: shown)
        }
        guard var host = url.host, !host.isEmpty else {
            throw FetchError(.invalidURL, "the URL has no host", url: shown)
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let literal = IPAddress(host) {
            guard policy.permits(literal, host: host) else {
                throw blocked(literal, host: host, url: shown)
            }
            return Hop(url: url, host: host, address: literal, addresses: [literal], override: nil)
        }
        if DestinationPolicy.isBlockedName(host), !policy.allowsHost(host) {
            throw FetchError(
                .blockedDestination,
                "host \"\(host)\" names this machine or a metadata service; add it to ASSETFORGE_FETCH_ALLOWLIST "
                    + "only if fetching from it is intended",
                url: shown)
        }
        let addresses: [IPAddress]
        do {
            addresses = try await resolver.resolve(host: host)
        } catch {
            throw FetchError(
                .resolutionFailed, "host \"\(host)\" could not be resolved; check the URL", url: shown,
                underlying: error)
        }
        guard let first = addresses.first else {
            throw FetchError(.resolutionFailed, "host \"\(host)\" has no addresses; check the URL", url: shown)
        }
        for address in addresses where !policy.permits(address, host: host) {
            throw blocked(address, host: host, url: shown)
        }
        return Hop(url: url, host: host, address: first, addresses: addresses, override: first.description)
    }

    private func blocked(_ address: IPAddress, host: String, url: String) -> FetchError {
        FetchError(
            .blockedDestination,
            "\(host == address.description ? "address" : "host \"\(host)\" resolves to") \(address), which is "
                + "internal (loopback, private, link-local, metadata or reserved); add the host, address or range to "
                + "ASSETFORGE_FETCH_ALLOWLIST only if fetching from it is intended",
            url: url, address: address)
    }

    private func clientConfiguration(_ hop: Hop) -> HTTPClient.Configuration {
        var client = HTTPClient.Configuration()
        client.redirectConfiguration = .disallow
        client.timeout = .init(connect: configuration.connectTimeout, read: configuration.readTimeout)
        client.decompression = .disabled
        client.tlsConfiguration = configuration.tlsConfiguration
        client.httpVersion = .http1Only
        if let override = hop.override { client.dnsOverride = [hop.host: override] }
        return client
    }

    enum Outcome<Result> {
        case done(Result)
        case redirect(URL)
    }

    private func perform<Result: Sendable>(
        _ hop: Hop, client: HTTPClient, _ handle: (FetchResponse) async throws -> Result
    ) async throws -> Outcome<Result> {
        let shown = Self.redacted(hop.url)
        var request = HTTPClientRequest(url: hop.url.absoluteString)
        request.method = .GET
        for (name, value) in configuration.headers { request.headers.add(name: name, value: value) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: .distantFuture, logger: logger)
        } catch is CancellationError {
            throw FetchError(.cancelled, "the download was cancelled", url: shown)
        } catch {
            throw ConnectFailure(
                error: FetchError(
                    .transport, "connecting to or reading from the source failed; retry later", url: shown,
                    address: hop.address, underlying: error))
        }
        let status = Int(response.status.code)
        if [301, 302, 303, 307, 308].contains(status) {
            _ = try? await response.body.collect(upTo: 64 << 10)
            guard let location = response.headers.first(name: "Location"),
                let target = URL(string: location, relativeTo: hop.url)?.absoluteURL
            else {
                throw FetchError(
                    .badStatus, "redirect \(status) without a usable Location header", url: shown, httpStatus: status)
            }
            logger.debug(
                "following redirect",
                metadata: ["fetch.status": "\(status)", "fetch.location": "\(Self.redacted(target))"])
            return .redirect(target)
        }
        guard (200..<300).contains(status) else {
            _ = try? await response.body.collect(upTo: 64 << 10)
            throw FetchError(
                .badStatus,
                "the source answered \(status); \(status >= 500 || status == 429 ? "retry later" : "check the URL")",
                url: shown, address: hop.address, httpStatus: status)
        }
        let length = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        if let length, length > configuration.maxBytes {
            throw FetchError(
                .tooLarge,
                "the source announces \(length) bytes, more than the limit of \(configuration.maxBytes) "
                    + "(ASSETFORGE_FETCH_MAX_BYTES)",
                url: shown, address: hop.address)
        }
        let fetched = FetchResponse(
            url: hop.url, status: status, headers: response.headers, contentLength: length,
            connectedAddress: hop.address,
            body: FetchBody(
                source: response.body, limit: configuration.maxBytes, expectedLength: length, url: shown))
        return .done(try await handle(fetched))
    }

    /// The URL without query and user info, for messages and logs (queries often hold signatures).
    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return "<invalid URL>" }
        components.query = nil
        components.fragment = nil
        components.user = nil
        components.password = nil
        return components.string ?? "<invalid URL>"
    }
}
