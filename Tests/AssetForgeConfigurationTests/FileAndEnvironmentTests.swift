import AssetForgeConfiguration
import Foundation
import Testing

@Suite("File and environment")
struct FileAndEnvironmentTests {
    static let yaml = """
        # AssetForge
        kafka:
          brokers:
            - kafka-1:9092
            - kafka-2:9093
          group: assets-staging
          offsetReset: earliest
          sessionTimeoutMs: 30000
          properties:
            security.protocol: SASL_SSL
            sasl.mechanism: PLAIN
            sasl.password: hunter2
            socket.keepalive.enable: true
        topics:
          productListed: staging.product.listed
          dlq: staging.dlq
        ledger:
          url: sqlite:///var/lib/assetforge/ledger.db
        store:
          url: oss://af-assets/generated?region=cn-hangzhou
          oss:
            accessKeyId: LTAI-file
            accessKeySecret: oss-secret-from-file
        http:
          port: 9000
        providers:
          kling:
            maxInFlight: 8
            dailyBudget: 300
          wanx:
            dailyBudget: 12.5
          dashscope:
            apiKey: sk-dashscope-file
        fetch:
          allowlist: [cdn.example.com, 10.0.0.0/8]
        events:
          republishOnReplay: no
        logging:
          level: warning
        """

