import AssetForgeConfiguration
import Foundation
import PostgresTestSupport
import Testing

@testable import Ledger

/// How a `postgres://` ledger URL becomes connection settings, and failures that need no server.
@Suite("PostgreSQL ledger settings")
struct PostgresLedgerSettingsTests {
    private static func settings(_ url: String) throws -> PostgresLedgerSettings {
        guard case .postgres(let connection) = try LedgerLocation(parsing: url) else {
            throw PostgresTestServer.Unavailable(description: "\(url) is not a postgres URL")
        }
        return try PostgresLedgerSettings(connection)
    }

    private static func refusal(_ url: String) throws -> LedgerError? {
        do {
            _ = try settings(url)
            return nil
        } catch let error as LedgerError {
            return error
        }
    }

    @Test func defaultsToLoopbackWithoutTLS() throws {
        let settings = try Self.settings("postgres:///ledger")
        #expect(settings.host == "127.0.0.1" && settings.port == 5432)
        #expect(settings.username == ProcessInfo.processInfo.userName)
        #expect(settings.database == "ledger" && settings.password == nil)
        #expect(settings.sslMode == .disable)
        #expect(settings.connectTimeout == .seconds(10))
        #expect(settings.applicationName == "assetforge")
        #expect(try Self.settings("postgres://localhost/x").sslMode == .disable)
        #expect(try Self.settings("postgres://127.0.0.2/x").sslMode == .disable)
    }

    @Test func aRemoteServerPrefersTLSAndTheURLWins() throws {
        let password = "s3cret-\(UUID().uuidString)"
        let remote = try Self.settings("postgresql://af:\(password)@db.example.com:5433/assetforge")
        #expect(remote.host == "db.example.com" && remote.port == 5433 && remote.username == "af")
        #expect(remote.password == password && remote.sslMode == .prefer)
        #expect(remote.description == "PostgreSQL at db.example.com:5433 as af, database assetforge")

        let explicit = try Self.settings(
            "postgres://af@db.example.com/x?sslmode=verify-full&connect_timeout=3&application_name=worker-1"
                + "&password=\(password)&sslrootcert=/etc/ssl/ca.pem")
        #expect(explicit.sslMode == .verifyFull && explicit.connectTimeout == .seconds(3))
        #expect(explicit.applicationName == "worker-1" && explicit.password == password)
        #expect(explicit.sslRootCertificate == "/etc/ssl/ca.pem")
        #expect(!explicit.description.contains(password))

        let ipv6 = try Self.settings("postgres://af@[::1]:6543/x")
        #expect(ipv6.host == "::1" && ipv6.endpoint == "[::1]:6543" && ipv6.sslMode == .disable)
    }

    @Test func refusesWhatItCannotUse() throws {
        let allow = try Self.refusal("postgres://db/x?sslmode=allow")
        #expect(allow?.code == .unavailable)
        #expect(allow?.message.contains("sslmode=allow") == true && allow?.message.contains("verify-full") == true)

        let unknown = try Self.refusal("postgres://db/x?target_session_attrs=read-write&sslmode=disable")
        #expect(unknown?.code == .unavailable)
        #expect(unknown?.message.contains("target_session_attrs") == true)
        #expect(unknown?.message.contains("supported: application_name") == true)

        for timeout in ["0", "-1", "soon", "3601"] {
            let error = try Self.refusal("postgres://db/x?connect_timeout=\(timeout)")
            #expect(error?.code == .unavailable && error?.message.contains("connect_timeout=\(timeout)") == true)
        }
    }

    @Test func anUnreachableServerIsUnavailableWithoutThePassword() async throws {
        let port = try await PostgresAdmin.freeLoopbackPort()
        let password = "s3cret-\(UUID().uuidString)"
        let location = try LedgerLocation(parsing: "postgres://someone:\(password)@127.0.0.1:\(port)/ledger")
        guard case .postgres(let connection) = location else {
            Issue.record("\(location) is not a postgres location")
            return
        }
        let error = await #expect(throws: LedgerError.self) {
            try await PostgresLedgerStore.open(connection, logger: .ledgerTests)
        }
        #expect(error?.code == .unavailable)
        let message = error?.message ?? ""
        #expect(message.contains("cannot connect to PostgreSQL at 127.0.0.1:\(port) as someone"), "\(message)")
        #expect(message.contains("ASSETFORGE_LEDGER_URL"), "\(message)")
        #expect(!message.contains(password))
    }

    @Test func withoutTheServerVariableThePostgresTestsFail() throws {
        let missing = #expect(throws: PostgresTestServer.Unavailable.self) {
            try PostgresTestServer.adminConnection(environment: [:])
        }
        #expect(missing?.description.contains("ASSETFORGE_TEST_POSTGRES_URL is not set") == true)
        #expect(missing?.description.contains("deploy/local/postgres.sh") == true)

        let wrong = #expect(throws: PostgresTestServer.Unavailable.self) {
            try PostgresTestServer.adminConnection(environment: ["ASSETFORGE_TEST_POSTGRES_URL": "sqlite://x.db"])
        }
        #expect(wrong?.description.contains("must be a postgres:// URL") == true)
    }
}
