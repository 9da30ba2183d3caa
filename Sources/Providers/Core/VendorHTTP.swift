import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Timeouts and size bounds for vendor calls.
public struct VendorHTTPConfiguration: Sendable, Equatable {
    /// Deadline of one API exchange (connect, send, receive). Default 30 s.
    public var requestTimeout: Duration = .seconds(30)
    /// Deadline of one result download. Default 120 s.
    public var downloadTimeout: Duration = .seconds(120)
    /// Largest API answer read. Default 4 MiB (Jimeng base64 results included).
    public var maxResponseBytes = 16 * 1024 * 1024
    /// Largest downloaded result (image or video). Default 256 MiB.
    public var maxDownloadBytes = 256 * 1024 * 1024

    /// The defaults.
    public init() {}
}

extension HTTPClient {
    /// One client for every vendor: pooled keep-alive connections, connect and read timeouts, redirects off
    /// for API calls. Shut it down (`shutdown()`) when the service stops.
    ///
    /// - Parameters:
    ///   - connectTimeout: TCP/TLS connect timeout. Default 5 s.
    ///   - readTimeout: longest silence while reading an answer. Default 30 s.
    ///   - connectionsPerHost: pooled HTTP/1 connections per host. Default 64.
    public static func makeForProviders(
        connectTimeout: Duration = .seconds(5), readTimeout: Duration = .seconds(30), connectionsPerHost: Int = 64
    ) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 3, allowCycles: false),
            timeout: .init(connect: .init(connectTimeout), read: .init(readTimeout)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost),
            decompression: .disabled)
        configuration.httpVersion = .automatic
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// An answer from a vendor: status, headers and the whole (bounded) body.
struct VendorResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    var isSuccess: Bool { (200..<300).contains(status) }

    /// `Retry-After` as a duration (seconds or an HTTP date), if sent.
    var retryAfter: Duration? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value) { return .milliseconds(Int64(max(0, seconds) * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }

    /// The body decoded as `T`, or a `malformed-response` error.
    func decode<T: Decodable>(_ type: T.Type, provider: GenerationProvider) throws(ProviderError) -> T {
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(T.self, from: Data(body))
        } catch {
            throw ProviderError(
                .malformedResponse, provider: provider,
                message: "unexpected answer body (\(body.count) bytes): \(error)", httpStatus: status)
        }
    }
}

/// The one place every vendor request goes through: idempotency header, timeouts, bounded bodies,
/// and transport errors mapped to ``ProviderError``.
struct VendorHTTP: Sendable {
    let client: HTTPClient
    let configuration: VendorHTTPConfiguration
    let provider: GenerationProvider

    static let idempotencyHeader = "X-AssetForge-Idempotency-Key"

    func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        idempotencyKey: String?
    ) async throws(ProviderError) -> VendorResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let idempotencyKey { request.headers.replaceOrAdd(name: Self.idempotencyHeader, value: idempotencyKey) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        return try await execute(request, timeout: configuration.requestTimeout, maxBytes: configuration.maxResponseBytes)
    }

    /// Downloads a result file (image or video), bounded by ``VendorHTTPConfiguration/maxDownloadBytes``.
    func download(_ url: URL) async throws(ProviderError) -> [UInt8] {
        let response = try await execute(
            HTTPClientRequest(url: url.absoluteString), timeout: configuration.downloadTimeout,
            maxBytes: configuration.maxDownloadBytes)
        guard response.isSuccess else {
            let expired = response.status == 403 || response.status == 404
            throw ProviderError(
                expired ? .resultUnavailable : (response.status >= 500 ? .serverError : .resultUnavailable),
                provider: provider, message: "result download answered HTTP \(response.status)", httpStatus: response.status)
        }
        return response.body
    }

    private func execute(_ request: HTTPClientRequest, timeout: Duration, maxBytes: Int) async throws(ProviderError)
        -> VendorResponse
    {
        do {
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            let body = try await response.body.collect(upTo: maxBytes)
            return VendorResponse(status: Int(response.status.code), headers: response.headers, body: Array(buffer: body))
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                throw ProviderError(.timedOut, provider: provider, message: "no answer in time: \(error)")
            case .cancelled:
                throw ProviderError(.cancelled, provider: provider, message: "request cancelled")
            default:
                throw ProviderError(.transport, provider: provider, message: "\(error)")
            }
        } catch is NIOTooManyBytesError {
            throw ProviderError(.malformedResponse, provider: provider, message: "answer larger than \(maxBytes) bytes")
        } catch is CancellationError {
            throw ProviderError(.cancelled, provider: provider, message: "request cancelled")
        } catch {
            throw ProviderError(.transport, provider: provider, message: "\(error)")
        }
    }
}
