import Foundation

extension Setting {
    /// Every setting, in display order. Each maps exactly one file key to exactly one environment variable.
    static let catalog: [Setting] =
        kafkaSettings + topicSettings + storageSettings + httpSettings + vendorSettings + providerSettings
        + miscellaneousSettings

    private static let kafkaSettings: [Setting] = [
        .list(
            "kafka.brokers", "ASSETFORGE_KAFKA_BROKERS", at: \.kafka.brokers, minimumCount: 1,
            parseElement: { text throws(InvalidValue) in try KafkaBroker(parsing: text) }, render: \.description),
        .scalar("kafka.group", "ASSETFORGE_KAFKA_GROUP", at: \.kafka.group, parse: Parse.text) { $0 },
        .scalar(
            "kafka.offsetReset", "ASSETFORGE_KAFKA_OFFSET_RESET", at: \.kafka.offsetReset,
            parse: { text throws(InvalidValue) in try Parse.choice(text, of: OffsetReset.self) }, render: \.rawValue),
        .scalar(
            "kafka.sessionTimeoutMs", "ASSETFORGE_KAFKA_SESSION_TIMEOUT_MS", at: \.kafka.sessionTimeoutMilliseconds,
            parse: { text throws(InvalidValue) in try Parse.integer(text, in: 1...3_600_000, note: " (milliseconds)") },
            render: { String($0) }),
    ]

    private static let topicSettings: [Setting] = [
        .scalar(
            "topics.productListed", "ASSETFORGE_TOPIC_PRODUCT_LISTED", at: \.topics.productListed,
            parse: Parse.topicName
        ) { $0 },
        .scalar("topics.skuPromoted", "ASSETFORGE_TOPIC_SKU_PROMOTED", at: \.topics.skuPromoted, parse: Parse.topicName)
        { $0 },
        .scalar("topics.assetReady", "ASSETFORGE_TOPIC_ASSET_READY", at: \.topics.assetReady, parse: Parse.topicName) {
            $0
        },
        .scalar("topics.assetFailed", "ASSETFORGE_TOPIC_ASSET_FAILED", at: \.topics.assetFailed, parse: Parse.topicName)
        { $0 },
        .scalar("topics.dlq", "ASSETFORGE_TOPIC_DLQ", at: \.topics.deadLetter, parse: Parse.topicName) { $0 },
    ]

    private static let storageSettings: [Setting] = [
        .scalar(
            "ledger.url", "ASSETFORGE_LEDGER_URL", at: \.ledger.location,
            parse: { text throws(InvalidValue) in try LedgerLocation(parsing: text) }, render: \.description),
        .scalar(
            "store.url", "ASSETFORGE_STORE_URL", at: \.store.location,
            parse: { text throws(InvalidValue) in try AssetStoreLocation(parsing: text) }, render: \.description),
        .scalar(
            "store.publicUrlStyle", "ASSETFORGE_STORE_PUBLIC_URL_STYLE", at: \.store.publicURLStyle,
            parse: { text throws(InvalidValue) in
                guard let mode = PublicURLMode(rawValue: text) else {
                    throw InvalidValue("is not one of presigned, direct, cdn")
                }
                return mode
            }, render: \.rawValue),
        Setting(
            key: "store.cdnBaseUrl", environmentVariable: "ASSETFORGE_STORE_CDN_BASE_URL", isSecret: false,
            shape: .scalar,
            apply: { raw, configuration throws(InvalidValue) in
                configuration.store.cdnBaseURL = try Parse.publicBaseURL(try raw.singleValue())
            },
            render: { $0.store.cdnBaseURL?.absoluteString ?? "" }),
        .scalar(
            "store.presignSeconds", "ASSETFORGE_STORE_PRESIGN_SECONDS", at: \.store.presignSeconds,
            parse: { text throws(InvalidValue) in try Parse.integer(text, in: 1...604_800) }, render: { String($0) }),
        .scalar(
            "store.multipartThresholdBytes", "ASSETFORGE_STORE_MULTIPART_THRESHOLD_BYTES",
            at: \.store.multipartThresholdBytes,
            parse: { text throws(InvalidValue) in try Parse.integer(text, in: 0...(5 << 30)) }, render: { String($0) }),
        .scalar(
            "store.partSizeBytes", "ASSETFORGE_STORE_PART_SIZE_BYTES", at: \.store.partSizeBytes,
            parse: { text throws(InvalidValue) in
                try Parse.integer(text, in: (100 << 10)...(5 << 30), note: " (OSS needs 100 KiB, S3 5 MiB)")
            }, render: { String($0) }),
        .scalar(
            "store.partConcurrency", "ASSETFORGE_STORE_PART_CONCURRENCY", at: \.store.partConcurrency,
            parse: { text throws(InvalidValue) in try Parse.integer(text, in: 1...64) }, render: { String($0) }),
        .secret("store.oss.accessKeyId", "OSS_ACCESS_KEY_ID", at: \.store.ossAccessKeyID),
        .secret("store.oss.accessKeySecret", "OSS_ACCESS_KEY_SECRET", at: \.store.ossAccessKeySecret),
        .secret("store.oss.sessionToken", "OSS_SESSION_TOKEN", at: \.store.ossSessionToken),
        .secret("store.aws.accessKeyId", "AWS_ACCESS_KEY_ID", at: \.store.awsAccessKeyID),
        .secret("store.aws.secretAccessKey", "AWS_SECRET_ACCESS_KEY", at: \.store.awsSecretAccessKey),
        .secret("store.aws.sessionToken", "AWS_SESSION_TOKEN", at: \.store.awsSessionToken),
    ]

