import Foundation
import Testing

@testable import Ledger

/// The vendor-account limits every instance on one PostgreSQL ledger shares: in-flight slots and the daily spend.
/// Needs `ASSETFORGE_TEST_POSTGRES_URL` and fails without it.
@Suite("PostgreSQL ledger: shared vendor-account limits")
struct PostgresAccountLimitsTests {
    private typealias F = LedgerFixtures
    private static let hold: Duration = .seconds(10)

    @Test func slotsAreSharedByInstancesUpToTheLimit() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            let a = try await factory.openPostgres()
            let b = try await factory.openPostgres()
            func take(_ store: PostgresLedgerStore, _ holder: String, owner: String, at seconds: Int = 0) async throws
                -> Bool
            {
                try await store.takeSlot(
                    provider: "kling", holder: holder, limit: 2, owner: owner, leaseDuration: Self.hold,
                    now: F.at(seconds: seconds))
            }
            #expect(try await take(a, "asset-1", owner: "A"))
            #expect(try await take(b, "asset-2", owner: "B"))
            #expect(try await !take(b, "asset-3", owner: "B"), "the limit of 2 holds across instances")
            #expect(try await a.slotsHeld(provider: "kling", now: F.at(seconds: 1)) == 2)
            // Another provider's slots are its own.
            #expect(try await a.takeSlot(
                provider: "wanx", holder: "asset-3", limit: 1, owner: "A", leaseDuration: Self.hold, now: F.t0))

            // A holder taking its slot again (a command continued elsewhere) gets the same slot, not a second one.
            #expect(try await take(b, "asset-1", owner: "B", at: 1))
            #expect(try await a.slotsHeld(provider: "kling", now: F.at(seconds: 2)) == 2)

            try await a.releaseSlot(provider: "kling", holder: "asset-1")
            #expect(try await take(b, "asset-3", owner: "B", at: 2))
            #expect(try await !take(a, "asset-4", owner: "A", at: 2))
            await a.close()
            await b.close()
        }
    }

    @Test func aDeadInstancesSlotsLapseAndRenewedOnesDoNot() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            let store = try await factory.openPostgres()
            func take(_ holder: String, owner: String, at seconds: Int) async throws -> Bool {
                try await store.takeSlot(
                    provider: "kling", holder: holder, limit: 3, owner: owner, leaseDuration: Self.hold,
                    now: F.at(seconds: seconds))
            }
            #expect(try await take("dead-1", owner: "dead", at: 0))
            #expect(try await take("alive-1", owner: "alive", at: 0))
            #expect(try await take("forgotten-1", owner: "alive", at: 0))
            // The live owner renews only the slot it knows it holds (its release of "forgotten-1" failed, say), and
            // naming another owner's slot renews nothing.
            func reserve(_ id: String, at seconds: Int) async throws -> Bool {
                try await store.reserveSpend(
                    provider: "kling", day: "2026-11-26", reservation: id, amount: 1, cap: 2, owner: "alive",
                    leaseDuration: Self.hold, now: F.at(seconds: seconds))
            }
            #expect(try await reserve("r-known", at: 0))
            #expect(try await reserve("r-forgotten", at: 0))
            try await store.renewAccountHolds(
                owner: "alive", slots: [("kling", "alive-1"), ("kling", "dead-1")], reservations: ["r-known"],
                leaseDuration: Self.hold, now: F.at(seconds: 8))
            // At 11 s the dead owner's slot and the forgotten one have lapsed; the renewed one holds until 18 s.
            #expect(try await store.slotsHeld(provider: "kling", now: F.at(seconds: 11)) == 1)
            #expect(try await take("new-1", owner: "alive", at: 11))
            #expect(try await take("new-2", owner: "alive", at: 11))
            #expect(try await !take("new-3", owner: "alive", at: 12))
            // Likewise the forgotten reservation has lapsed and the renewed one still counts against the cap of 2.
            #expect(try await reserve("r-new", at: 11))
            #expect(try await !reserve("r-new-2", at: 12))
            await store.close()
        }
    }

    @Test func aRenamedSlotStaysTakenAndTheHolderCanTakeAnother() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            let store = try await factory.openPostgres()
            func take(_ holder: String) async throws -> Bool {
                try await store.takeSlot(
                    provider: "wanx", holder: holder, limit: 2, owner: "A", leaseDuration: Self.hold, now: F.t0)
            }
            #expect(try await take("asset-1"))
            try await store.renameSlot(provider: "wanx", holder: "asset-1", to: "asset-1~parked")
            #expect(try await take("asset-1"), "the asset takes a second slot")
            #expect(try await !take("asset-2"), "the parked slot still counts")
            try await store.releaseSlot(provider: "wanx", holder: "asset-1~parked")
            #expect(try await take("asset-2"))
            await store.close()
        }
    }

    @Test func reservationsKeepEveryInstanceWithinTheDailyCap() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            let a = try await factory.openPostgres()
            let b = try await factory.openPostgres()
            let day = "2026-11-26"
            func reserve(_ store: PostgresLedgerStore, _ id: String, _ amount: Decimal, owner: String, at seconds: Int = 0)
                async throws -> Bool
            {
                try await store.reserveSpend(
                    provider: "kling", day: day, reservation: id, amount: amount, cap: 10, owner: owner,
                    leaseDuration: Self.hold, now: F.at(seconds: seconds))
            }
            #expect(try await reserve(a, "r1", 4, owner: "A"))
            #expect(try await reserve(b, "r2", 4, owner: "B"))
            #expect(try await !reserve(b, "r3", 4, owner: "B"), "4 + 4 + 4 > 10")
            #expect(try await reserve(b, "r3", 2, owner: "B"), "4 + 4 + 2 = 10 fits")

            // r1's task cost 3.5: the spend counts it, its reservation is gone.
            try await a.settleSpend(provider: "kling", day: day, reservation: "r1", actual: Decimal(string: "3.5"))
            #expect(try await a.spent(provider: "kling", day: day) == Decimal(string: "3.5"))
            #expect(try await reserve(a, "r4", Decimal(string: "0.5") ?? 0, owner: "A"), "3.5 + 4 + 2 + 0.5 = 10")
            #expect(try await !reserve(a, "r5", Decimal(string: "0.01") ?? 0, owner: "A"))
            // A failed task's reservation is dropped without spending.
            try await b.settleSpend(provider: "kling", day: day, reservation: "r2", actual: nil)
            #expect(try await reserve(a, "r5", 4, owner: "A"))
            // Another day starts from nothing; a spend without a reservation is booked too.
            try await a.settleSpend(provider: "kling", day: "2026-11-27", reservation: nil, actual: 1)
            #expect(try await a.spent(provider: "kling", day: "2026-11-27") == 1)
            #expect(try await a.spent(provider: "kling", day: day) == Decimal(string: "3.5"))
            await a.close()
            await b.close()
        }
    }

    @Test func aDeadInstancesReservationsLapse() async throws {
        try await PostgresLedgerFactory.withFreshDatabase { factory in
            let store = try await factory.openPostgres()
            func reserve(_ id: String, owner: String, at seconds: Int) async throws -> Bool {
                try await store.reserveSpend(
                    provider: "wanx", day: "2026-11-26", reservation: id, amount: 6, cap: 10, owner: owner,
                    leaseDuration: Self.hold, now: F.at(seconds: seconds))
            }
            #expect(try await reserve("dead", owner: "dead", at: 0))
            #expect(try await !reserve("alive", owner: "alive", at: 5))
            #expect(try await reserve("alive", owner: "alive", at: 11), "the dead owner's reservation lapsed at 10 s")
            await store.close()
        }
    }
}
