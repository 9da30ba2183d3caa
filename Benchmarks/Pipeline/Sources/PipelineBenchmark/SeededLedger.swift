import AssetForgeConfiguration
import Events
import Foundation
@_spi(Benchmarking) import Ledger
import Logging
import Pipeline

/// The benchmark's events as already processed, in an SQLite file or a PostgreSQL database: seeded once by
/// ``LedgerSeeder`` and reused while the ledger holds exactly these events' published commands.
struct SeededLedger {
    /// The topic the recorded `asset.ready` envelopes name.
    static let readyTopic = "bench.asset.ready"
    /// Commands per event in the default recipe (3 marketing images, 1 copy).
    static let commandsPerEvent = 4

    let events: [AnyEvent]
    let logger: Logger

    private var seeder: LedgerSeeder { LedgerSeeder(readyTopic: Self.readyTopic, logger: logger) }

    /// Seeds the SQLite ledger at `path` (with `synchronous=OFF`), or reuses it; a file holding anything else is
    /// replaced. Returns the recorded envelopes, in event order, read with the production settings.
    func sqlite(path: String) async throws -> [LedgerEnvelope] {
        if FileManager.default.fileExists(atPath: path) {
            let ledger = try await SQLiteLedgerStore.open(path: path, logger: logger)
            let counts = try await ledger.countsByState()
            await ledger.close()
            if holdsTheseEvents(counts) {
                print("reusing the seeded ledger \(path)")
                return try await envelopes(in: .sqlite(path: path))
            }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let started = ContinuousClock.now
        let ledger = try await SQLiteLedgerStore.open(path: path, synchronous: .off, logger: logger)
        do {
            try await seeder.seed(events, into: ledger)
        } catch {
            await ledger.close()
            throw error
        }
        await ledger.close()
        print("seeded \(path) in " + String(format: "%.1f s", (ContinuousClock.now - started).seconds))
        return try await envelopes(in: .sqlite(path: path))
    }

    /// Seeds the PostgreSQL ledger at `location` (the server's settings as they are), or reuses it. A database
    /// holding other entries is refused, never cleared.
    func postgres(_ location: LedgerLocation) async throws -> [LedgerEnvelope] {
        let ledger = try await Self.open(location, logger: logger)
        do {
            let counts = try await ledger.countsByState()
            let total = counts.values.reduce(0, +)
            if holdsTheseEvents(counts) {
                print("reusing the seeded ledger \(location)")
            } else if total == 0 {
                let started = ContinuousClock.now
                try await seeder.seed(events, into: ledger)
                print("seeded \(location) in " + String(format: "%.1f s", (ContinuousClock.now - started).seconds))
            } else {
                throw BenchmarkFailure(
                    "the PostgreSQL ledger \(location) already holds \(total) entries, not the "
                        + "\(events.count * Self.commandsPerEvent) published commands of \(events.count) events; "
                        + "give an empty database (or the one seeded with the same --events)")
            }
            let envelopes = try await seeder.envelopes(for: events, in: ledger)
            await ledger.close()
            return envelopes
        } catch {
            await ledger.close()
            throw error
        }
    }

    /// Opens the ledger at `location` with the production settings, naming it when that fails.
    static func open(_ location: LedgerLocation, logger: Logger) async throws -> any LedgerStore {
        do {
            return try await LedgerOpener.open(location, logger: logger)
        } catch {
            throw BenchmarkFailure("cannot open the ledger \(location): \(error)")
        }
    }

    private func envelopes(in location: LedgerLocation) async throws -> [LedgerEnvelope] {
        let ledger = try await Self.open(location, logger: logger)
        do {
            let envelopes = try await seeder.envelopes(for: events, in: ledger)
            await ledger.close()
            return envelopes
        } catch {
            await ledger.close()
            throw error
        }
    }

    private func holdsTheseEvents(_ counts: [LedgerState: Int]) -> Bool {
        let expected = events.count * Self.commandsPerEvent
        return counts[.published] == expected && counts.values.reduce(0, +) == expected
    }
}