    private static let httpSettings: [Setting] = [
        .scalar(
            "http.port", "ASSETFORGE_HTTP_PORT", at: \.http.port,
            parse: { text throws(InvalidValue) in try Parse.integer(text, in: 0...65535, note: " (0 picks a free port)")
            },
            render: { String($0) }),
        Setting(
            key: "http.publicBaseURL", environmentVariable: "ASSETFORGE_PUBLIC_BASE_URL", isSecret: false,
            shape: .scalar,
            apply: { raw, configuration throws(InvalidValue) in
                configuration.http.publicBaseURL = try Parse.publicBaseURL(try raw.singleValue())
            },
            render: { $0.http.resolvedPublicBaseURL().absoluteString }),
    ]

    /// Base URL and credentials for each vendor in ``ProviderVendor/catalog``.
    private static let vendorSettings: [Setting] = ProviderVendor.catalog.flatMap { spec -> [Setting] in
        let vendor = spec.vendor
        let prefix = "providers.\(vendor.rawValue)"
        let baseURL = Setting.scalar(
            "\(prefix).baseURL", "ASSETFORGE_\(spec.environmentStem)_BASE_URL",
            at: \.providers[account: vendor].baseURL, parse: Parse.providerBaseURL, render: \.absoluteString)
        switch spec.credentials {
        case .apiKey:
            return [
                baseURL,
                .secret("\(prefix).apiKey", "\(spec.environmentStem)_API_KEY", at: \.providers[account: vendor].apiKey),
            ]
        case .accessKeyPair:
            return [
                baseURL,
                .secret(
                    "\(prefix).accessKey", "\(spec.environmentStem)_ACCESS_KEY",
                    at: \.providers[account: vendor].accessKey),
                .secret(
                    "\(prefix).secretKey", "\(spec.environmentStem)_SECRET_KEY",
                    at: \.providers[account: vendor].secretKey),
            ]
        }
    }

