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
        "ASSETFORGE_STORE_PUBLIC_URL_STYLE", "ASSETFORGE_STORE_CDN_BASE_URL", "ASSETFORGE_STORE_PRESIGN_SECONDS",
        "ASSETFORGE_STORE_MULTIPART_THRESHOLD_BYTES", "ASSETFORGE_STORE_PART_SIZE_BYTES",
        "ASSETFORGE_STORE_PART_CONCURRENCY",
        "ASSETFORGE_WANX_SUBMITS_PER_SECOND", "ASSETFORGE_WANX_SUBMIT_BURST", "ASSETFORGE_WANX_FIRST_POLL_SECONDS",
        "ASSETFORGE_WANX_POLL_INTERVAL_SECONDS", "ASSETFORGE_WANX_MAX_POLL_INTERVAL_SECONDS",
        "ASSETFORGE_WANX_TASK_TIMEOUT_SECONDS", "ASSETFORGE_WANX_MAX_ATTEMPTS", "ASSETFORGE_WANX_BREAKER_FAILURES",
        "ASSETFORGE_WANX_BREAKER_OPEN_SECONDS",
        "ASSETFORGE_QWEN_SUBMITS_PER_SECOND", "ASSETFORGE_QWEN_SUBMIT_BURST", "ASSETFORGE_QWEN_FIRST_POLL_SECONDS",
        "ASSETFORGE_QWEN_POLL_INTERVAL_SECONDS", "ASSETFORGE_QWEN_MAX_POLL_INTERVAL_SECONDS",
        "ASSETFORGE_QWEN_TASK_TIMEOUT_SECONDS", "ASSETFORGE_QWEN_MAX_ATTEMPTS", "ASSETFORGE_QWEN_BREAKER_FAILURES",
        "ASSETFORGE_QWEN_BREAKER_OPEN_SECONDS",
        "ASSETFORGE_KLING_SUBMITS_PER_SECOND", "ASSETFORGE_KLING_SUBMIT_BURST", "ASSETFORGE_KLING_FIRST_POLL_SECONDS",
        "ASSETFORGE_KLING_POLL_INTERVAL_SECONDS", "ASSETFORGE_KLING_MAX_POLL_INTERVAL_SECONDS",
        "ASSETFORGE_KLING_TASK_TIMEOUT_SECONDS", "ASSETFORGE_KLING_MAX_ATTEMPTS", "ASSETFORGE_KLING_BREAKER_FAILURES",
        "ASSETFORGE_KLING_BREAKER_OPEN_SECONDS",
        "ASSETFORGE_HAILUO_SUBMITS_PER_SECOND", "ASSETFORGE_HAILUO_SUBMIT_BURST",
        "ASSETFORGE_HAILUO_FIRST_POLL_SECONDS", "ASSETFORGE_HAILUO_POLL_INTERVAL_SECONDS",
        "ASSETFORGE_HAILUO_MAX_POLL_INTERVAL_SECONDS", "ASSETFORGE_HAILUO_TASK_TIMEOUT_SECONDS",
        "ASSETFORGE_HAILUO_MAX_ATTEMPTS", "ASSETFORGE_HAILUO_BREAKER_FAILURES",
        "ASSETFORGE_HAILUO_BREAKER_OPEN_SECONDS",
        "ASSETFORGE_JIMENG_SUBMITS_PER_SECOND", "ASSETFORGE_JIMENG_SUBMIT_BURST",
        "ASSETFORGE_JIMENG_FIRST_POLL_SECONDS", "ASSETFORGE_JIMENG_POLL_INTERVAL_SECONDS",
        "ASSETFORGE_JIMENG_MAX_POLL_INTERVAL_SECONDS", "ASSETFORGE_JIMENG_TASK_TIMEOUT_SECONDS",
        "ASSETFORGE_JIMENG_MAX_ATTEMPTS", "ASSETFORGE_JIMENG_BREAKER_FAILURES",
        "ASSETFORGE_JIMENG_BREAKER_OPEN_SECONDS",
        "ASSETFORGE_PRICE_WANX_PER_IMAGE_CNY", "ASSETFORGE_PRICE_JIMENG_PER_IMAGE_CNY",
        "ASSETFORGE_PRICE_KLING_PER_VIDEO_SECOND_CNY", "ASSETFORGE_PRICE_HAILUO_PER_VIDEO_SECOND_CNY",
        "ASSETFORGE_PRICE_QWEN_PER_MILLION_INPUT_TOKENS_CNY", "ASSETFORGE_PRICE_QWEN_PER_MILLION_OUTPUT_TOKENS_CNY",
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
            "providers.hailuo.submitsPerSecond", "providers.jimeng.submitBurst", "providers.wanx.firstPollSeconds",
            "providers.kling.pollIntervalSeconds", "providers.kling.maxPollIntervalSeconds",
            "providers.qwen.taskTimeoutSeconds", "providers.qwen.maxAttempts", "providers.hailuo.breakerFailures",
            "providers.hailuo.breakerOpenSeconds", "providers.wanx.pricePerImage",
            "providers.kling.pricePerVideoSecond", "providers.qwen.pricePerMillionInputTokens",
            "providers.qwen.pricePerMillionOutputTokens",
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
            ("ASSETFORGE_STORE_PUBLIC_URL_STYLE", "cdn", "store.publicUrlStyle", "cdn"),
            ("ASSETFORGE_STORE_CDN_BASE_URL", "https://cdn.example.com/a", "store.cdnBaseUrl", "https://cdn.example.com/a"),
            ("ASSETFORGE_STORE_PRESIGN_SECONDS", "600", "store.presignSeconds", "600"),
            ("ASSETFORGE_STORE_MULTIPART_THRESHOLD_BYTES", "0", "store.multipartThresholdBytes", "0"),
            ("ASSETFORGE_STORE_PART_SIZE_BYTES", "5242880", "store.partSizeBytes", "5242880"),
            ("ASSETFORGE_STORE_PART_CONCURRENCY", "4", "store.partConcurrency", "4"),
            ("ASSETFORGE_QWEN_SUBMITS_PER_SECOND", "0.50", "providers.qwen.submitsPerSecond", "0.5"),
            ("ASSETFORGE_KLING_SUBMIT_BURST", "3", "providers.kling.submitBurst", "3"),
            ("ASSETFORGE_WANX_FIRST_POLL_SECONDS", "0.2", "providers.wanx.firstPollSeconds", "0.2"),
            ("ASSETFORGE_JIMENG_POLL_INTERVAL_SECONDS", "1.5", "providers.jimeng.pollIntervalSeconds", "1.5"),
            ("ASSETFORGE_HAILUO_MAX_POLL_INTERVAL_SECONDS", "45.0", "providers.hailuo.maxPollIntervalSeconds", "45"),
            ("ASSETFORGE_KLING_TASK_TIMEOUT_SECONDS", "3600", "providers.kling.taskTimeoutSeconds", "3600"),
            ("ASSETFORGE_QWEN_MAX_ATTEMPTS", "1", "providers.qwen.maxAttempts", "1"),
            ("ASSETFORGE_WANX_BREAKER_FAILURES", "10", "providers.wanx.breakerFailures", "10"),
            ("ASSETFORGE_JIMENG_BREAKER_OPEN_SECONDS", "2.5", "providers.jimeng.breakerOpenSeconds", "2.5"),
            ("ASSETFORGE_PRICE_WANX_PER_IMAGE_CNY", "0.0035", "providers.wanx.pricePerImage", "0.0035"),
            ("ASSETFORGE_PRICE_HAILUO_PER_VIDEO_SECOND_CNY", "0.35", "providers.hailuo.pricePerVideoSecond", "0.35"),
            (
                "ASSETFORGE_PRICE_QWEN_PER_MILLION_INPUT_TOKENS_CNY", "0.8",
                "providers.qwen.pricePerMillionInputTokens", "0.8"
            ),
            (
                "ASSETFORGE_PRICE_QWEN_PER_MILLION_OUTPUT_TOKENS_CNY", "2",
                "providers.qwen.pricePerMillionOutputTokens", "2"
            ),
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
