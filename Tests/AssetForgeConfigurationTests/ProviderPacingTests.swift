import AssetForgeConfiguration
import Foundation
import Testing

@Suite("Provider pacing and prices")
struct ProviderPacingTests {
    /// The values `ProviderWorkerConfiguration.defaults(for:settings:)` hard-coded before they were settings:
    /// (submits/s, burst, first poll, interval, max interval, timeout).
    static let previouslyHardCoded: [GenerationProvider: (Double, Int, Double, Double, Double, Int)] = [
        .wanx: (2, 2, 10, 2, 10, 600),
        .qwen: (5, 5, 5, 2, 10, 600),
        .kling: (1, 2, 90, 10, 30, 1800),
        .hailuo: (1, 2, 120, 10, 30, 1800),
        .jimeng: (1, 2, 8, 2, 10, 600),
    ]

    @Test("defaults are the values that were hard-coded, retries and breaker as RetryPolicy / CircuitBreaker had")
    func defaults() async throws {
        let providers = try await load().providers
        for provider in GenerationProvider.allCases {
            let pacing = providers[pacing: provider]
            let expected = try #require(Self.previouslyHardCoded[provider])
            #expect(pacing.submitsPerSecond == expected.0, "\(provider)")
            #expect(pacing.submitBurst == expected.1, "\(provider)")
            #expect(pacing.firstPollSeconds == expected.2, "\(provider)")
            #expect(pacing.pollIntervalSeconds == expected.3, "\(provider)")
            #expect(pacing.maxPollIntervalSeconds == expected.4, "\(provider)")
            #expect(pacing.taskTimeoutSeconds == expected.5, "\(provider)")
            #expect(pacing.maxAttempts == 5, "\(provider)")
            #expect(pacing.breakerFailures == 5, "\(provider)")
            #expect(pacing.breakerOpenSeconds == 30, "\(provider)")
            #expect(pacing == provider.defaultPacing)
            #expect(providers[prices: provider] == ProviderPrices())
            #expect(providers[prices: provider].isEmpty)
            let settings = providers.settings(for: provider)
            #expect(settings.pacing == pacing)
            #expect(settings.prices.isEmpty)
        }
        #expect(providers[pacing: .hailuo].firstPoll == .seconds(120))
        #expect(providers[pacing: .kling].taskTimeout == .seconds(1800))
        #expect(providers[pacing: .wanx].breakerOpenDuration == .seconds(30))
        let media = Dictionary(uniqueKeysWithValues: GenerationProvider.allCases.map { ($0, $0.medium) })
        #expect(media == [.wanx: .image, .qwen: .text, .kling: .video, .hailuo: .video, .jimeng: .image])
    }

    @Test("every pacing variable of a provider is read, decimals included, and reaches its settings")
    func environment() async throws {
        let providers = try await load(
            environment: [
                "ASSETFORGE_WANX_SUBMITS_PER_SECOND": "0.5",
                "ASSETFORGE_WANX_SUBMIT_BURST": "4",
                "ASSETFORGE_WANX_FIRST_POLL_SECONDS": "0.2",
                "ASSETFORGE_WANX_POLL_INTERVAL_SECONDS": "0.2",
                "ASSETFORGE_WANX_MAX_POLL_INTERVAL_SECONDS": "0.75",
                "ASSETFORGE_WANX_TASK_TIMEOUT_SECONDS": "90",
                "ASSETFORGE_WANX_MAX_ATTEMPTS": "1",
                "ASSETFORGE_WANX_BREAKER_FAILURES": "2",
                "ASSETFORGE_WANX_BREAKER_OPEN_SECONDS": "0.25",
                "ASSETFORGE_PRICE_WANX_PER_IMAGE_CNY": "0.1234",
            ]
        ).providers
        let pacing = providers.settings(for: .wanx).pacing
        #expect(pacing.submitsPerSecond == 0.5)
        #expect(pacing.submitBurst == 4)
        #expect(pacing.firstPoll == .milliseconds(200))
        #expect(pacing.pollInterval == .milliseconds(200))
        #expect(pacing.maxPollInterval == .milliseconds(750))
        #expect(pacing.taskTimeout == .seconds(90))
        #expect(pacing.maxAttempts == 1)
        #expect(pacing.breakerFailures == 2)
        #expect(pacing.breakerOpenDuration == .milliseconds(250))
        #expect(providers.settings(for: .wanx).prices == ProviderPrices(perImageCNY: Decimal(string: "0.1234")))
        // The other provider on the same vendor keeps its own defaults.
        #expect(providers[pacing: .qwen] == GenerationProvider.qwen.defaultPacing)
    }

