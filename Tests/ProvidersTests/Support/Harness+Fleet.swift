import AssetForgeConfiguration
import AssetImaging
import Foundation
@testable import Providers

extension Harness {
    /// Fast worker settings: polls every 20–100 ms, short backoff, quick breaker.
    static func fastWorker(maxInFlight: Int = 8, submitsPerSecond: Double = 1000) -> ProviderWorkerConfiguration {
        var configuration = ProviderWorkerConfiguration(
            maxInFlight: maxInFlight, submitsPerSecond: submitsPerSecond, submitBurst: max(1, Int(submitsPerSecond / 10)),
            imagePolling: PollingSchedule(firstPoll: .milliseconds(100), interval: .milliseconds(40), maxInterval: .milliseconds(150)),
            videoPolling: PollingSchedule(firstPoll: .milliseconds(100), interval: .milliseconds(40), maxInterval: .milliseconds(150)))
        configuration.retry.initialBackoff = .milliseconds(10)
        configuration.retry.maxBackoff = .milliseconds(100)
        configuration.retry.maxAttempts = 6
        configuration.breaker.openDuration = .milliseconds(300)
        configuration.imageTaskTimeout = .seconds(20)
        configuration.videoTaskTimeout = .seconds(20)
        configuration.budgetRecheckInterval = .milliseconds(50)
        return configuration
    }

    /// The service configuration pointing every vendor at the simulator with its credentials.
    var providersConfiguration: AssetForgeConfiguration.Providers {
        var providers = AssetForgeConfiguration.Providers()
        for vendor in ProviderVendor.allCases { providers[account: vendor].baseURL = base }
        providers[account: .dashscope].apiKey = Secret(credentials.dashscopeAPIKey)
        providers[account: .kling].accessKey = Secret(credentials.klingAccessKey)
        providers[account: .kling].secretKey = Secret(credentials.klingSecretKey)
        providers[account: .minimax].apiKey = Secret(credentials.minimaxAPIKey)
        providers[account: .volcengine].accessKey = Secret(credentials.volcengineAccessKey)
        providers[account: .volcengine].secretKey = Secret(credentials.volcengineSecretKey)
        return providers
    }

    /// A live fleet on the simulator with fast workers.
    func fleet(
        workers: [GenerationProvider: ProviderWorkerConfiguration] = [:], preparer: any ImagePreparer = VipsImagePreparer(),
        prices: PriceTable = PriceTable()
    ) -> ProviderFleet {
        var options = ProviderFleetOptions()
        options.http = fastHTTP
        options.prices = prices
        for provider in GenerationProvider.allCases {
            options.workers[provider] = workers[provider] ?? Self.fastWorker()
        }
        return ProviderFleet.live(
            providers: providersConfiguration, httpClient: http, options: options, imagePreparer: preparer, logger: Self.logger)
    }

    func sample(_ name: String, width: Int = 400, height: Int = 400) -> ImageSource {
        .url(base.appendingPathComponent("samples/\(name).png").appending(queryItems: [
            URLQueryItem(name: "w", value: String(width)), URLQueryItem(name: "h", value: String(height)),
        ]))
    }
}