    @Test("a YAML file overrides the defaults")
    func yamlOverrides() async throws {
        try await withConfigFile(Self.yaml, extension: "yaml") { path in
            let configuration = try await load(configFile: path)
            #expect(configuration.configFile == path)
            #expect(configuration.kafka.brokers.map(\.description) == ["kafka-1:9092", "kafka-2:9093"])
            #expect(configuration.kafka.group == "assets-staging")
            #expect(configuration.kafka.offsetReset == .earliest)
            #expect(configuration.kafka.sessionTimeoutMilliseconds == 30000)
            #expect(
                configuration.kafka.properties == [
                    "security.protocol": "SASL_SSL", "sasl.mechanism": "PLAIN", "sasl.password": "hunter2",
                    "socket.keepalive.enable": "true",
                ])
            #expect(configuration.topics.productListed == "staging.product.listed")
            #expect(configuration.topics.skuPromoted == "sku.promoted")
            #expect(configuration.topics.deadLetter == "staging.dlq")
            #expect(configuration.ledger.location == .sqlite(path: "/var/lib/assetforge/ledger.db"))
            guard case .oss(let bucket) = configuration.store.location else {
                Issue.record("expected an OSS store, got \(configuration.store.location)")
                return
            }
            #expect(bucket.bucket == "af-assets")
            #expect(bucket.keyPrefix == "generated")
            #expect(configuration.store.credentials?.accessKeyID.unredactedValue == "LTAI-file")
            #expect(configuration.http.port == 9000)
            #expect(configuration.http.resolvedPublicBaseURL().absoluteString == "http://127.0.0.1:9000")
            #expect(configuration.providers[limits: .kling].maxInFlight == 8)
            #expect(configuration.providers[limits: .kling].dailyBudgetCNY == Decimal(300))
            #expect(configuration.providers[limits: .wanx].dailyBudgetCNY == Decimal(string: "12.5"))
            #expect(configuration.providers.enabledProviders == [.wanx, .qwen])
            #expect(configuration.fetch.allowlist.map(\.description) == ["cdn.example.com", "10.0.0.0/8"])
            #expect(configuration.events.republishOnReplay == false)
            #expect(configuration.logging.level == .warning)

            #expect(configuration.row("kafka.group")?.source == .file)
            #expect(configuration.row("topics.skuPromoted")?.source == .default)
            #expect(configuration.row("kafka.properties.security.protocol")?.source == .file)
            #expect(configuration.row("kafka.properties.security.protocol")?.environmentVariable == nil)
        }
    }

    static let json = """
        {
          "kafka": {"brokers": "broker-a:9092, broker-b:9092", "offsetReset": "earliest",
                    "properties": {"security.protocol": "SSL", "linger.ms": 5}},
          "topics": {"assetReady": "json.asset.ready", "assetFailed": "json.asset.failed"},
          "ledger": {"url": "postgresql://af:pw@db.internal:5433/assetforge?sslmode=require"},
          "store": {"url": "s3://af-assets?region=us-west-2",
                    "aws": {"accessKeyId": "AKIA-json", "secretAccessKey": "aws-secret-json"}},
          "http": {"port": 0, "publicBaseURL": "https://assets.example.com/af/"},
          "providers": {"qwen": {"maxInFlight": 2}, "volcengine": {"baseURL": "https://visual.example.com:8443"}},
          "events": {"source": "urn:assetforge:staging", "republishOnReplay": false},
          "dlq": {"maxMessageBytes": 500000},
          "pipeline": {"maxUnfinishedCommands": 50, "sceneImageWaitSeconds": 600},
          "logging": {"level": "debug"}
        }
        """

    @Test("a JSON file overrides the defaults")
    func jsonOverrides() async throws {
        try await withConfigFile(Self.json, extension: "json") { path in
            let configuration = try await load(configFile: path)
            #expect(configuration.kafka.brokers.map(\.description) == ["broker-a:9092", "broker-b:9092"])
            #expect(configuration.kafka.offsetReset == .earliest)
            #expect(configuration.kafka.properties == ["security.protocol": "SSL", "linger.ms": "5"])
            #expect(configuration.topics.assetReady == "json.asset.ready")
            #expect(configuration.topics.assetFailed == "json.asset.failed")
            guard case .postgres(let connection) = configuration.ledger.location else {
                Issue.record("expected PostgreSQL, got \(configuration.ledger.location)")
                return
            }
            #expect(connection.host == "db.internal")
            #expect(connection.port == 5433)
            #expect(connection.username == "af")
            #expect(connection.password?.unredactedValue == "pw")
            #expect(connection.database == "assetforge")
            #expect(connection.parameters == ["sslmode": "require"])
            guard case .s3(let bucket) = configuration.store.location else {
                Issue.record("expected S3, got \(configuration.store.location)")
                return
            }
            #expect(bucket.endpoint.absoluteString == "https://s3.us-west-2.amazonaws.com")
            #expect(configuration.store.credentials?.secretAccessKey.unredactedValue == "aws-secret-json")
            #expect(configuration.http.port == 0)
            #expect(configuration.http.publicBaseURL?.absoluteString == "https://assets.example.com/af")
            #expect(configuration.providers[limits: .qwen].maxInFlight == 2)
            #expect(
                configuration.providers[account: .volcengine].baseURL.absoluteString
                    == "https://visual.example.com:8443")
            #expect(configuration.events.source == "urn:assetforge:staging")
            #expect(configuration.events.republishOnReplay == false)
            #expect(configuration.deadLetter.maxMessageBytes == 500_000)
            #expect(configuration.pipeline.maxUnfinishedCommands == 50)
            #expect(configuration.pipeline.sceneImageWaitSeconds == 600)
            #expect(configuration.logging.level == .debug)
        }
    }

    @Test("the environment wins over the file, the file over the defaults")
    func environmentOverridesFile() async throws {
        try await withConfigFile(Self.yaml, extension: "yml") { path in
            let configuration = try await load(
                configFile: path,
                environment: [
                    "ASSETFORGE_KAFKA_GROUP": "from-env",
                    "ASSETFORGE_KAFKA_BROKERS": "env-broker:19092",
                    "ASSETFORGE_HTTP_PORT": "7000",
                    "ASSETFORGE_KLING_MAX_IN_FLIGHT": "1",
                    "OSS_ACCESS_KEY_SECRET": "oss-secret-from-env",
                ])
            #expect(configuration.kafka.group == "from-env")
            #expect(configuration.kafka.brokers == [KafkaBroker(host: "env-broker", port: 19092)])
            #expect(configuration.http.port == 7000)
            #expect(configuration.providers[limits: .kling].maxInFlight == 1)
            #expect(configuration.providers[limits: .kling].dailyBudgetCNY == Decimal(300))
            #expect(configuration.store.ossAccessKeySecret?.unredactedValue == "oss-secret-from-env")
            #expect(configuration.store.ossAccessKeyID?.unredactedValue == "LTAI-file")
            #expect(configuration.kafka.offsetReset == .earliest)
            #expect(configuration.topics.assetReady == "asset.ready")

            #expect(configuration.row("kafka.group")?.source == .environment)
            #expect(configuration.row("providers.kling.dailyBudget")?.source == .file)
            #expect(configuration.row("topics.assetReady")?.source == .default)
        }
    }

    @Test("ASSETFORGE_CONFIG names the file when --config is not given; --config wins")
    func configFileFromEnvironment() async throws {
        try await withConfigFile("kafka:\n  group: from-variable-file\n", extension: "yaml") { variablePath in
            let configuration = try await load(environment: ["ASSETFORGE_CONFIG": variablePath])
            #expect(configuration.kafka.group == "from-variable-file")
            #expect(configuration.configFile == variablePath)

            try await withConfigFile(#"{"kafka": {"group": "from-flag-file"}}"#, extension: "json") { flagPath in
                let configuration = try await load(
                    configFile: flagPath, environment: ["ASSETFORGE_CONFIG": variablePath])
                #expect(configuration.kafka.group == "from-flag-file")
            }
        }
    }

    @Test("an empty or comment-only file sets nothing")
    func emptyFile() async throws {
        try await withConfigFile("# nothing yet\n\n", extension: "yaml") { path in
            let configuration = try await load(configFile: path)
            #expect(configuration.kafka == AssetForgeConfiguration.Kafka())
            #expect(configuration.configFile == path)
        }
    }

    @Test("flat dotted keys work like nested ones")
    func dottedKeys() async throws {
        try await withConfigFile("kafka.group: flat\nproviders.kling.maxInFlight: 3\n", extension: "yaml") { path in
            let configuration = try await load(configFile: path)
            #expect(configuration.kafka.group == "flat")
            #expect(configuration.providers[limits: .kling].maxInFlight == 3)
        }
    }

    @Test("an unsupported extension is a clear error naming ASSETFORGE_CONFIG")
    func unsupportedExtension() async throws {
        try await withConfigFile("kafka = 1", extension: "toml") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.code == .unsupportedFileFormat)
            #expect(issue.environmentVariable == "ASSETFORGE_CONFIG")
            #expect(issue.description.contains(".toml"))
            #expect(issue.description.contains(".yaml, .yml or .json"))
        }
    }

    @Test("a missing file is a clear error")
    func missingFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID().uuidString).yaml")
            .path
        let issue = try await singleIssue(environment: ["ASSETFORGE_CONFIG": path])
        #expect(issue.code == .fileNotFound)
        #expect(issue.description.contains(path))
        #expect(issue.description.contains("does not exist"))
    }

    @Test(
        "unparsable files are clear errors",
        arguments: [
            ("kafka: [unclosed\n", "yaml"), ("{\"kafka\": ", "json"), ("[1, 2]", "json"), ("- a\n- b\n", "yaml"),
        ])
    func unparsableFile(contents: String, fileExtension: String) async throws {
        try await withConfigFile(contents, extension: fileExtension) { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.code == .unreadableFile)
            #expect(issue.description.contains(path))
            #expect(issue.description.contains(fileExtension == "json" ? "JSON" : "YAML"))
        }
    }

    @Test("file problems are reported together with environment problems")
    func fileAndEnvironmentProblemsTogether() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("absent-\(UUID().uuidString).json")
            .path
        let error = try #require(await loadError(configFile: path, environment: ["ASSETFORGE_HTTP_PORT": "http"]))
        #expect(error.issues.map(\.code) == [.fileNotFound, .invalidValue])
    }

    @Test("YAML nulls and empty values count as unset")
    func yamlNulls() async throws {
        let yaml = "kafka:\n  group: ~\ntopics:\n  dlq: null\nproviders:\n  dashscope:\n    apiKey:\n"
        try await withConfigFile(yaml, extension: "yaml") { path in
            let configuration = try await load(configFile: path)
            #expect(configuration.kafka.group == "assetforge")
            #expect(configuration.topics.deadLetter == "assetforge.dlq")
            #expect(configuration.providers.enabledVendors.isEmpty)
            #expect(configuration.row("kafka.group")?.source == .default)
        }
    }

    @Test("JSON numbers and booleans are read as their text; arrays of numbers are rejected")
    func jsonTypes() async throws {
        let json = #"{"events": {"republishOnReplay": true}, "http": {"port": 8081}, "kafka": {"brokers": [1, 2]}}"#
        try await withConfigFile(json, extension: "json") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.key == "kafka.brokers")
            #expect(issue.description.contains("must be a list of strings or a comma-separated string"))
        }
    }
}
