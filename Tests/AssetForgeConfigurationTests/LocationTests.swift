import AssetForgeConfiguration
import Foundation
import Testing

@Suite("Ledger and store locations")
struct LocationTests {
    @Test(
        "sqlite: everything after sqlite:// is the path",
        arguments: [
            ("sqlite://assetforge.db", "assetforge.db"),
            ("sqlite://data/ledger.db", "data/ledger.db"),
            ("sqlite:///var/lib/x.db", "/var/lib/x.db"),
            ("SQLITE://./x.db", "./x.db"),
        ])
    func sqlitePath(url: String, path: String) async throws {
        let configuration = try await load(environment: ["ASSETFORGE_LEDGER_URL": url])
        #expect(configuration.ledger.location == .sqlite(path: path))
        #expect(configuration.ledger.location.description == "sqlite://\(path)")
    }

    @Test("sqlite:// without a path is rejected")
    func sqliteWithoutPath() async throws {
        let issue = try await singleIssue(environment: ["ASSETFORGE_LEDGER_URL": "sqlite://"])
        #expect(issue.key == "ledger.url")
        #expect(issue.description.contains("has no path"))
    }

    @Test("postgres and postgresql URLs are parsed")
    func postgres() throws {
        for scheme in ["postgres", "postgresql"] {
            guard case .postgres(let connection) = try LedgerLocation(parsing: "\(scheme)://db.example.com/ledger")
            else {
                Issue.record("expected PostgreSQL")
                continue
            }
            #expect(connection.host == "db.example.com")
            #expect(connection.port == nil)
            #expect(connection.username == nil)
            #expect(connection.password == nil)
            #expect(connection.database == "ledger")
        }
        #expect(throws: InvalidValue.self) { try LedgerLocation(parsing: "postgres://db/a/b") }
    }

    @Test(
        "file: everything after file:// is the path",
        arguments: [
            ("file://assets", "assets"),
            ("file://var/assets", "var/assets"),
            ("file:///var/x", "/var/x"),
        ])
    func filePath(url: String, path: String) async throws {
        let configuration = try await load(environment: ["ASSETFORGE_STORE_URL": url])
        #expect(configuration.store.location == .file(path: path))
        #expect(configuration.store.credentials == nil)
    }

    @Test("oss: bucket, region, default endpoint, key prefix")
    func ossDefaultEndpoint() throws {
        let location = try AssetStoreLocation(parsing: "oss://af-assets/generated/images/?region=cn-hangzhou")
        let expected = ObjectStoreBucket(
            bucket: "af-assets", region: "cn-hangzhou", endpoint: URL(string: "https://oss-cn-hangzhou.aliyuncs.com")!,
            keyPrefix: "generated/images")
        #expect(location == .oss(expected))
    }

    @Test("oss: explicit endpoints, with or without a scheme")
    func ossExplicitEndpoint() throws {
        let internalEndpoint = try AssetStoreLocation(
            parsing: "oss://af-assets?endpoint=oss-cn-hangzhou-internal.aliyuncs.com&region=cn-hangzhou")
        guard case .oss(let bucket) = internalEndpoint else {
            Issue.record("expected OSS")
            return
        }
        #expect(bucket.endpoint.absoluteString == "https://oss-cn-hangzhou-internal.aliyuncs.com")
        #expect(bucket.keyPrefix == "")

        let local = try AssetStoreLocation(
            parsing: "oss://af-assets?region=cn-hangzhou&endpoint=http%3A%2F%2F127.0.0.1%3A9000")
        guard case .oss(let localBucket) = local else {
            Issue.record("expected OSS")
            return
        }
        #expect(localBucket.endpoint.absoluteString == "http://127.0.0.1:9000")
    }

    @Test("s3: default endpoint per region, and S3-compatible endpoints")
    func s3() throws {
        guard case .s3(let aws) = try AssetStoreLocation(parsing: "s3://my.assets-bucket?region=eu-central-1") else {
            Issue.record("expected S3")
            return
        }
        #expect(aws.bucket == "my.assets-bucket")
        #expect(aws.region == "eu-central-1")
        #expect(aws.endpoint.absoluteString == "https://s3.eu-central-1.amazonaws.com")

        guard
            case .s3(let minio) = try AssetStoreLocation(
                parsing: "s3://assets?region=us-east-1&endpoint=http://minio:9000")
        else {
            Issue.record("expected S3")
            return
        }
        #expect(minio.endpoint.absoluteString == "http://minio:9000")
    }

    @Test(
        "bad object-store URLs",
        arguments: [
            ("oss://af-assets", "needs ?region="),
            ("oss://af-assets?region=oss-cn-hangzhou", "use the region id cn-hangzhou"),
            ("oss://Af_Assets?region=cn-hangzhou", "bucket \"Af_Assets\" is not valid"),
            ("oss://a.b.c?region=cn-hangzhou", "OSS bucket names"),
            ("s3://ab?region=us-east-1", "3–63"),
            ("s3://assets?region=us-east-1&acl=public", "unknown parameter \"acl\""),
            ("s3://assets?region=us-east-1&endpoint=https://minio:9000/path", "must not have a path"),
            ("s3://?region=us-east-1", "has no bucket name"),
            ("oss://af-assets?region=CN HANGZHOU", "region"),
        ])
    func badObjectStore(url: String, problem: String) async throws {
        let error = try #require(await loadError(environment: ["ASSETFORGE_STORE_URL": url]))
        let issue = try #require(error.issues.first)
        #expect(issue.key == "store.url")
        #expect(issue.environmentVariable == "ASSETFORGE_STORE_URL")
        #expect(issue.description.contains(problem), "\(issue)")
    }

    @Test("an oss:// store needs the OSS key pair, an s3:// store the AWS pair")
    func storeCredentialsRequired() async throws {
        let oss = try #require(
            await loadError(environment: ["ASSETFORGE_STORE_URL": "oss://af-assets?region=cn-hangzhou"]))
        #expect(oss.issues.map(\.environmentVariable) == ["OSS_ACCESS_KEY_ID", "OSS_ACCESS_KEY_SECRET"])
        #expect(oss.issues.allSatisfy { $0.code == .missingValue && $0.description.contains("An oss:// store needs") })

        let s3 = try #require(
            await loadError(environment: [
                "ASSETFORGE_STORE_URL": "s3://af-assets?region=us-east-1", "AWS_ACCESS_KEY_ID": "id",
            ]))
        #expect(s3.issues.map(\.environmentVariable) == ["AWS_SECRET_ACCESS_KEY"])

        let ok = try await load(
            environment: [
                "ASSETFORGE_STORE_URL": "s3://af-assets?region=us-east-1", "AWS_ACCESS_KEY_ID": "id",
                "AWS_SECRET_ACCESS_KEY": "secret",
            ])
        #expect(ok.store.credentials?.accessKeyID.unredactedValue == "id")
        #expect(ok.store.credentials?.sessionToken == nil)
    }
}
