import Foundation
import Logging
import Testing

@testable import Ledger

/// Opens ``SQLiteLedgerStore``s on one file in a fresh temporary directory.
struct SQLiteLedgerFactory: LedgerStoreFactory {
    /// The temporary directory, removed by ``remove()``.
    let directory: URL
    /// The database file.
    let path: String

    /// A factory on `relativePath` inside a new temporary directory (which does not exist yet).
    init(relativePath: String = "ledger.db") {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("assetforge-ledger-tests-\(UUID().uuidString)", isDirectory: true)
        path = directory.appendingPathComponent(relativePath).path
    }

    func open() async throws -> any LedgerStore {
        try await openSQLite()
    }

    /// A new store on ``path``.
    func openSQLite() async throws(LedgerError) -> SQLiteLedgerStore {
        try await SQLiteLedgerStore.open(path: path, logger: .ledgerTests)
    }

    /// Deletes the temporary directory.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension Logger {
    /// Warnings and worse only: opening and migrating stores logs at `info` in every test.
    static var ledgerTests: Logger {
        var logger = Logger(label: "LedgerTests")
        logger.logLevel = .warning
        return logger
    }
}

@Suite("SQLite ledger conformance")
struct SQLiteLedgerConformanceTests {
    @Test(arguments: LedgerConformance.checks)
    func conformance(_ check: LedgerConformance.Check) async throws {
        let factory = SQLiteLedgerFactory()
        defer { factory.remove() }
        try await check.run(LedgerConformance(factory: factory))
    }
}

@Suite("SQLite ledger store")
struct SQLiteLedgerStoreTests {
    private typealias F = LedgerFixtures

    @Test func keysThatNeedEscapingInJSONAreFoundInOrder() async throws {
        let factory = SQLiteLedgerFactory()
        defer { factory.remove() }
        let store = try await factory.openSQLite()
        let odd = ["quote\"d", "back\\slash", "tab\tnew\nline\u{1}", "茶杯 🍵", "[\"],", ""]
        let commands = odd.map { key in
            var command = F.command(1)
            command.key = key
            return command
        }
        _ = try await store.plan(commands, now: F.t0)
        let outcomes = try await store.recordedOutcomes(inOrderOf: odd.reversed() + ["quote", "\"], "])
        #expect(outcomes.map { $0?.key } == odd.reversed().map { $0 } + [nil, nil])
        #expect(outcomes.prefix(odd.count).allSatisfy { $0?.state == .planned })
        await store.close()
    }

    @Test func createsItsDirectoryAndRunsInWALModeWithFullSync() async throws {
        let factory = SQLiteLedgerFactory(relativePath: "nested/deeper/ledger.db")
        defer { factory.remove() }
        let store = try await factory.openSQLite()
        let pragmas = try await store.pragmas()
        _ = try await store.plan([LedgerFixtures.command(1)], now: LedgerFixtures.t0)
        let walExists = FileManager.default.fileExists(atPath: factory.path + "-wal")
        await store.close()
        #expect(pragmas["journal_mode"] == "wal")
        #expect(pragmas["synchronous"] == "2")  // FULL
        #expect(pragmas["busy_timeout"] == "30000")
        #expect(pragmas["mmap_size"] == "2147418112")
        #expect(pragmas["user_version"] == "\(SQLiteLedgerSchema.currentVersion)")
        #expect(walExists)
    }

    @Test func reopeningKeepsTheSchemaVersion() async throws {
        let factory = SQLiteLedgerFactory()
        defer { factory.remove() }
        for _ in 0..<3 {
            let store = try await factory.openSQLite()
            let version = try await store.pragmas()["user_version"]
            await store.close()
            #expect(version == "\(SQLiteLedgerSchema.currentVersion)")
        }
    }

