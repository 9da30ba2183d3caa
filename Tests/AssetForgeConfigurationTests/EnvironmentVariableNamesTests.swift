import AssetForgeConfiguration
import Testing

@Suite("Environment variable names")
struct EnvironmentVariableNamesTests {
    /// The users' interface: these names must not change.
    static let expectedVariables: Set<String> = [
        "ASSETFORGE_KAFKA_BROKERS", "ASSETFORGE_KAFKA_GROUP", "ASSETFORGE_KAFKA_OFFSET_RESET",
        "ASSETFORGE_KAFKA_SESSION_TIMEOUT_MS",
        "ASSETFORGE_TOPIC_PRODUCT_LISTED", "ASSETFORGE_TOPIC_SKU_PROMOTED", "ASSETFORGE_TOPIC_ASSET_READY",
        "ASSETFORGE_TOPIC_ASSET_FAILED", "ASSETFORGE_TOPIC_DLQ",
        "ASSETFORGE_LEDGER_URL", "ASSETFORGE_STORE_URL", "ASSETFORGE_HTTP_PORT", "ASSETFORGE_PUBLIC_BASE_URL",
        "ASSETFORGE_EVENT_SOURCE", "ASSETFORGE_FETCH_ALLOWLIST", "ASSETFORGE_LOG_LEVEL",
        "ASSETFORGE_DASHSCOPE_BASE_URL", "ASSETFORGE_KLING_BASE_URL", "ASSETFORGE_MINIMAX_BASE_URL",
        "ASSETFORGE_VOLCENGINE_BASE_URL",
        "ASSETFORGE_WANX_MAX_IN_FLIGHT", "ASSETFORGE_QWEN_MAX_IN_FLIGHT", "ASSETFORGE_KLING_MAX_IN_FLIGHT",
        "ASSETFORGE_HAILUO_MAX_IN_FLIGHT", "ASSETFORGE_JIMENG_MAX_IN_FLIGHT",
        "ASSETFORGE_WANX_DAILY_BUDGET_CNY", "ASSETFORGE_QWEN_DAILY_BUDGET_CNY", "ASSETFORGE_KLING_DAILY_BUDGET_CNY",
        "ASSETFORGE_HAILUO_DAILY_BUDGET_CNY", "ASSETFORGE_JIMENG_DAILY_BUDGET_CNY",
        "DASHSCOPE_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "MINIMAX_API_KEY", "VOLCENGINE_ACCESS_KEY",
        "VOLCENGINE_SECRET_KEY", "OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET", "OSS_SESSION_TOKEN",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "ASSETFORGE_DLQ_MAX_MESSAGE_BYTES", "ASSETFORGE_REPUBLISH_ON_REPLAY", "ASSETFORGE_MAX_UNFINISHED_COMMANDS",
        "ASSETFORGE_SCENE_IMAGE_WAIT_SECONDS", "ASSETFORGE_LEDGER_LEASE_SECONDS", "ASSETFORGE_POLL_INTERVAL_MS",
    ]

    @Test("the settings use exactly the documented variables, one each")
    func exactNames() {
        let variables = AssetForgeConfiguration().effectiveSettings().compactMap(\.environmentVariable)
        #expect(Set(variables) == Self.expectedVariables)
        #expect(variables.count == Set(variables).count, "a variable is used by two settings")
        #expect(AssetForgeConfiguration.configFileEnvironmentVariable == "ASSETFORGE_CONFIG")
    }

    @Test("file keys are unique nested camelCase")
    func fileKeys() {
        let keys = AssetForgeConfiguration().effectiveSettings().map(\.key)
        #expect(keys.count == Set(keys).count)
        #expect(keys.allSatisfy { $0.contains(".") && $0.first!.isLowercase && !$0.contains("_") })
        for key in [
            "kafka.brokers", "topics.productListed", "providers.kling.maxInFlight", "providers.wanx.dailyBudget",
            "pipeline.leaseSeconds", "pipeline.pollIntervalMilliseconds",
        ] {
            #expect(keys.contains(key))
        }
    }