    @Test("pacing and prices from YAML and JSON files, numbers or strings; the environment wins")
    func files() async throws {
        let yaml = """
            providers:
              kling:
                submitsPerSecond: 0.25
                pollIntervalSeconds: "5"
                maxPollIntervalSeconds: 12.5
                pricePerVideoSecond: 0.3
              qwen:
                maxAttempts: 3
            pipeline:
              leaseSeconds: 60
            """
        try await withConfigFile(yaml, extension: "yaml") { path in
            let configuration = try await load(
                configFile: path, environment: ["ASSETFORGE_KLING_MAX_POLL_INTERVAL_SECONDS": "20"])
            let kling = configuration.providers[pacing: .kling]
            #expect(kling.submitsPerSecond == 0.25)
            #expect(kling.pollIntervalSeconds == 5)
            #expect(kling.maxPollIntervalSeconds == 20)
            #expect(configuration.providers[prices: .kling].perVideoSecondCNY == Decimal(string: "0.3"))
            #expect(configuration.providers[pacing: .qwen].maxAttempts == 3)
            #expect(configuration.pipeline.leaseSeconds == 60)
            #expect(configuration.row("providers.kling.submitsPerSecond")?.source == .file)
            #expect(configuration.row("providers.kling.maxPollIntervalSeconds")?.source == .environment)
            #expect(configuration.row("providers.kling.maxPollIntervalSeconds")?.value == "20")
        }
        let json = """
            {"providers": {"hailuo": {"firstPollSeconds": 0.2, "taskTimeoutSeconds": 120, "breakerOpenSeconds": 1},
                           "qwen": {"pricePerMillionInputTokens": 1.2, "pricePerMillionOutputTokens": 4}},
             "pipeline": {"pollIntervalMilliseconds": 200}}
            """
        try await withConfigFile(json, extension: "json") { path in
            let configuration = try await load(configFile: path)
            let hailuo = configuration.providers[pacing: .hailuo]
            #expect(hailuo.firstPoll == .milliseconds(200))
            #expect(hailuo.taskTimeoutSeconds == 120)
            #expect(hailuo.breakerOpenSeconds == 1)
            #expect(
                configuration.providers[prices: .qwen]
                    == ProviderPrices(
                        perMillionInputTokensCNY: Decimal(string: "1.2"), perMillionOutputTokensCNY: Decimal(4)))
            #expect(configuration.pipeline.pollInterval == .milliseconds(200))
            #expect(configuration.row("providers.qwen.pricePerMillionInputTokens")?.value == "1.2")
        }
    }

    @Test("only the prices of what a provider makes are settings")
    func pricesPerMedium() async throws {
        let keys = Set(AssetForgeConfiguration().effectiveSettings().map(\.key).filter { $0.contains(".price") })
        #expect(
            keys == [
                "providers.wanx.pricePerImage", "providers.jimeng.pricePerImage", "providers.kling.pricePerVideoSecond",
                "providers.hailuo.pricePerVideoSecond", "providers.qwen.pricePerMillionInputTokens",
                "providers.qwen.pricePerMillionOutputTokens",
            ])
        let unknown = AssetForgeConfiguration.unknownEnvironmentVariables(in: [
            "ASSETFORGE_PRICE_WANX_PER_VIDEO_SECOND_CNY": "1", "ASSETFORGE_PRICE_KLING_PER_VIDEO_SECOND_CNY": "1",
        ])
        #expect(unknown.map(\.environmentVariable) == ["ASSETFORGE_PRICE_WANX_PER_VIDEO_SECOND_CNY"])
        try await withConfigFile("providers:\n  kling:\n    pricePerImage: 1\n", extension: "yaml") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.code == .unknownKey)
            #expect(issue.key == "providers.kling.pricePerImage")
        }
    }

    @Test("a price of 0 is allowed (free); prices take up to 4 decimals")
    func prices() async throws {
        let providers = try await load(
            environment: [
                "ASSETFORGE_PRICE_JIMENG_PER_IMAGE_CNY": "0",
                "ASSETFORGE_PRICE_KLING_PER_VIDEO_SECOND_CNY": "0.2",
            ]
        ).providers
        #expect(providers[prices: .jimeng].perImageCNY == 0)
        #expect(providers[prices: .kling].perVideoSecondCNY == Decimal(string: "0.2"))
        #expect(providers[prices: .wanx].perImageCNY == nil)
    }
}