    @Test func refusesASchemaNewerThanItKnows() async throws {
        let factory = SQLiteLedgerFactory()
        defer { factory.remove() }
        try await factory.withStore { store in
            _ = try await store.plan([LedgerFixtures.command(1)], now: LedgerFixtures.t0)
        }
        // The last close checkpoints the log into the file; PRAGMA user_version is the big-endian 32-bit integer
        // at offset 60 of the file's header.
        try #require(!FileManager.default.fileExists(atPath: factory.path + "-wal"))
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: factory.path))
        try file.seek(toOffset: 60)
        try file.write(contentsOf: [0x00, 0x00, 0x03, 0xE7])  // 999
        try file.close()

        let error = await #expect(throws: LedgerError.self) { try await factory.openSQLite() }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("999") == true)
        #expect(error?.message.contains("newer AssetForge") == true)
    }

    @Test func aPathUnderAFileIsUnavailable() async throws {
        let factory = SQLiteLedgerFactory()
        defer { factory.remove() }
        try FileManager.default.createDirectory(at: factory.directory, withIntermediateDirectories: true)
        let blocker = factory.directory.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: blocker)
        let path = blocker.appendingPathComponent("ledger.db").path

        let error = await #expect(throws: LedgerError.self) {
            try await SQLiteLedgerStore.open(path: path, logger: .ledgerTests)
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("ASSETFORGE_LEDGER_URL") == true)
    }

    @Test func aDirectoryIsNotADatabaseFile() async throws {
        let factory = SQLiteLedgerFactory()
        defer { factory.remove() }
        try FileManager.default.createDirectory(atPath: factory.path, withIntermediateDirectories: true)

        let error = await #expect(throws: LedgerError.self) { try await factory.openSQLite() }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains(factory.path) == true)
    }

    @Test func aFileThatIsNotADatabaseIsCorrupt() async throws {
        let factory = SQLiteLedgerFactory()
        defer { factory.remove() }
        try FileManager.default.createDirectory(at: factory.directory, withIntermediateDirectories: true)
        try Data(String(repeating: "not an SQLite database. ", count: 400).utf8)
            .write(to: URL(fileURLWithPath: factory.path))

        let error = await #expect(throws: LedgerError.self) { try await factory.openSQLite() }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains(factory.path) == true)
    }

    @Test func emptyPathIsUnavailable() async throws {
        let error = await #expect(throws: LedgerError.self) {
            try await SQLiteLedgerStore.open(path: "", logger: .ledgerTests)
        }
        #expect(error?.code == .unavailable)
    }

    @Test func aCancelledCallerStillFinishesItsTransaction() async throws {
        let factory = SQLiteLedgerFactory()
        defer { factory.remove() }
        let store = try await factory.openSQLite()
        let commands = (1...3).map { LedgerFixtures.command($0) }
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await store.plan(commands, now: LedgerFixtures.t0)
        }
        let outcomes = await cancelled.result
        // Either the plan happened completely or not at all, and the store is usable afterwards (no transaction
        // left open).
        let recorded = try await store.countsByState()[.planned, default: 0]
        let more = try await store.plan([LedgerFixtures.command(4)], now: LedgerFixtures.t0)
        await store.close()
        #expect(recorded == 3)
        #expect((try? outcomes.get())?.map(\.created) == [true, true, true])
        #expect(more.map(\.created) == [true])
    }

    @Test func concurrentCallsOnOneStoreDoNotInterleaveTransactions() async throws {
        let factory = SQLiteLedgerFactory()
        defer { factory.remove() }
        let store = try await factory.openSQLite()
        do {
            // Many tasks planning overlapping batches at once: each key created exactly once, no "transaction within
            // a transaction" failures.
            let created = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<16 {
                    group.addTask {
                        let numbers = (0..<20).map { offset in (task * 7 + offset) % 100 }
                        let outcomes = try await store.plan(
                            numbers.map { LedgerFixtures.command($0) }, now: LedgerFixtures.t0)
                        return outcomes.filter(\.created).count
                    }
                }
                return try await group.reduce(0, +)
            }
            var distinct = Set<Int>()
            for task in 0..<16 {
                for offset in 0..<20 { distinct.insert((task * 7 + offset) % 100) }
            }
            #expect(created == distinct.count)
            #expect(try await store.unfinishedCount() == created)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
