import AssetForgeConfiguration
import Foundation
import Testing

@Suite("Validation")
struct ValidationTests {
    /// Asserts that the single issue names the key and the variable, shows the value, and contains `allowed`.
    func expectInvalid(
        _ variable: String, _ value: String, key: String, allowed: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let issue = try await singleIssue(environment: [variable: value], sourceLocation: sourceLocation)
        #expect(issue.code == .invalidValue, sourceLocation: sourceLocation)
        #expect(issue.key == key, sourceLocation: sourceLocation)
        #expect(issue.environmentVariable == variable, sourceLocation: sourceLocation)
        #expect(issue.value == value, sourceLocation: sourceLocation)
        #expect(issue.source == .environment, sourceLocation: sourceLocation)
        let text = issue.description
        #expect(
            text.contains(key) && text.contains(variable) && text.contains("\"\(value)\""), "\(text)",
            sourceLocation: sourceLocation)
        #expect(text.contains(allowed), "\(text)", sourceLocation: sourceLocation)
    }

    @Test("a bad port names http.port and ASSETFORGE_HTTP_PORT")
    func badPort() async throws {
        try await expectInvalid("ASSETFORGE_HTTP_PORT", "70000", key: "http.port", allowed: "from 0 to 65535")
        try await expectInvalid("ASSETFORGE_HTTP_PORT", "-1", key: "http.port", allowed: "from 0 to 65535")
    }

    @Test("port 0 is allowed and means a free port")
    func portZero() async throws {
        let http = try await load(environment: ["ASSETFORGE_HTTP_PORT": "0"]).http
        #expect(http.port == 0)
        #expect(http.resolvedPublicBaseURL(boundPort: 41234).absoluteString == "http://127.0.0.1:41234")
    }

    @Test(
        "bad topic names", arguments: ["has space", ".", "..", "topic/with/slash", String(repeating: "t", count: 250)])
    func badTopic(name: String) async throws {
        try await expectInvalid(
            "ASSETFORGE_TOPIC_SKU_PROMOTED", name, key: "topics.skuPromoted", allowed: "1–249 characters of a–z")
    }

    @Test("a 249-character topic with every allowed character class is accepted")
    func longTopic() async throws {
        let name = "A-z_0." + String(repeating: "t", count: 243)
        let configuration = try await load(environment: ["ASSETFORGE_TOPIC_DLQ": name])
        #expect(configuration.topics.deadLetter == name)
    }

    @Test("a bad offset reset lists the choices")
    func badOffsetReset() async throws {
        try await expectInvalid(
            "ASSETFORGE_KAFKA_OFFSET_RESET", "newest", key: "kafka.offsetReset", allowed: "earliest, latest")
    }

    @Test("a bad log level lists the choices")
    func badLogLevel() async throws {
        try await expectInvalid(
            "ASSETFORGE_LOG_LEVEL", "verbose", key: "logging.level",
            allowed: "trace, debug, info, notice, warning, error, critical")
    }

    @Test(
        "bad URL schemes",
        arguments: [
            ("ASSETFORGE_LEDGER_URL", "mysql://db/x", "ledger.url", "sqlite://PATH, postgres://… or postgresql://…"),
            (
                "ASSETFORGE_STORE_URL", "gs://bucket", "store.url",
                "file://PATH, oss://BUCKET?region=… or s3://BUCKET?region=…"
            ),
            (
                "ASSETFORGE_KLING_BASE_URL", "ftp://api-beijing.klingai.com", "providers.kling.baseURL",
                "http(s)://host[:port]"
            ),
            ("ASSETFORGE_PUBLIC_BASE_URL", "ws://example.com", "http.publicBaseURL", "http(s)://host[:port][/path]"),
        ])
    func badScheme(variable: String, value: String, key: String, allowed: String) async throws {
        try await expectInvalid(variable, value, key: key, allowed: allowed)
    }

    @Test(
        "provider base URLs must be scheme, host and port only",
        arguments: [
            ("https://dashscope.aliyuncs.com/api/v1", "must not have a path"),
            ("https://dashscope.aliyuncs.com?region=x", "must not have a query"),
            ("https://dashscope.aliyuncs.com/#top", "must not have a fragment"),
            ("dashscope.aliyuncs.com", "is not a URL"),
            ("https://user:pw@dashscope.aliyuncs.com", "credentials"),
        ])
    func baseURLShape(value: String, problem: String) async throws {
        let issue = try await singleIssue(environment: ["ASSETFORGE_DASHSCOPE_BASE_URL": value])
        #expect(issue.key == "providers.dashscope.baseURL")
        #expect(issue.environmentVariable == "ASSETFORGE_DASHSCOPE_BASE_URL")
        #expect(issue.description.contains(problem), "\(issue)")
        #expect(!issue.description.contains("pw@"), "a URL password must not be echoed")
    }

    @Test("a base URL with only a trailing slash and a port is accepted and normalised")
    func baseURLNormalised() async throws {
        let configuration = try await load(environment: ["ASSETFORGE_KLING_BASE_URL": "HTTPS://api.example.com:8443/"])
        #expect(configuration.providers[account: .kling].baseURL.absoluteString == "https://api.example.com:8443")
    }

    @Test(
        "half Kling credentials name the missing variable",
        arguments: [
            ("KLING_ACCESS_KEY", "KLING_SECRET_KEY", "providers.kling.secretKey"),
            ("KLING_SECRET_KEY", "KLING_ACCESS_KEY", "providers.kling.accessKey"),
        ])
    func halfKlingCredentials(present: String, missing: String, missingKey: String) async throws {
        let issue = try await singleIssue(environment: [present: "value-\(UUID())"])
        #expect(issue.code == .missingValue)
        #expect(issue.key == missingKey)
        #expect(issue.environmentVariable == missing)
        #expect(issue.description.contains("Kling needs both KLING_ACCESS_KEY and KLING_SECRET_KEY"))
    }

    @Test("half Volcengine credentials name the missing variable")
    func halfVolcengineCredentials() async throws {
        let issue = try await singleIssue(environment: ["VOLCENGINE_SECRET_KEY": "s"])
        #expect(issue.environmentVariable == "VOLCENGINE_ACCESS_KEY")
        #expect(issue.key == "providers.volcengine.accessKey")
    }

    @Test("complete credentials enable exactly their vendor's providers")
    func enabledProviders() async throws {
        let providers = try await load(
            environment: ["KLING_ACCESS_KEY": "a", "KLING_SECRET_KEY": "s", "MINIMAX_API_KEY": "m"]
        ).providers
        #expect(providers.enabledVendors == [.kling, .minimax])
        #expect(providers.enabledProviders == [.kling, .hailuo])
        let kling = providers.settings(for: .kling)
        #expect(kling.isEnabled)
        #expect(kling.credentials == .accessKeyPair(accessKey: Secret("a"), secretKey: Secret("s")))
        #expect(kling.baseURL.absoluteString == "https://api-beijing.klingai.com")
        #expect(kling.maxInFlight == 4)
    }

    @Test(
        "bad fetch allowlist entries",
        arguments: [
            ("10.0.0.0/33", "prefix length \"33\" must be a whole number from 0 to 32"),
            ("10.0.0.1/8", "did you mean 10.0.0.0/8?"),
            ("2001:db8::/129", "from 0 to 128"),
            ("300.1.1.1", "not a valid IPv4 address"),
            ("10.0.0.0/abc", "prefix length"),
            ("fe80::zz", "not a valid IPv6 address"),
            ("bad_host!.com", "not a host name, IP address or CIDR range"),
            ("example.com:443", "without a port"),
        ])
    func badAllowlist(entry: String, problem: String) async throws {
        let issue = try await singleIssue(environment: ["ASSETFORGE_FETCH_ALLOWLIST": "cdn.example.com, \(entry)"])
        #expect(issue.key == "fetch.allowlist")
        #expect(issue.environmentVariable == "ASSETFORGE_FETCH_ALLOWLIST")
        #expect(issue.description.contains(entry))
        #expect(issue.description.contains(problem), "\(issue)")
    }

    @Test("hosts, addresses and CIDR ranges in the allowlist")
    func allowlist() async throws {
        let configuration = try await load(
            environment: [
                "ASSETFORGE_FETCH_ALLOWLIST":
                    " CDN.Example.com,*.alicdn.com, 203.0.113.7,2001:db8::1, 10.0.0.0/8 ,2001:db8::/32,0.0.0.0/0,"
            ])
        let entries = configuration.fetch.allowlist
        #expect(
            entries.map(\.description) == [
                "cdn.example.com", "*.alicdn.com", "203.0.113.7", "2001:db8::1", "10.0.0.0/8", "2001:db8::/32",
                "0.0.0.0/0",
            ])
        guard case .network(let v4) = entries[4], case .network(let v6) = entries[5] else {
            Issue.record("expected networks, got \(entries)")
            return
        }
        #expect(v4.contains(IPAddress("10.20.30.40")!))
        #expect(!v4.contains(IPAddress("11.0.0.1")!))
        #expect(!v4.contains(IPAddress("::ffff:10.0.0.1")!))
        #expect(v6.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!v6.contains(IPAddress("2001:db9::1")!))
    }

    @Test(
        "an unknown file key is an error with a suggestion",
        arguments: [
            ("kafka:\n  brokrs: a:1\n", "kafka.brokrs", "kafka.brokers"),
            ("topics:\n  productlisted: x\n", "topics.productlisted", "topics.productListed"),
            (
                "providers:\n  kling:\n    maxInflight: 2\n", "providers.kling.maxInflight",
                "providers.kling.maxInFlight"
            ),
            ("http:\n  publicBaseUrl: https://x.example\n", "http.publicBaseUrl", "http.publicBaseURL"),
            ("provider:\n  kling: 1\n", "provider.kling", "providers.kling"),
        ])
    func unknownKey(yaml: String, key: String, suggestion: String) async throws {
        try await withConfigFile(yaml, extension: "yaml") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.code == .unknownKey)
            #expect(issue.key == key)
            #expect(issue.suggestion == suggestion)
            #expect(issue.description.contains("did you mean \(suggestion)?"), "\(issue)")
            #expect(issue.description.contains(path))
        }
    }

    @Test("an unknown key far from every setting has no suggestion")
    func unknownKeyWithoutSuggestion() async throws {
        try await withConfigFile(#"{"telemetry": {"endpoint": "x"}}"#, extension: "json") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.code == .unknownKey)
            #expect(issue.key == "telemetry.endpoint")
            #expect(issue.suggestion == nil)
        }
    }

    @Test("a section given a scalar is reported")
    func sectionAsScalar() async throws {
        try await withConfigFile("kafka: localhost:9092\n", extension: "yaml") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.key == "kafka")
            #expect(issue.description.contains("must be a mapping"))
        }
    }

    @Test(
        "integers must be whole numbers, and in range",
        arguments: [
            (
                "ASSETFORGE_WANX_MAX_IN_FLIGHT", "1.5", "providers.wanx.maxInFlight",
                "is not a whole number; must be a whole number 1 or more"
            ),
            ("ASSETFORGE_MAX_UNFINISHED_COMMANDS", "lots", "pipeline.maxUnfinishedCommands", "is not a whole number"),
            ("ASSETFORGE_SCENE_IMAGE_WAIT_SECONDS", "1e3", "pipeline.sceneImageWaitSeconds", "is not a whole number"),
            ("ASSETFORGE_KAFKA_SESSION_TIMEOUT_MS", "45s", "kafka.sessionTimeoutMs", "is not a whole number"),
            ("ASSETFORGE_JIMENG_MAX_IN_FLIGHT", "2.0", "providers.jimeng.maxInFlight", "is not a whole number"),
            ("ASSETFORGE_QWEN_MAX_IN_FLIGHT", "0", "providers.qwen.maxInFlight", "is out of range; must be 1 or more"),
            ("ASSETFORGE_DLQ_MAX_MESSAGE_BYTES", "10", "dlq.maxMessageBytes", "must be from 1000 to 1000000000"),
            ("ASSETFORGE_KAFKA_SESSION_TIMEOUT_MS", "3600001", "kafka.sessionTimeoutMs", "must be from 1 to 3600000"),
            ("ASSETFORGE_LEDGER_LEASE_SECONDS", "0", "pipeline.leaseSeconds", "is out of range; must be 1 or more"),
            ("ASSETFORGE_LEDGER_LEASE_SECONDS", "-1", "pipeline.leaseSeconds", "is out of range; must be 1 or more"),
            ("ASSETFORGE_LEDGER_LEASE_SECONDS", "1.5", "pipeline.leaseSeconds", "is not a whole number"),
            ("ASSETFORGE_POLL_INTERVAL_MS", "0", "pipeline.pollIntervalMilliseconds", "must be 1 or more"),
            ("ASSETFORGE_POLL_INTERVAL_MS", "-1", "pipeline.pollIntervalMilliseconds", "is out of range"),
            ("ASSETFORGE_POLL_INTERVAL_MS", "abc", "pipeline.pollIntervalMilliseconds", "is not a whole number"),
        ])
    func badInteger(variable: String, value: String, key: String, problem: String) async throws {
        try await expectInvalid(variable, value, key: key, allowed: problem)
    }

    @Test("a fractional integer in a file names the file key")
    func badIntegerInFile() async throws {
        for (contents, fileExtension) in [
            ("providers:\n  kling:\n    maxInFlight: 2.5\n", "yaml"),
            (#"{"providers": {"kling": {"maxInFlight": 2.5}}}"#, "json"),
        ] {
            try await withConfigFile(contents, extension: fileExtension) { path in
                let issue = try await singleIssue(configFile: path)
                #expect(issue.key == "providers.kling.maxInFlight")
                #expect(issue.environmentVariable == "ASSETFORGE_KLING_MAX_IN_FLIGHT")
                #expect(issue.value == "2.5")
                #expect(issue.source == .file)
                #expect(issue.description.contains("is not a whole number"))
            }
        }
    }

    @Test("a bad boolean lists the accepted spellings")
    func badBoolean() async throws {
        try await expectInvalid(
            "ASSETFORGE_REPUBLISH_ON_REPLAY", "on", key: "events.republishOnReplay",
            allowed: "true, false, 1, 0, yes or no")
    }

    @Test("bad daily budgets", arguments: ["-5", "12.345", "ten", "1,000"])
    func badBudget(value: String) async throws {
        try await expectInvalid(
            "ASSETFORGE_KLING_DAILY_BUDGET_CNY", value, key: "providers.kling.dailyBudget",
            allowed: "at most 2 decimals")
    }

    @Test(
        "bad brokers",
        arguments: [
            ("kafka-1", "is not host:port"), ("kafka-1:0", "from 1 to 65535"), ("kafka-1:99999", "from 1 to 65535"),
            ("bad host:9092", "not a valid host name"), ("[::1:9092", "[addr]:port"),
        ])
    func badBroker(value: String, problem: String) async throws {
        let issue = try await singleIssue(environment: ["ASSETFORGE_KAFKA_BROKERS": "ok:9092,\(value)"])
        #expect(issue.key == "kafka.brokers")
        #expect(issue.environmentVariable == "ASSETFORGE_KAFKA_BROKERS")
        #expect(issue.description.contains(problem), "\(issue)")
    }

    @Test("brokers: IPv4, IPv6 in brackets, blanks ignored; an empty list is rejected")
    func brokers() async throws {
        let brokers = try await load(environment: ["ASSETFORGE_KAFKA_BROKERS": "10.0.0.1:9092, [::1]:9093,"]).kafka
            .brokers
        #expect(brokers == [KafkaBroker(host: "10.0.0.1", port: 9092), KafkaBroker(host: "::1", port: 9093)])
        #expect(brokers.map(\.description) == ["10.0.0.1:9092", "[::1]:9093"])

        try await withConfigFile("kafka:\n  brokers: []\n", extension: "yaml") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.key == "kafka.brokers")
            #expect(issue.description.contains("at least 1 entry"))
        }
    }

    @Test("an event source must be a URI-reference")
    func badEventSource() async throws {
        try await expectInvalid("ASSETFORGE_EVENT_SOURCE", "not a uri", key: "events.source", allowed: "URI-reference")
        try await expectInvalid("ASSETFORGE_EVENT_SOURCE", "bad%zz", key: "events.source", allowed: "URI-reference")
    }

    @Test("a list where a single value belongs is reported")
    func listForScalar() async throws {
        try await withConfigFile("topics:\n  dlq: [a, b]\n", extension: "yaml") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.key == "topics.dlq")
            #expect(issue.description.contains("must be a single value"))
        }
    }

    @Test("kafka.properties: managed properties and non-mappings are rejected")
    func kafkaProperties() async throws {
        let yaml = """
            kafka:
              properties:
                bootstrap.servers: other:9092
                "bad name!": x
            """
        try await withConfigFile(yaml, extension: "yaml") { path in
            let error = try #require(await loadError(configFile: path))
            #expect(error.issues.count == 2)
            let managed = try #require(error.issues.first { $0.key == "kafka.properties.bootstrap.servers" })
            #expect(managed.description.contains("set kafka.brokers (ASSETFORGE_KAFKA_BROKERS) instead"))
            #expect(error.issues.contains { $0.key == "kafka.properties.bad name!" })
        }
        try await withConfigFile(#"{"kafka": {"properties": "security.protocol=SSL"}}"#, extension: "json") { path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.key == "kafka.properties")
            #expect(issue.description.contains("must be a mapping"))
        }
    }

    @Test("several errors are reported together, in catalogue order")
    func severalErrors() async throws {
        let yaml = """
            kafka:
              grup: typo
            topics:
              dlq: "bad topic"
            """
        try await withConfigFile(yaml, extension: "yaml") { path in
            let error = try #require(
                await loadError(
                    configFile: path,
                    environment: [
                        "ASSETFORGE_HTTP_PORT": "eighty",
                        "ASSETFORGE_KAFKA_OFFSET_RESET": "oldest",
                        "ASSETFORGE_LEDGER_URL": "redis://x",
                        "ASSETFORGE_MINIMAX_BASE_URL": "https://api.minimaxi.com/v1",
                        "KLING_ACCESS_KEY": "ak",
                        "ASSETFORGE_FETCH_ALLOWLIST": "10.0.0.0/40",
                        "ASSETFORGE_JIMENG_MAX_IN_FLIGHT": "2.0",
                    ]))
            #expect(
                error.issues.map(\.key) == [
                    "kafka.grup", "kafka.offsetReset", "topics.dlq", "ledger.url", "http.port",
                    "providers.minimax.baseURL", "providers.jimeng.maxInFlight", "fetch.allowlist",
                    "providers.kling.secretKey",
                ])
            #expect(error.issues.first?.suggestion == "kafka.group")
            let text = error.description
            #expect(text.hasPrefix("Invalid AssetForge configuration (9 problems):"))
            for variable in [
                "ASSETFORGE_HTTP_PORT", "ASSETFORGE_KAFKA_OFFSET_RESET", "ASSETFORGE_TOPIC_DLQ",
                "ASSETFORGE_LEDGER_URL",
                "ASSETFORGE_MINIMAX_BASE_URL", "KLING_SECRET_KEY", "ASSETFORGE_FETCH_ALLOWLIST",
                "ASSETFORGE_JIMENG_MAX_IN_FLIGHT",
            ] {
                #expect(text.contains(variable), "missing \(variable) in\n\(text)")
            }
            #expect(text.split(separator: "\n").count == 10)
        }
    }
}