    @Test(
        "every variable is read",
        arguments: [
            ("ASSETFORGE_KAFKA_GROUP", "g2", "kafka.group", "g2"),
            ("ASSETFORGE_KAFKA_SESSION_TIMEOUT_MS", "30000", "kafka.sessionTimeoutMs", "30000"),
            ("ASSETFORGE_DLQ_MAX_MESSAGE_BYTES", "500000", "dlq.maxMessageBytes", "500000"),
            ("ASSETFORGE_REPUBLISH_ON_REPLAY", "no", "events.republishOnReplay", "false"),
            ("ASSETFORGE_MAX_UNFINISHED_COMMANDS", "10", "pipeline.maxUnfinishedCommands", "10"),
            ("ASSETFORGE_SCENE_IMAGE_WAIT_SECONDS", "60", "pipeline.sceneImageWaitSeconds", "60"),
            ("ASSETFORGE_LOG_LEVEL", "DEBUG", "logging.level", "debug"),
            ("ASSETFORGE_EVENT_SOURCE", "https://example.com/af", "events.source", "https://example.com/af"),
            ("ASSETFORGE_JIMENG_MAX_IN_FLIGHT", "7", "providers.jimeng.maxInFlight", "7"),
            ("ASSETFORGE_HAILUO_DAILY_BUDGET_CNY", "49.50", "providers.hailuo.dailyBudget", "49.5"),
            ("ASSETFORGE_LEDGER_LEASE_SECONDS", "45", "pipeline.leaseSeconds", "45"),
            ("ASSETFORGE_POLL_INTERVAL_MS", "250", "pipeline.pollIntervalMilliseconds", "250"),
            (
                "ASSETFORGE_MINIMAX_BASE_URL", "https://api.minimax.io/", "providers.minimax.baseURL",
                "https://api.minimax.io"
            ),
        ])
    func variableIsRead(variable: String, value: String, key: String, effective: String) async throws {
        let configuration = try await load(environment: [variable: value])
        let row = try #require(configuration.row(key))
        #expect(row.environmentVariable == variable)
        #expect(row.value == effective)
        #expect(row.source == .environment)
    }

    @Test(
        "booleans accept true/false/1/0/yes/no in any case",
        arguments: [
            ("true", true), ("FALSE", false), ("1", true), ("0", false), ("Yes", true), ("no", false),
        ])
    func booleans(text: String, expected: Bool) async throws {
        let configuration = try await load(environment: ["ASSETFORGE_REPUBLISH_ON_REPLAY": text])
        #expect(configuration.events.republishOnReplay == expected)
    }

    @Test("an empty variable counts as unset")
    func emptyVariable() async throws {
        let configuration = try await load(environment: ["ASSETFORGE_KAFKA_GROUP": "", "DASHSCOPE_API_KEY": " "])
        #expect(configuration.kafka.group == "assetforge")
        #expect(configuration.providers[account: .dashscope].apiKey == nil)
    }
}

@Suite("Unknown environment variables")
struct UnknownEnvironmentVariableTests {
    @Test("unknown ASSETFORGE_ variables are listed with a suggestion; others are ignored")
    func unknownVariables() {
        let issues = AssetForgeConfiguration.unknownEnvironmentVariables(in: [
            "ASSETFORGE_KAFKA_BROKER": "x:1",
            "ASSETFORGE_KAFKA_BROKERS": "x:1",
            "ASSETFORGE_CONFIG": "a.yaml",
            "ASSETFORGE_SOMETHING_ELSE_ENTIRELY": "1",
            "HOME": "/root",
        ])
        #expect(issues.map(\.environmentVariable) == ["ASSETFORGE_KAFKA_BROKER", "ASSETFORGE_SOMETHING_ELSE_ENTIRELY"])
        #expect(issues.map(\.suggestion) == ["ASSETFORGE_KAFKA_BROKERS", nil])
        #expect(issues.allSatisfy { $0.code == .unknownKey })
        #expect(issues[0].description.contains("did you mean ASSETFORGE_KAFKA_BROKERS?"))
    }
}
