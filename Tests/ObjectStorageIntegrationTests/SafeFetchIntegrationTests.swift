import AssetForgeConfiguration
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SafeFetch
import Synchronization
import Testing

/// A resolver with fixed answers, for names that must not reach real DNS.
struct FixedResolver: HostResolver {
    var answers: [String: [String]]

    func resolve(host: String) async throws -> [IPAddress] {
        guard let answer = answers[host.lowercased()] else { throw TestSupport.SetupError("no such host \(host)") }
        return answer.compactMap(IPAddress.init)
    }
}

/// The SSRF rules: refused destinations, redirects, allowlist, pinning.
@Suite struct SafeFetchIntegrationTests {
    static func fetcher(
        allow: [String] = [], resolver: any HostResolver = SystemHostResolver(), maxBytes: Int64 = 1 << 20
    )
        throws -> SafeFetcher
    {
        var configuration = FetchConfiguration()
        configuration.allowlist = try allow.map { try FetchAllowlistEntry(parsing: $0) }
        configuration.maxBytes = maxBytes
        configuration.maxRedirects = 3
        configuration.connectTimeout = .seconds(2)
        return SafeFetcher(configuration: configuration, resolver: resolver, logger: TestSupport.logger)
    }

    static func fetchText(_ fetcher: SafeFetcher, _ url: String) async throws -> String {
        try await fetcher.withResponse(URL(string: url)!) { response in
            var collected = ByteBuffer()
            for try await var chunk in response.body { collected.writeBuffer(&chunk) }
            return String(buffer: collected)
        }
    }

