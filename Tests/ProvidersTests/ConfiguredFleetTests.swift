import AssetForgeConfiguration
import Foundation
import ProviderSimulator
@testable import Providers
import Testing

@Suite("Workers and fleets configured by AssetForgeConfiguration", .timeLimit(.minutes(3)))
struct ConfiguredFleetTests {
    /// What `defaults(for:settings:)` hard-coded before the settings existed, per provider: submits/s, burst, and
    /// the first poll of image and of video tasks, in seconds.
    static let previousDefaults: [GenerationProvider: (rate: Double, burst: Int, imageFirst: Int, videoFirst: Int)] = [
        .wanx: (2, 2, 10, 60), .qwen: (5, 5, 5, 60), .kling: (1, 2, 10, 90), .hailuo: (1, 2, 10, 120),
        .jimeng: (1, 2, 8, 60),
    ]

    /// Asserts that `configuration` has exactly the values `defaults(for:)` produced before this change.
    func expectPreviousDefaults(_ configuration: ProviderWorkerConfiguration, _ provider: GenerationProvider) throws {
        let expected = try #require(Self.previousDefaults[provider])
        #expect(configuration.maxInFlight == provider.defaultMaxInFlight)
        #expect(configuration.submitsPerSecond == expected.rate)
        #expect(configuration.submitBurst == expected.burst)
        #expect(
            configuration.imagePolling
                == PollingSchedule(
                    firstPoll: .seconds(expected.imageFirst), interval: .seconds(2), maxInterval: .seconds(10)),
            "\(provider)")
        #expect(
            configuration.videoPolling
                == PollingSchedule(
                    firstPoll: .seconds(expected.videoFirst), interval: .seconds(10), maxInterval: .seconds(30)),
            "\(provider)")
        #expect(configuration.imageTaskTimeout == .seconds(600))
        #expect(configuration.videoTaskTimeout == .seconds(1800))
        #expect(configuration.retry == RetryPolicy())
        #expect(configuration.breaker == CircuitBreaker.Configuration())
        #expect(configuration.dailyBudgetCNY == nil)
        #expect(configuration.prices.isEmpty)
    }

    @Test("without settings, and with default settings, workers get exactly the previous hard-coded values")
    func defaultsUnchanged() throws {
        let providers = AssetForgeConfiguration.Providers()
        for provider in GenerationProvider.allCases {
            let unconfigured = ProviderWorkerConfiguration.defaults(for: provider)
            try expectPreviousDefaults(unconfigured, provider)
            #expect(unconfigured.enabled)
            let configured = ProviderWorkerConfiguration.defaults(
                for: provider, settings: providers.settings(for: provider))
            try expectPreviousDefaults(configured, provider)
            #expect(!configured.enabled, "no credentials")
        }
    }

    @Test("pacing from the environment goes to the schedule and timeout of what the provider makes")
    func pacingFromEnvironment() async throws {
        let configuration = try await AssetForgeConfiguration.load(
            environment: [
                "ASSETFORGE_KLING_SUBMITS_PER_SECOND": "0.5", "ASSETFORGE_KLING_SUBMIT_BURST": "3",
                "ASSETFORGE_KLING_FIRST_POLL_SECONDS": "0.2", "ASSETFORGE_KLING_POLL_INTERVAL_SECONDS": "0.3",
                "ASSETFORGE_KLING_MAX_POLL_INTERVAL_SECONDS": "0.9", "ASSETFORGE_KLING_TASK_TIMEOUT_SECONDS": "45",
                "ASSETFORGE_KLING_MAX_ATTEMPTS": "2", "ASSETFORGE_KLING_BREAKER_FAILURES": "7",
                "ASSETFORGE_KLING_BREAKER_OPEN_SECONDS": "1.5", "ASSETFORGE_KLING_MAX_IN_FLIGHT": "9",
                "ASSETFORGE_KLING_DAILY_BUDGET_CNY": "12", "ASSETFORGE_PRICE_KLING_PER_VIDEO_SECOND_CNY": "0.25",
                "ASSETFORGE_JIMENG_FIRST_POLL_SECONDS": "0.4", "ASSETFORGE_JIMENG_TASK_TIMEOUT_SECONDS": "20",
            ])
        let kling = ProviderWorkerConfiguration.defaults(
            for: .kling, settings: configuration.providers.settings(for: .kling))
        #expect(kling.maxInFlight == 9)
        #expect(kling.submitsPerSecond == 0.5)
        #expect(kling.submitBurst == 3)
        #expect(
            kling.videoPolling
                == PollingSchedule(
                    firstPoll: .milliseconds(200), interval: .milliseconds(300), maxInterval: .milliseconds(900)))
        #expect(kling.videoTaskTimeout == .seconds(45))
        #expect(
            kling.imagePolling
                == PollingSchedule(firstPoll: .seconds(10), interval: .seconds(2), maxInterval: .seconds(10)))
        #expect(kling.imageTaskTimeout == .seconds(600))
        #expect(kling.retry.maxAttempts == 2)
        #expect(kling.retry.initialBackoff == RetryPolicy().initialBackoff)
        #expect(kling.breaker.failureThreshold == 7)
        #expect(kling.breaker.openDuration == .milliseconds(1500))
        #expect(kling.breaker.halfOpenProbes == 1)
        #expect(kling.dailyBudgetCNY == 12)
        #expect(kling.prices == ProviderPrices(perVideoSecondCNY: Decimal(string: "0.25")))

        let jimeng = ProviderWorkerConfiguration.defaults(
            for: .jimeng, settings: configuration.providers.settings(for: .jimeng))
        #expect(jimeng.imagePolling.firstPoll == .milliseconds(400))
        #expect(jimeng.imageTaskTimeout == .seconds(20))
        #expect(jimeng.videoPolling.firstPoll == .seconds(60))
        #expect(jimeng.videoTaskTimeout == .seconds(1800))
    }

    @Test("flat prices replace the table's per-model prices for cost and estimate; unset ones keep the table")
    func flatPrices() {
        let table = PriceTable()
        let image = ProviderOutput(model: "wanx2.1-t2i-turbo", usage: .init(images: 2))
        let video = ProviderOutput(
            model: "kling-v1-6", durationSeconds: 5, usage: .init(videoSeconds: 5), variant: "std")
        let text = ProviderOutput(model: "qwen-plus", usage: .init(inputTokens: 1_000_000, outputTokens: 500_000))
        #expect(table.cost(of: image) == Decimal(string: "0.28"))
        #expect(table.cost(of: video) == 1)
        #expect(table.cost(of: text) == Decimal(string: "1.8"))

        let priced = table.applying(
            ProviderPrices(
                perImageCNY: Decimal(string: "0.5"), perVideoSecondCNY: Decimal(string: "0.3"),
                perMillionInputTokensCNY: 1, perMillionOutputTokensCNY: 4))
        #expect(priced.cost(of: image) == 1)
        #expect(priced.cost(of: video) == Decimal(string: "1.5"))
        #expect(priced.cost(of: text) == 3)
        let images = priced.estimate(model: "any-model", kind: .textToImage, count: 3, videoSeconds: 0, variant: nil)
        #expect(images == Decimal(string: "1.5"))
        #expect(priced.estimate(model: "kling-v1-6", kind: .video, count: 1, videoSeconds: 10, variant: "pro") == 3)

        let onlyImages = table.applying(ProviderPrices(perImageCNY: 0))
        #expect(onlyImages.cost(of: image) == 0)
        #expect(onlyImages.cost(of: video) == 1)
        #expect(table.applying(ProviderPrices()) == table)
    }

    /// The environment that points every vendor at the simulator with its credentials, as a deployment would.
    func simulatorEnvironment(_ h: Harness) -> [String: String] {
        var environment: [String: String] = [
            "DASHSCOPE_API_KEY": h.credentials.dashscopeAPIKey,
            "KLING_ACCESS_KEY": h.credentials.klingAccessKey, "KLING_SECRET_KEY": h.credentials.klingSecretKey,
            "MINIMAX_API_KEY": h.credentials.minimaxAPIKey,
            "VOLCENGINE_ACCESS_KEY": h.credentials.volcengineAccessKey,
            "VOLCENGINE_SECRET_KEY": h.credentials.volcengineSecretKey,
        ]
        for stem in ["DASHSCOPE", "KLING", "MINIMAX", "VOLCENGINE"] {
            environment["ASSETFORGE_\(stem)_BASE_URL"] = h.base.absoluteString
        }
        return environment
    }

    @Test("a live fleet takes pacing and prices from the configuration alone; explicit worker options still win")
    func liveFleetFromConfiguration() async throws {
        try await Harness.run(taskSeconds: 0.2) { h in
            var environment = simulatorEnvironment(h)
            environment.merge([
                "ASSETFORGE_WANX_FIRST_POLL_SECONDS": "0.2", "ASSETFORGE_WANX_POLL_INTERVAL_SECONDS": "0.1",
                "ASSETFORGE_WANX_MAX_POLL_INTERVAL_SECONDS": "0.3", "ASSETFORGE_WANX_SUBMITS_PER_SECOND": "50",
                "ASSETFORGE_WANX_SUBMIT_BURST": "10", "ASSETFORGE_WANX_TASK_TIMEOUT_SECONDS": "20",
                "ASSETFORGE_PRICE_WANX_PER_IMAGE_CNY": "0.5",
                "ASSETFORGE_JIMENG_MAX_ATTEMPTS": "2", "ASSETFORGE_PRICE_JIMENG_PER_IMAGE_CNY": "9",
            ]) { _, new in new }
            let configuration = try await AssetForgeConfiguration.load(environment: environment)
            var options = ProviderFleetOptions()
            options.http = h.fastHTTP
            options.workers[.jimeng] = Harness.fastWorker()
            let fleet = ProviderFleet.live(
                providers: configuration.providers, httpClient: h.http, options: options, logger: Harness.logger)

            let wanx = await fleet.worker(.wanx)!.configuration
            #expect(wanx.enabled)
            #expect(wanx.submitsPerSecond == 50)
            #expect(wanx.submitBurst == 10)
            #expect(wanx.imagePolling.firstPoll == .milliseconds(200))
            #expect(wanx.imageTaskTimeout == .seconds(20))
            #expect(wanx.prices.perImageCNY == Decimal(string: "0.5"))
            let jimeng = await fleet.worker(.jimeng)!.configuration
            #expect(jimeng.retry.maxAttempts == Harness.fastWorker().retry.maxAttempts, "the explicit worker wins")
            #expect(jimeng.prices.isEmpty)
            #expect(await fleet.worker(.kling)!.configuration.videoPolling.firstPoll == .seconds(90))

            // With the built-in 10 s first poll this could not end before 10 s; the configured 0.2 s makes it quick
            // (about 0.5 s when the machine is idle).
            let start = ContinuousClock.now
            let result = try await fleet.generate(
                .textToImage(TextToImageCommand(prompt: "a teapot")), assetID: "cfg-1")
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(result.provider == .wanx)
            #expect(result.costCNY == Decimal(string: "0.5"), "the configured price, not the table's")
            #expect(await fleet.worker(.wanx)!.status.spentTodayCNY == Decimal(string: "0.5"))

            // Jimeng's explicit worker keeps the price table (its configured 9 CNY does not apply).
            await fleet.worker(.wanx)!.setEnabled(false)
            let backup = try await fleet.generate(.textToImage(TextToImageCommand(prompt: "a cup")), assetID: "cfg-2")
            #expect(backup.provider == .jimeng)
            #expect(backup.costCNY < 9)
        }
    }

    @Test("configured attempts and breaker: one failed attempt opens Wanx's breaker and images fall back at once")
    func liveFleetBreakerFromConfiguration() async throws {
        var down = FaultProfile()
        down.unavailable = true
        try await Harness.run(taskSeconds: 0.1, { [down] in $0.serviceFaults["wanx"] = down }) { h in
            var environment = simulatorEnvironment(h)
            environment.merge([
                "ASSETFORGE_WANX_MAX_ATTEMPTS": "1", "ASSETFORGE_WANX_BREAKER_FAILURES": "1",
                "ASSETFORGE_WANX_BREAKER_OPEN_SECONDS": "600",
                "ASSETFORGE_JIMENG_FIRST_POLL_SECONDS": "0.1", "ASSETFORGE_JIMENG_POLL_INTERVAL_SECONDS": "0.1",
            ]) { _, new in new }
            let configuration = try await AssetForgeConfiguration.load(environment: environment)
            var options = ProviderFleetOptions()
            options.http = h.fastHTTP
            let fleet = ProviderFleet.live(
                providers: configuration.providers, httpClient: h.http, options: options, logger: Harness.logger)
            for index in 0..<3 {
                let result = try await fleet.generate(
                    .textToImage(TextToImageCommand(prompt: "lamp \(index)")), assetID: "brk-\(index)")
                #expect(result.provider == .jimeng)
                #expect(result.fallbackFrom == .wanx)
            }
            // Defaults would have tried 5 times (with ~7 s of backoff) and opened only after 5 faults.
            #expect(h.simulator.stats()[.wanx].unavailable == 1)
            #expect(await fleet.worker(.wanx)!.status.breaker == .open)
            #expect(await fleet.worker(.wanx)!.status.retries == 0)
        }
    }
}
