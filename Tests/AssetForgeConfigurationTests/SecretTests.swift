import AssetForgeConfiguration
import Foundation
import Testing

@Suite("Secrets")
struct SecretTests {
    static let secrets: [String: String] = [
        "DASHSCOPE_API_KEY": "sk-dashscope-0001",
        "KLING_ACCESS_KEY": "kling-access-0002",
        "KLING_SECRET_KEY": "kling-secret-0003",
        "MINIMAX_API_KEY": "minimax-key-0004",
        "VOLCENGINE_ACCESS_KEY": "volc-access-0005",
        "VOLCENGINE_SECRET_KEY": "volc-secret-0006",
        "OSS_ACCESS_KEY_ID": "oss-id-0007",
        "OSS_ACCESS_KEY_SECRET": "oss-secret-0008",
        "OSS_SESSION_TOKEN": "oss-token-0009",
        "AWS_ACCESS_KEY_ID": "aws-id-0010",
        "AWS_SECRET_ACCESS_KEY": "aws-secret-0011",
        "AWS_SESSION_TOKEN": "aws-token-0012",
    ]

    func expectNoSecret(in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for secret in Self.secrets.values + ["hunter2", "db-password"] {
            #expect(!text.contains(secret), "\(secret) leaked", sourceLocation: sourceLocation)
        }
    }

    func loadWithSecrets() async throws -> AssetForgeConfiguration {
        let yaml = """
            ledger:
              url: postgres://af:db-password@db:5432/assetforge
            kafka:
              properties:
                sasl.password: hunter2
                sasl.username: assetforge
            """
        var environment = Self.secrets
        environment["ASSETFORGE_STORE_URL"] = "oss://assets?region=cn-shanghai"
        return try await withConfigFile(yaml, extension: "yaml") { path in
            try await load(configFile: path, environment: environment)
        }
    }

    @Test("all credentials are read and every provider is enabled")
    func credentialsRead() async throws {
        let configuration = try await loadWithSecrets()
        #expect(configuration.providers.enabledProviders == GenerationProvider.allCases)
        #expect(configuration.providers[account: .dashscope].apiKey?.unredactedValue == "sk-dashscope-0001")
        #expect(configuration.store.credentials?.sessionToken?.unredactedValue == "oss-token-0009")
        #expect(configuration.store.awsCredentials?.secretAccessKey.unredactedValue == "aws-secret-0011")
    }

    @Test("descriptions redact secrets")
    func descriptionsRedact() async throws {
        let configuration = try await loadWithSecrets()
        let description = configuration.description
        expectNoSecret(in: description)
        expectNoSecret(in: configuration.redactedDescription)
        expectNoSecret(in: String(reflecting: configuration))
        expectNoSecret(in: "\(configuration.providers)")
        expectNoSecret(in: "\(configuration.store)")
        expectNoSecret(in: "\(configuration.ledger)")
        expectNoSecret(in: "\(configuration.kafka)")
        #expect("\(configuration.kafka)".contains("sasl.username"))
        var dumped = ""
        dump(configuration, to: &dumped)
        expectNoSecret(in: dumped)
        #expect(description.contains("providers.kling.secretKey = <redacted> (env)"))
        #expect(description.contains("ledger.url = postgres://af:<redacted>@db:5432/assetforge (file)"))
        #expect("\(Secret("x"))" == "<redacted>")
    }

    @Test("a password query parameter of a PostgreSQL URL is redacted")
    func postgresPasswordParameter() throws {
        let location = try LedgerLocation(parsing: "postgres://db/ledger?sslmode=require&password=db-password")
        expectNoSecret(in: location.description)
        var dumped = ""
        dump(location, to: &dumped)
        expectNoSecret(in: dumped)
        #expect(location.description == "postgres://db/ledger?password=<redacted>&sslmode=require")
    }

    @Test("the effective listing redacts secrets and shows sources")
    func effectiveListingRedacts() async throws {
        let configuration = try await loadWithSecrets()
        let rows = configuration.effectiveSettings()
        for (variable, _) in Self.secrets {
            let row = try #require(rows.first { $0.environmentVariable == variable })
            #expect(row.value == "<redacted>")
            #expect(row.source == .environment)
        }
        #expect(rows.first { $0.key == "kafka.properties.sasl.password" }?.value == "<redacted>")
        #expect(rows.first { $0.key == "kafka.properties.sasl.username" }?.value == "assetforge")
        let table = configuration.effectiveSettingsTable()
        expectNoSecret(in: table)
        #expect(table.hasPrefix("KEY"))
        #expect(table.contains("DASHSCOPE_API_KEY"))
        // The secrets are still there for the code that needs them.
        #expect(configuration.kafka.properties["sasl.password"] == "hunter2")
    }

    @Test("error messages redact secrets")
    func errorsRedact() async throws {
        let error = try #require(
            await loadError(environment: [
                "OSS_SESSION_TOKEN": "oss-token-0009",
                "AWS_ACCESS_KEY_ID": "aws-id-0010",
                "ASSETFORGE_LEDGER_URL": "mysql://root:db-password@db/x",
            ]))
        expectNoSecret(in: error.description)
        #expect(error.issues.contains { $0.environmentVariable == "OSS_SESSION_TOKEN" && $0.value == "<redacted>" })
        #expect(error.issues.contains { $0.environmentVariable == "AWS_SECRET_ACCESS_KEY" && $0.code == .missingValue })
        #expect(error.description.contains("mysql://root:<redacted>@db/x"))
    }

    @Test("a secret in the file is redacted in errors about the file")
    func secretInBadFile() async throws {
        try await withConfigFile(#"{"providers": {"kling": {"accessKey": "kling-access-0002"}}}"#, extension: "json") {
            path in
            let issue = try await singleIssue(configFile: path)
            #expect(issue.environmentVariable == "KLING_SECRET_KEY")
            expectNoSecret(in: issue.description)
        }
    }
}
