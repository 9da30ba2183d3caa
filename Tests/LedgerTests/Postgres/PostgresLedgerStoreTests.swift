import AssetForgeConfiguration
import Foundation
import PostgresTestSupport
import ServiceLifecycleTestKit
import Testing

@testable import Ledger

/// Every conformance check against PostgreSQL, each on a database of its own. Needs `ASSETFORGE_TEST_POSTGRES_URL`
/// and fails without it.
@Suite("PostgreSQL ledger conformance")
struct PostgresLedgerConformanceTests {
    @Test(arguments: LedgerConformance.checks)
    func conformance(_ check: LedgerConformance.Check) async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            try await check.run(LedgerConformance(factory: factory))
        }
    }
}

/// What only the PostgreSQL backend has: migrations shared by several instances, login and connection failures,
/// row locks. Needs `ASSETFORGE_TEST_POSTGRES_URL` and fails without it.
@Suite("PostgreSQL ledger store")
struct PostgresLedgerStoreTests {
    private typealias F = LedgerFixtures

    @Test func migratingTwiceRecordsEachVersionOnce() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            try await factory.withStore { store in
                _ = try await store.plan([F.command(1)], now: F.t0)
            }
            let reopened = try await factory.withStore { store in try await store.entry(F.key(1)) }
            #expect(reopened?.command == F.command(1))
            let versions = try await factory.inDatabase.texts(
                "SELECT version::text FROM assetforge_schema_migrations ORDER BY version")
            #expect(versions == (1...PostgresLedgerSchema.currentVersion).map(String.init))
        }
    }

    @Test func instancesStartingAtOnceMigrateOnce() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            let stores = try await withThrowingTaskGroup(of: PostgresLedgerStore.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await factory.openPostgres() }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(stores.count == 4)
            let counts = try await factory.inDatabase.texts(
                "SELECT version::text || ':' || count(*)::text FROM assetforge_schema_migrations GROUP BY version "
                    + "ORDER BY version")
            #expect(counts == (1...PostgresLedgerSchema.currentVersion).map { "\($0):1" })
            // All of them work on the one schema.
            let planned = try await stores[0].plan([F.command(1)], now: F.t0)
            #expect(planned.map(\.created) == [true])
            for store in stores.dropFirst() {
                #expect(try await store.entry(F.key(1)) == planned[0].entry)
            }
            for store in stores { await store.close() }
        }
    }

    @Test func refusesASchemaNewerThanItKnows() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            try await factory.withStore { _ in }
            try await factory.inDatabase.execute("INSERT INTO assetforge_schema_migrations (version) VALUES (999)")
            let error = await #expect(throws: LedgerError.self) { try await factory.openPostgres() }
            #expect(error?.code == .corrupt)
            #expect(error?.message.contains("999") == true)
            #expect(error?.message.contains("newer AssetForge") == true)
        }
    }

    @Test func storesTheColumnsAsExactTypes() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            try await factory.withStore { _ in }
            let types = try await factory.inDatabase.texts(
                """
                SELECT column_name || ' ' || data_type || COALESCE(' ' || collation_name, '')
                FROM information_schema.columns
                WHERE table_name = 'commands'
                    AND column_name IN ('key', 'specification', 'cost_cny', 'planned_at', 'lease_version')
                ORDER BY column_name
                """)
            #expect(
                types == [
                    "cost_cny numeric", "key text C", "lease_version bigint", "planned_at bigint",
                    "specification bytea",
                ])
        }
    }

    @Test func aClaimPassesOverRowsAnotherTransactionHolds() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            let admin = try factory.inDatabase
            // A claim that waited for a locked row would fail after 2 s instead of hanging the test.
            try await admin.execute("ALTER DATABASE \(factory.database) SET lock_timeout = '2s'")
            try await factory.withStore { store in
                _ = try await store.plan((1...3).map { F.command($0) }, now: F.t0)
                try await admin.withConnection { connection in
                    // Another transaction locks the oldest row and keeps it locked while the store claims.
                    _ = try await connection.query("BEGIN", logger: .ledgerTests).get()
                    let locked = try await connection.query(
                        "SELECT key FROM commands WHERE key = \(F.key(1)) FOR UPDATE", logger: .ledgerTests
                    ).get()
                    try #require(locked.count == 1)
                    // Waiting for the lock would end in a lock_timeout error after 2 s.
                    let claimed = try await store.claim(
                        owner: "A", limit: 10, leaseDuration: .seconds(30), now: F.t0)
                    #expect(claimed.map(\.key) == [F.key(2), F.key(3)])
                    _ = try await connection.query("ROLLBACK", logger: .ledgerTests).get()
                }
                let rest = try await store.claim(owner: "B", limit: 10, leaseDuration: .seconds(30), now: F.t0)
                #expect(rest.map(\.key) == [F.key(1)])
            }
        }
    }

    @Test func aGracefulShutdownAroundTheStoreDoesNotCloseIt() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            // As in AssetForgeService: the store is opened inside a service, which still hands its work back to the
            // ledger after the graceful shutdown began; only close() ends the store.
            try await testGracefulShutdown { trigger in
                let store = try await factory.openPostgres()
                _ = try await store.plan([F.command(1)], now: F.t0)
                trigger.triggerGracefulShutdown()
                for _ in 0..<10 {
                    try await Task.sleep(for: .milliseconds(50))
                    #expect(try await store.unfinishedCount() == 1)
                }
                await store.close()
                let error = await #expect(throws: LedgerError.self) { try await store.unfinishedCount() }
                #expect(error?.code == .unavailable)
            }
        }
    }

    @Test func aWrongPasswordIsUnavailableAndNotRepeated() async throws {
        let admin = try PostgresTestServer.adminConnection()
        let role = PostgresTestServer.uniqueName("ledger_role_")
        let password = PostgresTestServer.uniqueName("right-password-")
        let wrong = PostgresTestServer.uniqueName("wrong-password-")
        try await PostgresLedgerFactory.admin(admin).execute("CREATE ROLE \(role) LOGIN PASSWORD '\(password)'")
        do {
            try await PostgresLedgerFactory.withFreshDatabase(owner: role) { factory in
                // The right password opens the ledger (and creates its tables as that user) ...
                let right = PostgresTestServer.connection(factory.connection, username: role, password: password)
                let store = try await PostgresLedgerStore.open(right, logger: .ledgerTests)
                try await store.checkWritable()
                await store.close()

                // ... a wrong one is refused, with a message that names the user but neither password.
                let refused = PostgresTestServer.connection(factory.connection, username: role, password: wrong)
                let error = await #expect(throws: LedgerError.self) {
                    try await PostgresLedgerStore.open(refused, logger: .ledgerTests)
                }
                #expect(error?.code == .unavailable)
                let message = error?.message ?? ""
                #expect(message.contains("password authentication failed"), "\(message)")
                #expect(message.contains(role) && message.contains("ASSETFORGE_LEDGER_URL"), "\(message)")
                #expect(!message.contains(wrong) && !message.contains(password), "\(message)")
                #expect(!(error.map(String.init(describing:)) ?? "").contains(wrong))

                // No password at all, when the server asks for one.
                let none = PostgresTestServer.connection(factory.connection, username: role, password: nil)
                let missing = await #expect(throws: LedgerError.self) {
                    try await PostgresLedgerStore.open(none, logger: .ledgerTests)
                }
                #expect(missing?.code == .unavailable)
                #expect(missing?.message.contains("has none") == true, "\(missing?.message ?? "")")
            }
        } catch {
            _ = try? await PostgresLedgerFactory.admin(admin).execute("DROP ROLE IF EXISTS \(role)")
            throw error
        }
        try await PostgresLedgerFactory.admin(admin).execute("DROP ROLE IF EXISTS \(role)")
    }

    @Test func aMissingDatabaseIsUnavailable() async throws {
        let admin = try PostgresTestServer.adminConnection()
        let database = PostgresTestServer.uniqueName("missing_")
        let error = await #expect(throws: LedgerError.self) {
            try await PostgresLedgerStore.open(
                PostgresTestServer.connection(admin, database: database), logger: .ledgerTests)
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("the database \(database) does not exist") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("createdb") == true)
    }

    @Test func requiringTLSFromAServerWithoutItIsUnavailable() async throws {
        var connection = try PostgresTestServer.adminConnection()
        connection.parameters["sslmode"] = "require"
        let error = await #expect(throws: LedgerError.self) {
            try await PostgresLedgerStore.open(connection, logger: .ledgerTests)
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("does not offer TLS") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("sslmode=require") == true)
    }
}
