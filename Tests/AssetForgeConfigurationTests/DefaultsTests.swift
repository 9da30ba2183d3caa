import AssetForgeConfiguration
import Foundation
import Testing

@Suite("Defaults")
struct DefaultsTests {
    @Test("no file and an empty environment give the documented defaults")
    func defaults() async throws {
        let configuration = try await load()
        #expect(configuration == AssetForgeConfiguration())
        #expect(configuration.configFile == nil)

        #expect(configuration.kafka.brokers == [KafkaBroker(host: "127.0.0.1", port: 9092)])
        #expect(configuration.kafka.group == "assetforge")
        #expect(configuration.kafka.offsetReset == .latest)
        #expect(configuration.kafka.sessionTimeoutMilliseconds == 45_000)
        #expect(configuration.kafka.sessionTimeout == .seconds(45))
        #expect(configuration.kafka.properties.isEmpty)

        #expect(configuration.topics.productListed == "product.listed")
        #expect(configuration.topics.skuPromoted == "sku.promoted")
        #expect(configuration.topics.assetReady == "asset.ready")
        #expect(configuration.topics.assetFailed == "asset.failed")
        #expect(configuration.topics.deadLetter == "assetforge.dlq")

        #expect(configuration.ledger.location == .sqlite(path: "assetforge.db"))
        #expect(configuration.store.location == .file(path: "assets"))
        #expect(configuration.store.credentials == nil)

        #expect(configuration.http.port == 8080)
        #expect(configuration.http.publicBaseURL == nil)
        #expect(configuration.http.resolvedPublicBaseURL().absoluteString == "http://127.0.0.1:8080")

        #expect(configuration.events.source == "urn:assetforge")
        #expect(configuration.events.republishOnReplay)
        #expect(configuration.fetch.allowlist.isEmpty)
        #expect(configuration.logging.level == .info)
        #expect(configuration.deadLetter.maxMessageBytes == 921_600)
        #expect(configuration.pipeline.maxUnfinishedCommands == 1000)
        #expect(configuration.pipeline.sceneImageWaitSeconds == 1800)
        #expect(configuration.pipeline.sceneImageWait == .seconds(1800))
        #expect(configuration.pipeline.leaseSeconds == 30)
        #expect(configuration.pipeline.lease == .seconds(30))
        #expect(configuration.pipeline.pollIntervalMilliseconds == 1000)
        #expect(configuration.pipeline.pollInterval == .seconds(1))
    }

    @Test("provider defaults: built-in base URLs, concurrency limits, no budgets, all disabled")
    func providerDefaults() async throws {
        let providers = try await load().providers
        #expect(providers[account: .dashscope].baseURL.absoluteString == "https://dashscope.aliyuncs.com")
        #expect(providers[account: .kling].baseURL.absoluteString == "https://api-beijing.klingai.com")
        #expect(providers[account: .minimax].baseURL.absoluteString == "https://api.minimaxi.com")
        #expect(providers[account: .volcengine].baseURL.absoluteString == "https://visual.volcengineapi.com")

        let maxInFlight = Dictionary(
            uniqueKeysWithValues: GenerationProvider.allCases.map { ($0, providers[limits: $0].maxInFlight) })
        #expect(maxInFlight == [.wanx: 1, .qwen: 4, .kling: 4, .hailuo: 2, .jimeng: 2])
        #expect(GenerationProvider.allCases.allSatisfy { providers[limits: $0].dailyBudgetCNY == nil })

        #expect(providers.enabledProviders.isEmpty)
        #expect(providers.enabledVendors.isEmpty)
        #expect(!providers.settings(for: .wanx).isEnabled)
    }

    @Test("every setting is listed with source default")
    func effectiveDefaults() async throws {
        let rows = try await load().effectiveSettings()
        #expect(rows.allSatisfy { $0.source == .default })
        #expect(rows.first { $0.key == "kafka.brokers" }?.value == "127.0.0.1:9092")
        #expect(rows.first { $0.key == "http.publicBaseURL" }?.value == "http://127.0.0.1:8080")
        #expect(
            rows.first { $0.key == "providers.dashscope.apiKey" }?.value == AssetForgeConfiguration.notSetPlaceholder)
        #expect(rows.first { $0.key == "fetch.allowlist" }?.value == "")
        #expect(rows.first { $0.key == "providers.wanx.submitsPerSecond" }?.value == "2")
        #expect(rows.first { $0.key == "providers.hailuo.firstPollSeconds" }?.value == "120")
        #expect(rows.first { $0.key == "providers.kling.taskTimeoutSeconds" }?.value == "1800")
        #expect(rows.first { $0.key == "providers.jimeng.breakerOpenSeconds" }?.value == "30")
        #expect(
            rows.first { $0.key == "providers.wanx.pricePerImage" }?.value == AssetForgeConfiguration.notSetPlaceholder)
        #expect(rows.first { $0.key == "pipeline.leaseSeconds" }?.value == "30")
        #expect(rows.first { $0.key == "pipeline.pollIntervalMilliseconds" }?.value == "1000")
    }
}
