import AssetForgeConfiguration
import AssetImaging
import AsyncHTTPClient
import Foundation
import Logging
import ProviderSimulator
@testable import Providers

/// A simulator, one shared HTTP client and fast settings, for one test.
struct Harness {
    let simulator: ProviderSimulator
    let http: HTTPClient

    var base: URL { simulator.baseURL }
    var credentials: SimulatorCredentials { simulator.configuration.credentials }

    static let logger: Logger = {
        var logger = Logger(label: "assetforge.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a simulator whose tasks take `taskSeconds`.
    static func run<T>(
        taskSeconds: Double = 0.2, _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: (Harness) async throws -> T
    ) async throws -> T {
        var configuration = SimulatorConfiguration()
        configuration.taskSeconds = ["wanx": taskSeconds, "jimeng": taskSeconds, "kling": taskSeconds, "hailuo": taskSeconds]
        configure(&configuration)
        let simulator = try await ProviderSimulator.start(configuration: configuration)
        let http = HTTPClient.makeForProviders(connectTimeout: .seconds(10), readTimeout: .seconds(30), connectionsPerHost: 64)
        let harness = Harness(simulator: simulator, http: http)
        do {
            let value = try await body(harness)
            try await http.shutdown()
            await simulator.shutdown()
            return value
        } catch {
            try? await http.shutdown()
            await simulator.shutdown()
            throw error
        }
    }

    var fastHTTP: VendorHTTPConfiguration {
        var configuration = VendorHTTPConfiguration()
        configuration.requestTimeout = .seconds(30)  // generous: the tests share two loaded cores
        return configuration
    }

    // MARK: Clients

    func wanx(apiKey: String? = nil) -> WanxClient {
        WanxClient(
            configuration: .init(baseURL: base, apiKey: Secret(apiKey ?? credentials.dashscopeAPIKey)), httpClient: http,
            http: fastHTTP)
    }

    func qwen(apiKey: String? = nil, attempts: Int = 3) -> QwenClient {
        var configuration = QwenClient.Configuration(baseURL: base, apiKey: Secret(apiKey ?? credentials.dashscopeAPIKey))
        configuration.maxOutputAttempts = attempts
        return QwenClient(configuration: configuration, httpClient: http, http: fastHTTP)
    }

    func kling(secretKey: String? = nil, now: (@Sendable () -> Int)? = nil) -> KlingClient {
        KlingClient(
            configuration: .init(
                baseURL: base, accessKey: Secret(credentials.klingAccessKey),
                secretKey: Secret(secretKey ?? credentials.klingSecretKey)),
            httpClient: http, http: fastHTTP, now: now ?? { Int(Date().timeIntervalSince1970) })
    }

    func hailuo(apiKey: String? = nil) -> HailuoClient {
        HailuoClient(
            configuration: .init(baseURL: base, apiKey: Secret(apiKey ?? credentials.minimaxAPIKey)), httpClient: http,
            http: fastHTTP)
    }

    func jimeng(secretKey: String? = nil, now: (@Sendable () -> Date)? = nil) -> JimengClient {
        JimengClient(
            configuration: .init(
                baseURL: base, accessKey: Secret(credentials.volcengineAccessKey),
                secretKey: Secret(secretKey ?? credentials.volcengineSecretKey)),
            httpClient: http, http: fastHTTP, now: now ?? { Date() })
    }
}

/// Polls a client step until the task ends, collecting the vendor statuses seen.
func pollToEnd(timeout: Duration = .seconds(10), _ poll: () async throws -> TaskSnapshot) async throws -> (TaskSnapshot, [String]) {
    var statuses: [String] = []
    let deadline = ContinuousClock.now + timeout
    while true {
        let snapshot = try await poll()
        if statuses.last != snapshot.vendorStatus { statuses.append(snapshot.vendorStatus) }
        if snapshot.state == .succeeded || snapshot.state == .failed { return (snapshot, statuses) }
        guard ContinuousClock.now < deadline else { throw ProviderError(.taskTimedOut, message: "test poll timed out") }
        try await Task.sleep(for: .milliseconds(15))
    }
}

let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

/// A PNG of a product on white.
func productPhoto(width: Int = 400, height: Int = 400) -> [UInt8] {
    PNGEncoder.productOnWhite(width: width, height: height, red: 40, green: 90, blue: 200)
}