    /// Concurrency, budget, pacing and prices for each provider in ``GenerationProvider/catalog``.
    private static let providerSettings: [Setting] = GenerationProvider.catalog.flatMap { spec -> [Setting] in
        let provider = spec.provider
        let prefix = "providers.\(provider.rawValue)"
        let stem = "ASSETFORGE_\(spec.environmentStem)"
        typealias Field<Value> = WritableKeyPath<AssetForgeConfiguration, Value> & Sendable
        func integer(_ name: String, _ variable: String, at field: Field<Int>) -> Setting {
            .scalar(
                "\(prefix).\(name)", "\(stem)_\(variable)", at: field, parse: Parse.positiveInteger,
                render: { String($0) })
        }
        func decimal(
            _ name: String, _ variable: String, at field: Field<Double>,
            parse: @escaping @Sendable (String) throws(InvalidValue) -> Double = Parse.seconds
        ) -> Setting {
            .scalar("\(prefix).\(name)", "\(stem)_\(variable)", at: field, parse: parse, render: Parse.format)
        }
        func price(_ name: String, _ unit: String, at field: Field<Decimal?>) -> Setting {
            .scalar(
                "\(prefix).\(name)", "ASSETFORGE_PRICE_\(spec.environmentStem)_\(unit)_CNY", at: field,
                parse: Parse.price, render: { $0?.description })
        }
        let prices: [Setting]
        switch spec.medium {
        case .image:
            prices = [price("pricePerImage", "PER_IMAGE", at: \.providers[prices: provider].perImageCNY)]
        case .video:
            prices = [
                price("pricePerVideoSecond", "PER_VIDEO_SECOND", at: \.providers[prices: provider].perVideoSecondCNY)
            ]
        case .text:
            prices = [
                price(
                    "pricePerMillionInputTokens", "PER_MILLION_INPUT_TOKENS",
                    at: \.providers[prices: provider].perMillionInputTokensCNY),
                price(
                    "pricePerMillionOutputTokens", "PER_MILLION_OUTPUT_TOKENS",
                    at: \.providers[prices: provider].perMillionOutputTokensCNY),
            ]
        }
        return [
            .scalar(
                "\(prefix).maxInFlight", "\(stem)_MAX_IN_FLIGHT",
                at: \.providers[limits: provider].maxInFlight, parse: Parse.positiveInteger, render: { String($0) }),
            .scalar(
                "\(prefix).dailyBudget", "\(stem)_DAILY_BUDGET_CNY",
                at: \.providers[limits: provider].dailyBudgetCNY, parse: Parse.yuan, render: { $0?.description }),
            decimal(
                "submitsPerSecond", "SUBMITS_PER_SECOND", at: \.providers[pacing: provider].submitsPerSecond,
                parse: Parse.ratePerSecond),
            integer("submitBurst", "SUBMIT_BURST", at: \.providers[pacing: provider].submitBurst),
            decimal("firstPollSeconds", "FIRST_POLL_SECONDS", at: \.providers[pacing: provider].firstPollSeconds),
            decimal(
                "pollIntervalSeconds", "POLL_INTERVAL_SECONDS", at: \.providers[pacing: provider].pollIntervalSeconds),
            decimal(
                "maxPollIntervalSeconds", "MAX_POLL_INTERVAL_SECONDS",
                at: \.providers[pacing: provider].maxPollIntervalSeconds),
            integer(
                "taskTimeoutSeconds", "TASK_TIMEOUT_SECONDS", at: \.providers[pacing: provider].taskTimeoutSeconds),
            integer("maxAttempts", "MAX_ATTEMPTS", at: \.providers[pacing: provider].maxAttempts),
            integer("breakerFailures", "BREAKER_FAILURES", at: \.providers[pacing: provider].breakerFailures),
            decimal(
                "breakerOpenSeconds", "BREAKER_OPEN_SECONDS", at: \.providers[pacing: provider].breakerOpenSeconds),
        ] + prices
    }

    private static let miscellaneousSettings: [Setting] = [
        .list(
            "fetch.allowlist", "ASSETFORGE_FETCH_ALLOWLIST", at: \.fetch.allowlist,
            parseElement: { text throws(InvalidValue) in try FetchAllowlistEntry(parsing: text) }, render: \.description
        ),
        .scalar("events.source", "ASSETFORGE_EVENT_SOURCE", at: \.events.source, parse: Parse.uriReference) { $0 },
        .scalar(
            "events.republishOnReplay", "ASSETFORGE_REPUBLISH_ON_REPLAY", at: \.events.republishOnReplay,
            parse: Parse.boolean, render: { String($0) }),
        .scalar(
            "dlq.maxMessageBytes", "ASSETFORGE_DLQ_MAX_MESSAGE_BYTES", at: \.deadLetter.maxMessageBytes,
            parse: { text throws(InvalidValue) in try Parse.integer(text, in: 1000...1_000_000_000, note: " (bytes)") },
            render: { String($0) }),
        .scalar(
            "pipeline.maxUnfinishedCommands", "ASSETFORGE_MAX_UNFINISHED_COMMANDS",
            at: \.pipeline.maxUnfinishedCommands,
            parse: Parse.positiveInteger, render: { String($0) }),
        .scalar(
            "pipeline.sceneImageWaitSeconds", "ASSETFORGE_SCENE_IMAGE_WAIT_SECONDS",
            at: \.pipeline.sceneImageWaitSeconds,
            parse: Parse.positiveInteger, render: { String($0) }),
        .scalar(
            "pipeline.leaseSeconds", "ASSETFORGE_LEDGER_LEASE_SECONDS", at: \.pipeline.leaseSeconds,
            parse: Parse.positiveInteger, render: { String($0) }),
        .scalar(
            "pipeline.pollIntervalMilliseconds", "ASSETFORGE_POLL_INTERVAL_MS", at: \.pipeline.pollIntervalMilliseconds,
            parse: Parse.positiveInteger, render: { String($0) }),
        .scalar(
            "logging.level", "ASSETFORGE_LOG_LEVEL", at: \.logging.level,
            parse: { text throws(InvalidValue) in try Parse.choice(text, of: LogLevel.self) }, render: \.rawValue),
    ]
}