    static func expectRefused(_ url: String, code: FetchError.Code, fetcher: SafeFetcher) async throws {
        await #expect {
            _ = try await fetchText(fetcher, url)
        } throws: { error in
            guard let error = error as? FetchError else { return false }
            return error.code == code && !error.message.isEmpty
        }
    }

    @Test(
        "internal destinations are refused before connecting",
        arguments: [
            "http://127.0.0.1/", "http://127.0.0.1:8080/x.png", "http://localhost/", "http://LOCALHOST.:9/",
            "http://api.localhost/", "http://10.0.0.1/", "http://10.255.1.2/result.mp4", "http://172.16.5.4/",
            "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
            "http://100.100.100.200/latest/meta-data",
            "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://[fd00:ec2::254]/",
            "http://0.0.0.0/", "http://metadata.google.internal/",
        ])
    func refusesInternal(url: String) async throws {
        try await Self.expectRefused(url, code: .blockedDestination, fetcher: try Self.fetcher())
    }

    @Test("only http and https", arguments: ["file:///etc/passwd", "gopher://example.com/", "ftp://example.com/a"])
    func refusesSchemes(url: String) async throws {
        try await Self.expectRefused(url, code: .unsupportedScheme, fetcher: try Self.fetcher())
    }

    @Test func everyResolvedAddressIsChecked() async throws {
        let resolver = FixedResolver(answers: [
            "mixed.example": ["93.184.216.34", "127.0.0.1"], "private.example": ["10.1.2.3"],
            "v6.example": ["::1"],
        ])
        let fetcher = try Self.fetcher(resolver: resolver)
        for host in ["mixed.example", "private.example", "v6.example"] {
            try await Self.expectRefused("http://\(host)/a.png", code: .blockedDestination, fetcher: fetcher)
        }
    }

    /// A loopback server: `/asset` (a PNG-looking body), `/to?url=…` (302 to url), `/loop` (redirects to itself),
    /// `/host` (echoes the Host header), `/big` (2 MiB).
    func withOrigin(_ body: (Int) async throws -> Void) async throws {
        try await TestSupport.withServer(
            { onRunning in
                let router = Router()
                router.get("/asset") { _, _ in
                    Response(
                        status: .ok, headers: [.contentType: "text/html"],
                        body: .init(byteBuffer: TestSupport.payload(size: 5_000, header: TestSupport.pngHeader)))
                }
                router.get("/to") { request, _ in
                    Response(
                        status: .found, headers: [.location: request.uri.queryParameters["url"].map(String.init) ?? "/"]
                    )
                }
                router.get("/loop") { _, _ in Response(status: .movedPermanently, headers: [.location: "/loop"]) }
                router.get("/host") { request, _ in request.head.authority ?? "none" }
                router.get("/big") { _, _ in
                    Response(status: .ok, body: .init(byteBuffer: TestSupport.payload(size: 2 << 20)))
                }
                return Application(
                    router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { await onRunning($0.localAddress?.port ?? 0) })
            }, body)
    }

    @Test func allowlistedAddressIsFetched() async throws {
        try await withOrigin { port in
            try await Self.expectRefused(
                "http://127.0.0.1:\(port)/asset", code: .blockedDestination, fetcher: try Self.fetcher())
            let fetcher = try Self.fetcher(allow: ["127.0.0.1"])
            let length = try await fetcher.withResponse(URL(string: "http://127.0.0.1:\(port)/asset")!) { response in
                #expect(response.connectedAddress == IPAddress("127.0.0.1"))
                var total = 0
                for try await chunk in response.body { total += chunk.readableBytes }
                return total
            }
            #expect(length == 5_000)
            // localhost may resolve to ::1 first, where nothing listens: the next checked address is tried.
            let byName = try Self.fetcher(allow: ["localhost"])
            #expect(try await Self.fetchText(byName, "http://localhost:\(port)/host") == "localhost:\(port)")
            let byRange = try Self.fetcher(allow: ["127.0.0.0/8"])
            #expect(try await Self.fetchText(byRange, "http://127.0.0.1:\(port)/host") == "127.0.0.1:\(port)")
        }
    }

    @Test func namesArePinnedToTheCheckedAddressWithTheirHostHeader() async throws {
        try await withOrigin { port in
            // System DNS does not know this name: the connection can only go to the address checked here.
            let resolver = FixedResolver(answers: ["cdn.assets.example": ["127.0.0.1"]])
            let refused = try Self.fetcher(resolver: resolver)
            try await Self.expectRefused(
                "http://cdn.assets.example:\(port)/host", code: .blockedDestination, fetcher: refused)
            let byHost = try Self.fetcher(allow: ["*.assets.example"], resolver: resolver)
            #expect(
                try await Self.fetchText(byHost, "http://cdn.assets.example:\(port)/host")
                    == "cdn.assets.example:\(port)")
        }
    }

    @Test func redirectsAreCheckedHopByHop() async throws {
        try await withOrigin { port in
            let fetcher = try Self.fetcher(allow: ["127.0.0.1"])
            let base = "http://127.0.0.1:\(port)"
            #expect(try await Self.fetchText(fetcher, "\(base)/to?url=/host") == "127.0.0.1:\(port)")
            for target in [
                "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x", "http://[::1]:\(port)/asset",
                "http://localhost:\(port)/asset",
            ] {
                let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                await #expect {
                    _ = try await Self.fetchText(fetcher, "\(base)/to?url=\(encoded)")
                } throws: { error in
                    (error as? FetchError)?.code == .blockedDestination
                }
            }
            try await Self.expectRefused(
                "\(base)/to?url=file%3A%2F%2F%2Fetc%2Fpasswd", code: .unsupportedScheme, fetcher: fetcher)
            try await Self.expectRefused("\(base)/loop", code: .tooManyRedirects, fetcher: fetcher)
        }
    }

    @Test func sizeLimitIsEnforced() async throws {
        try await withOrigin { port in
            let fetcher = try Self.fetcher(allow: ["127.0.0.1"], maxBytes: 1 << 20)
            try await Self.expectRefused("http://127.0.0.1:\(port)/big", code: .tooLarge, fetcher: fetcher)
        }
    }
}
