import Foundation
import Ledger
import Testing

/// The behaviour every ``LedgerStore`` must have, written against the protocol alone so that each backend runs it
/// unchanged: a backend's suite runs every element of ``checks`` with a fresh ``LedgerStoreFactory``, e.g.
///
/// ```swift
/// @Test(arguments: LedgerConformance.checks)
/// func conformance(_ check: LedgerConformance.Check) async throws {
///     try await check.run(LedgerConformance(factory: MyBackendFactory()))
/// }
/// ```
///
/// Time is passed explicitly (`now`), never slept through. Times are whole milliseconds.
struct LedgerConformance: Sendable {
    /// One named check.
    struct Check: Sendable, CustomTestStringConvertible {
        /// What it checks.
        let name: String
        /// Runs it.
        let run: @Sendable (LedgerConformance) async throws -> Void

        var testDescription: String { name }
    }

    /// Opens the stores under test, all on one storage that is empty at first.
    let factory: any LedgerStoreFactory

    /// Every check.
    static let checks: [Check] = [
        Check(name: "plan creates, then replays unchanged") { try await $0.planCreatesThenReplays() },
        Check(name: "duplicate keys in one plan: the first wins") { try await $0.duplicateKeysInOnePlan() },
        Check(name: "recorded outcomes of known keys only, with state, resolution and envelope") {
            try await $0.recordedOutcomesOfKnownKeys()
        },
        Check(name: "claim takes the oldest planned, up to the limit") { try await $0.claimHonoursLimitAndOrder() },
        Check(name: "a claimed entry is nobody else's until its lease expires") {
            try await $0.claimsAreExclusiveUntilExpiry()
        },
        Check(name: "a stale owner is fenced off after a takeover") { try await $0.staleOwnerIsFenced() },
        Check(name: "an owner re-claiming its own expired lease keeps the version") {
            try await $0.ownExpiredLeaseKeepsItsVersion()
        },
        Check(name: "claim by key re-claims the owner's own lease") { try await $0.claimByKeyReclaimsOwnLease() },
        Check(name: "release and notBefore delay the next claim") { try await $0.releaseAndNotBeforeAreRespected() },
        Check(name: "renew extends only the owner's leases") { try await $0.renewExtendsOnlyOwnLeases() },
        Check(name: "finished states release and are never claimed") { try await $0.finishedStatesAreNeverClaimed() },
        Check(name: "update round-trips every field") { try await $0.updateRoundTripsEveryField() },
        Check(name: "update of an unknown key is notFound") { try await $0.updateOfUnknownKeyIsNotFound() },
        Check(name: "latest picks the highest revision, then the latest planned") {
            try await $0.latestPicksHighestRevisionThenLatestPlanned()
        },
        Check(name: "counts by state and unfinished count") { try await $0.countsByStateAndUnfinished() },
        Check(name: "entries survive close and reopen") { try await $0.entriesSurviveReopen() },
        Check(name: "two stores on one storage plan each key once") { try await $0.twoStoresPlanEachKeyOnce() },
        Check(name: "two stores on one storage never claim the same entry") {
            try await $0.twoStoresNeverClaimTheSameEntry()
        },
        Check(name: "a closed store is unavailable") { try await $0.closedStoreIsUnavailable() },
    ]

    private typealias F = LedgerFixtures
    private static let lease: Duration = .seconds(30)

    // MARK: Planning

    func planCreatesThenReplays() async throws {
        try await factory.withStore { store in
            try await store.checkWritable()
            let command = F.command(1)
            let first = try await store.plan([command], now: F.t0)
            try #require(first.count == 1)
            #expect(first[0].created)
            let entry = first[0].entry
            #expect(entry.command == command)
            #expect(entry.state == .planned && entry.attempts == 0 && entry.lease == nil && entry.notBefore == nil)
            #expect(entry.plannedAt == F.t0 && entry.updatedAt == F.t0)
            #expect(entry.provider == nil && entry.providerTaskID == nil && entry.progress == nil)
            #expect(entry.stored == nil && entry.costCNY == nil && entry.envelope == nil)
            #expect(entry.failureReason == nil && entry.failureMessage == nil && entry.resolvedTo == nil)

            // A replay, even with a different command under the same key, changes nothing.
            var changed = command
            changed.specification = Array("changed".utf8)
            changed.revision = 7
            let replay = try await store.plan([changed], now: F.at(seconds: 10))
            #expect(replay == [PlanOutcome(entry: entry, created: false)])
            #expect(try await store.entry(command.key) == entry)
            #expect(try await store.entry(F.key(2)) == nil)
            #expect(try await store.plan([], now: F.t0).isEmpty)

            // Empty and arbitrary binary specifications are kept exactly.
            let binary = F.command(3, specification: Array(0...255))
            let empty = F.command(4, specification: [])
            let outcomes = try await store.plan([binary, empty], now: F.t0)
            #expect(outcomes.map(\.entry.command) == [binary, empty])
            #expect(try await store.entry(empty.key)?.command.specification == [])
        }
    }

    func duplicateKeysInOnePlan() async throws {
        try await factory.withStore { store in
            let first = F.command(1)
            var duplicate = first
            duplicate.specification = [9]
            let other = F.command(2)
            let outcomes = try await store.plan([first, duplicate, other, first], now: F.t0)
            #expect(outcomes.map(\.created) == [true, false, true, false])
            #expect(outcomes.map(\.entry.key) == [first.key, first.key, other.key, first.key])
            #expect(outcomes[1].entry == outcomes[0].entry && outcomes[1].entry.command == first)

            // A batch mixing a recorded key and a new one.
            let third = F.command(3)
            let mixed = try await store.plan([other, third], now: F.at(seconds: 1))
            #expect(mixed.map(\.created) == [false, true])
            #expect(mixed[0].entry == outcomes[2].entry)
            #expect(mixed[1].entry.plannedAt == F.at(seconds: 1))
        }
    }

    // MARK: Claims

    func recordedOutcomesOfKnownKeys() async throws {
        try await factory.withStore { store in
            #expect(try await store.recordedOutcomes(keys: []).isEmpty)
            _ = try await store.plan([F.command(1), F.command(2), F.command(3)], now: F.t0)
            let envelope = LedgerEnvelope(
                topic: "asset.ready", eventID: "event-1", key: Array("SKU-1".utf8), value: [0x7B, 0x00, 0xFF, 0x7D])
            var published = LedgerUpdate(state: .published)
            published.envelope = envelope
            published.progress = [1, 2, 3]
            let first = try #require(try await store.claim(key: F.key(1), owner: "A", leaseDuration: Self.lease, now: F.t0))
            _ = try await store.update(F.key(1), lease: try #require(first.lease), published, now: F.at(1))
            var resolved = LedgerUpdate(state: .resolved)
            resolved.resolvedTo = F.key(1)
            let second = try #require(try await store.claim(key: F.key(2), owner: "A", leaseDuration: Self.lease, now: F.t0))
            _ = try await store.update(F.key(2), lease: try #require(second.lease), resolved, now: F.at(2))

            // Unknown keys are absent; a repeated key is answered once.
            let outcomes = try await store.recordedOutcomes(keys: [F.key(1), F.key(2), F.key(3), F.key(404), F.key(1)])
            #expect(outcomes.count == 3)
            #expect(outcomes[F.key(1)] == RecordedOutcome(key: F.key(1), state: .published, envelope: envelope))
            #expect(outcomes[F.key(2)] == RecordedOutcome(key: F.key(2), state: .resolved, resolvedTo: F.key(1)))
            #expect(outcomes[F.key(3)] == RecordedOutcome(key: F.key(3), state: .planned))
            #expect(outcomes[F.key(404)] == nil)

            // In order: each key answered where it was asked, twice when asked twice, nil when absent.
            #expect(try await store.recordedOutcomes(inOrderOf: []).isEmpty)
            let inOrder = try await store.recordedOutcomes(
                inOrderOf: [F.key(3), F.key(404), F.key(1), F.key(2), F.key(1)])
            #expect(
                inOrder == [
                    outcomes[F.key(3)], nil, outcomes[F.key(1)], outcomes[F.key(2)], outcomes[F.key(1)],
                ])

            // More keys than one statement's list takes (SQLite binds at most 500 per statement).
            let many = (10..<1_210).map { F.command($0) }
            _ = try await store.plan(many, now: F.t0)
            let manyOutcomes = try await store.recordedOutcomes(keys: many.map(\.key) + [F.key(404)])
            #expect(manyOutcomes.count == many.count)
            #expect(manyOutcomes.values.allSatisfy { $0.state == .planned && $0.envelope == nil })
            let asked = [F.key(9_999)] + many.map(\.key).reversed()
            let manyInOrder = try await store.recordedOutcomes(inOrderOf: asked)
            let answeredInOrder = manyInOrder.map { $0?.key } == [nil] + many.map(\.key).reversed()
            #expect(answeredInOrder, "\(asked.count) keys, the first absent, the rest in reverse planning order")
        }
    }

    func claimHonoursLimitAndOrder() async throws {
        try await factory.withStore { store in
            // Recorded in one order (2, 4, 1, 3, 5), planned in another (5, 3, 1, 4, 2), keys in a third.
            let recordedOrder = [2, 4, 1, 3, 5]
            for (index, number) in recordedOrder.enumerated() {
                _ = try await store.plan([F.command(number)], now: F.at(seconds: recordedOrder.count - index))
            }
            let now = F.at(seconds: 100)
            let first = try await store.claim(owner: "A", limit: 2, leaseDuration: Self.lease, now: now)
            #expect(first.map(\.key) == [F.key(5), F.key(3)])
            for entry in first {
                #expect(entry.lease?.owner == "A" && entry.lease?.expiresAt == F.at(seconds: 130))
                #expect(try await store.entry(entry.key) == entry)
            }
            let versions = Set(first.compactMap(\.lease?.version))
            #expect(versions.count == 1)

            let rest = try await store.claim(owner: "B", limit: 10, leaseDuration: Self.lease, now: now)
            #expect(rest.map(\.key) == [1, 4, 2].map(F.key))
            #expect(rest.allSatisfy { $0.lease?.owner == "B" && $0.state == .planned })
            #expect(try await store.claim(owner: "C", limit: 10, leaseDuration: Self.lease, now: now).isEmpty)
            #expect(try await store.claim(owner: "A", limit: 0, leaseDuration: Self.lease, now: now).isEmpty)
        }
    }

    func claimsAreExclusiveUntilExpiry() async throws {
        try await factory.withStore { store in
            let keys = [1, 2, 3].map(F.key)
            _ = try await store.plan([1, 2, 3].map { F.command($0) }, now: F.t0)
            let held = try await store.claim(owner: "A", limit: 10, leaseDuration: Self.lease, now: F.t0)
            #expect(held.map(\.key).sorted() == keys)

            let early = F.at(29_999)
            #expect(try await store.claim(owner: "B", limit: 10, leaseDuration: Self.lease, now: early).isEmpty)
            #expect(try await store.claim(key: keys[0], owner: "B", leaseDuration: Self.lease, now: early) == nil)

            let late = F.at(30_001)
            let taken = try await store.claim(owner: "B", limit: 10, leaseDuration: Self.lease, now: late)
            #expect(taken.map(\.key).sorted() == keys)
            for entry in taken {
                let before = try #require(held.first { $0.key == entry.key }?.lease)
                let after = try #require(entry.lease)
                #expect(after.owner == "B" && after.version > before.version)
                #expect(after.expiresAt == F.at(60_001))
            }
        }
    }

    func staleOwnerIsFenced() async throws {
        try await factory.withStore { store in
            let key = F.key(1)
            _ = try await store.plan([F.command(1)], now: F.t0)
            let held = try #require(try await store.claim(key: key, owner: "A", leaseDuration: Self.lease, now: F.t0))
            let stale = try #require(held.lease)
            let taken = try #require(
                try await store.claim(key: key, owner: "B", leaseDuration: Self.lease, now: F.at(seconds: 31)))
            let current = try #require(taken.lease)
            #expect(current.owner == "B" && current.version > stale.version)

            var late = LedgerUpdate(state: .submitted)
            late.addAttempts = 1
            late.provider = "kling"
            late.providerTaskID = "task-from-A"
            let error = await #expect(throws: LedgerError.self) {
                try await store.update(key, lease: stale, late, now: F.at(seconds: 32))
            }
            #expect(error?.code == .leaseLost)
            // The right owner with a wrong version is refused too.
            let forged = Lease(owner: "B", expiresAt: current.expiresAt, version: stale.version)
            let forgedError = await #expect(throws: LedgerError.self) {
                try await store.update(key, lease: forged, late, now: F.at(seconds: 32))
            }
            #expect(forgedError?.code == .leaseLost)
            #expect(try await store.entry(key) == taken)

            // The stale owner can neither release nor renew the new claim.
            try await store.release(key, lease: stale, notBefore: F.at(seconds: 999))
            #expect(try await store.entry(key) == taken)
            let renewed = try await store.renew(
                keys: [key], owner: "A", leaseDuration: Self.lease, now: F.at(seconds: 33))
            #expect(renewed.isEmpty)
            #expect(try await store.entry(key) == taken)

            let updated = try await store.update(key, lease: current, late, now: F.at(seconds: 34))
            #expect(updated.state == .submitted && updated.providerTaskID == "task-from-A" && updated.attempts == 1)
            #expect(updated.lease == current)
        }
    }

    func ownExpiredLeaseKeepsItsVersion() async throws {
        try await factory.withStore { store in
            let key = F.key(1)
            _ = try await store.plan([F.command(1)], now: F.t0)
            let held = try #require(try await store.claim(owner: "A", limit: 1, leaseDuration: Self.lease, now: F.t0).first)
            let running = try #require(held.lease)
            // A's renewal came late: its lease expired and A's own batch claim picked the entry up again.
            let again = try #require(
                try await store.claim(owner: "A", limit: 1, leaseDuration: Self.lease, now: F.at(seconds: 31)).first)
            let extended = try #require(again.lease)
            #expect(again.key == key)
            #expect(extended.owner == "A" && extended.version == running.version)
            #expect(extended.expiresAt == F.at(seconds: 61))
            // The write of the command A is still running lands.
            let updated = try await store.update(key, lease: running, LedgerUpdate(state: .submitting), now: F.at(seconds: 32))
            #expect(updated.state == .submitting)
            // Another owner taking the expired lease over still fences A off.
            let taken = try #require(
                try await store.claim(owner: "B", limit: 1, leaseDuration: Self.lease, now: F.at(seconds: 62)).first)
            #expect(try #require(taken.lease).version > running.version)
            let error = await #expect(throws: LedgerError.self) {
                try await store.update(key, lease: running, LedgerUpdate(state: .submitted), now: F.at(seconds: 63))
            }
            #expect(error?.code == .leaseLost)
        }
    }

    func claimByKeyReclaimsOwnLease() async throws {
        try await factory.withStore { store in
            let key = F.key(1)
            _ = try await store.plan([F.command(1)], now: F.t0)
            let first = try #require(try await store.claim(key: key, owner: "A", leaseDuration: Self.lease, now: F.t0))
            let again = try #require(
                try await store.claim(key: key, owner: "A", leaseDuration: .seconds(60), now: F.at(seconds: 10)))
            let lease = try #require(again.lease)
            #expect(lease.owner == "A" && lease.expiresAt == F.at(seconds: 70))
            #expect(lease.version >= (first.lease?.version ?? .max))
            #expect(
                try await store.claim(key: key, owner: "B", leaseDuration: Self.lease, now: F.at(seconds: 20)) == nil)
            #expect(
                try await store.claim(key: F.key(404), owner: "A", leaseDuration: Self.lease, now: F.t0) == nil)
            let updated = try await store.update(
                key, lease: lease, LedgerUpdate(state: .submitting), now: F.at(seconds: 21))
            #expect(updated.state == .submitting && updated.lease == lease)
        }
    }

    func releaseAndNotBeforeAreRespected() async throws {
        try await factory.withStore { store in
            let key = F.key(1)
            _ = try await store.plan([F.command(1)], now: F.t0)
            let held = try #require(try await store.claim(key: key, owner: "A", leaseDuration: Self.lease, now: F.t0))
            let first = try #require(held.lease)
            try await store.release(key, lease: first, notBefore: F.at(seconds: 60))
            let released = try #require(try await store.entry(key))
            #expect(released.lease == nil && released.notBefore == F.at(seconds: 60) && released.state == .planned)

            let early = F.at(59_999)
            #expect(try await store.claim(owner: "B", limit: 10, leaseDuration: Self.lease, now: early).isEmpty)
            #expect(try await store.claim(key: key, owner: "B", leaseDuration: Self.lease, now: early) == nil)
            let retaken = try await store.claim(owner: "B", limit: 10, leaseDuration: Self.lease, now: F.at(60_000))
            #expect(retaken.map(\.key) == [key])
            let second = try #require(retaken.first?.lease)
            #expect(second.owner == "B" && second.version > first.version)

            // An update may defer and release in one step; the entry waits for its notBefore.
            var deferral = LedgerUpdate(state: .deferred)
            deferral.notBefore = F.at(seconds: 200)
            deferral.release = true
            let deferred = try await store.update(key, lease: second, deferral, now: F.at(seconds: 61))
            #expect(deferred.state == .deferred && deferred.lease == nil && deferred.notBefore == F.at(seconds: 200))
            #expect(
                try await store.claim(owner: "C", limit: 10, leaseDuration: Self.lease, now: F.at(199_999)).isEmpty)
            let resumed = try await store.claim(owner: "C", limit: 10, leaseDuration: Self.lease, now: F.at(200_000))
            let third = try #require(resumed.first?.lease)
            #expect(resumed.map(\.key) == [key] && third.version > second.version)

            // notBefore is always replaced: nil clears it; without `release` the lease stays.
            let cleared = try await store.update(
                key, lease: third, LedgerUpdate(state: .planned), now: F.at(seconds: 201))
            #expect(cleared.notBefore == nil && cleared.lease == third && cleared.state == .planned)
        }
    }

    func renewExtendsOnlyOwnLeases() async throws {
        try await factory.withStore { store in
            let keys = [1, 2, 3].map(F.key)
            _ = try await store.plan([1, 2, 3].map { F.command($0) }, now: F.t0)
            var leases: [Lease] = []
            for (index, key) in keys.enumerated() {
                let owner = index < 2 ? "A" : "B"
                let entry = try await store.claim(key: key, owner: owner, leaseDuration: Self.lease, now: F.t0)
                leases.append(try #require(entry?.lease))
            }
            let renewed = try await store.renew(
                keys: keys + [F.key(404)], owner: "A", leaseDuration: Self.lease, now: F.at(seconds: 20))
            #expect(renewed == Set(keys[0...1]))
            for index in 0...1 {
                let lease = try #require(try await store.entry(keys[index])?.lease)
                #expect(lease == Lease(owner: "A", expiresAt: F.at(seconds: 50), version: leases[index].version))
            }
            #expect(try await store.entry(keys[2])?.lease == leases[2])

            // The renewed leases still hold after the original expiry; B's did not get renewed.
            let later = F.at(seconds: 40)
            let taken = try await store.claim(owner: "C", limit: 10, leaseDuration: Self.lease, now: later)
            #expect(taken.map(\.key) == [keys[2]])
            #expect(try await store.renew(keys: [], owner: "A", leaseDuration: Self.lease, now: later).isEmpty)
            #expect(try await store.renew(keys: [keys[0]], owner: "B", leaseDuration: Self.lease, now: later).isEmpty)
        }
    }

    func finishedStatesAreNeverClaimed() async throws {
        try await factory.withStore { store in
            let farFuture = F.at(seconds: 10_000_000)
            let finished: [LedgerState] = [.published, .failed, .resolved]
            for (index, state) in finished.enumerated() {
                let key = F.key(index + 1)
                _ = try await store.plan([F.command(index + 1)], now: F.t0)
                let held = try await store.claim(key: key, owner: "A", leaseDuration: Self.lease, now: F.t0)
                let lease = try #require(held?.lease)
                var update = LedgerUpdate(state: state)
                if state == .resolved { update.resolvedTo = F.key(100) }
                if state == .failed { update.failureReason = "provider-rejected" }
                let after = try await store.update(key, lease: lease, update, now: F.at(seconds: 1))
                #expect(after.state == state && after.lease == nil)
                #expect(try await store.claim(key: key, owner: "B", leaseDuration: Self.lease, now: farFuture) == nil)
                let error = await #expect(throws: LedgerError.self) {
                    try await store.update(key, lease: lease, LedgerUpdate(state: .planned), now: F.at(seconds: 2))
                }
                #expect(error?.code == .leaseLost)
            }
            #expect(try await store.claim(owner: "B", limit: 10, leaseDuration: Self.lease, now: farFuture).isEmpty)
            #expect(try await store.unfinishedCount() == 0)
        }
    }

    // MARK: Updates and queries

    func updateRoundTripsEveryField() async throws {
        try await factory.withStore { store in
            let command = F.command(1, kind: .video, role: "promo-video", revision: 3)
            let key = command.key
            _ = try await store.plan([command], now: F.t0)
            let held = try await store.claim(key: key, owner: "A", leaseDuration: Self.lease, now: F.t0)
            let lease = try #require(held?.lease)

            var update = LedgerUpdate(state: .publishing)
            update.addAttempts = 2
            update.provider = "kling"
            update.providerTaskID = "task-42"
            update.progress = [0, 1, 2, 0, 255]
            update.stored = StoredResult(
                url: "https://cdn.example.com/assets/a.mp4", objectKey: "assets/a.mp4",
                sha256: String(repeating: "ab", count: 32), bytes: 5_000_000_000, contentType: "video/mp4")
            update.costCNY = Decimal(string: "0.14")
            update.envelope = LedgerEnvelope(
                topic: "asset.ready", eventID: "event-1", key: Array("SKU-1".utf8), value: [0x7B, 0x00, 0xFF, 0x7D])
            update.failureReason = "provider-timeout"
            update.failureMessage = "retried 3 times — 超时"
            update.resolvedTo = F.key(7)
            update.notBefore = F.at(5_123)
            let after = try await store.update(key, lease: lease, update, now: F.at(1_234))

            #expect(after.command == command)
            #expect(after.state == .publishing && after.attempts == 2)
            #expect(after.provider == "kling" && after.providerTaskID == "task-42")
            #expect(after.progress == [0, 1, 2, 0, 255])
            #expect(after.stored == update.stored)
            #expect(after.costCNY == Decimal(string: "0.14"))
            #expect(after.costCNY.map { "\($0)" } == "0.14")
            #expect(after.envelope == update.envelope)
            #expect(after.failureReason == "provider-timeout" && after.failureMessage == "retried 3 times — 超时")
            #expect(after.resolvedTo == F.key(7))
            #expect(after.notBefore == F.at(5_123))
            #expect(after.lease == lease)
            #expect(after.plannedAt == F.t0 && after.updatedAt == F.at(1_234))
            #expect(try await store.entry(key) == after)

            // nil members leave fields as they are; attempts add up; notBefore nil clears.
            var next = LedgerUpdate(state: .publishing)
            next.addAttempts = 1
            let kept = try await store.update(key, lease: lease, next, now: F.at(2_000))
            var expected = after
            expected.attempts = 3
            expected.notBefore = nil
            expected.updatedAt = F.at(2_000)
            #expect(kept == expected)

            // An empty progress record stays empty (not nil); other costs stay exact.
            var emptyProgress = LedgerUpdate(state: .publishing)
            emptyProgress.progress = []
            emptyProgress.costCNY = Decimal(string: "12345.6789")
            let emptied = try await store.update(key, lease: lease, emptyProgress, now: F.at(3_000))
            #expect(emptied.progress == [])
            #expect(emptied.costCNY == Decimal(string: "12345.6789"))
            #expect(try await store.entry(key) == emptied)
        }
    }

    func updateOfUnknownKeyIsNotFound() async throws {
        try await factory.withStore { store in
            let lease = Lease(owner: "A", expiresAt: F.at(seconds: 30), version: 1)
            let error = await #expect(throws: LedgerError.self) {
                try await store.update(F.key(404), lease: lease, LedgerUpdate(state: .submitting), now: F.t0)
            }
            #expect(error?.code == .notFound)
        }
    }

    func latestPicksHighestRevisionThenLatestPlanned() async throws {
        try await factory.withStore { store in
            let role = "scene-image"
            let commands = [
                F.command(1, sku: "S", role: role, revision: 1),
                F.command(2, sku: "S", role: role, revision: 3),
                F.command(3, sku: "S", role: role, revision: 3),
                F.command(4, sku: "S", role: role, revision: 2),
                F.command(5, sku: "S", role: "promo-video", revision: 9),
                F.command(6, sku: "T", role: role, revision: 9),
                F.command(7, sku: "S", role: nil, revision: 99),
            ]
            for (second, command) in commands.enumerated() {
                _ = try await store.plan([command], now: F.at(seconds: second))
            }
            let latest = try #require(try await store.latest(sku: "S", role: role))
            #expect(latest.key == F.key(3))
            #expect(try await store.entry(F.key(3)) == latest)
            #expect(try await store.latest(sku: "T", role: role)?.key == F.key(6))
            #expect(try await store.latest(sku: "S", role: "promo-video")?.key == F.key(5))
            #expect(try await store.latest(sku: "U", role: role) == nil)
        }
    }

    func countsByStateAndUnfinished() async throws {
        try await factory.withStore { store in
            #expect(try await store.unfinishedCount() == 0)
            #expect(try await store.countsByState().values.reduce(0, +) == 0)

            _ = try await store.plan((1...6).map { F.command($0) }, now: F.t0)
            let targets: [(Int, LedgerState)] = [(1, .published), (2, .failed), (3, .submitted), (4, .resolved)]
            for (number, state) in targets {
                let held = try await store.claim(key: F.key(number), owner: "A", leaseDuration: Self.lease, now: F.t0)
                let lease = try #require(held?.lease)
                _ = try await store.update(F.key(number), lease: lease, LedgerUpdate(state: state), now: F.t0)
            }
            let counts = try await store.countsByState()
            #expect(counts[.planned, default: 0] == 2)
            for (_, state) in targets {
                #expect(counts[state, default: 0] == 1, "\(state)")
            }
            #expect(counts.values.reduce(0, +) == 6)
            #expect(try await store.unfinishedCount() == 3)
        }
    }

    // MARK: Restarts and several processes

    func entriesSurviveReopen() async throws {
        let command = F.command(1)
        let stored = try await factory.withStore { store in
            _ = try await store.plan([command, F.command(2)], now: F.t0)
            let held = try await store.claim(key: command.key, owner: "A", leaseDuration: Self.lease, now: F.t0)
            var update = LedgerUpdate(state: .stored)
            update.addAttempts = 1
            update.provider = "dashscope"
            update.providerTaskID = "task-1"
            update.progress = [1, 2, 3]
            update.costCNY = Decimal(string: "0.14")
            update.stored = StoredResult(
                url: "https://cdn.example.com/a.png", objectKey: "a.png", sha256: String(repeating: "0", count: 64),
                bytes: 1234, contentType: "image/png")
            return try await store.update(
                command.key, lease: try #require(held?.lease), update, now: F.at(seconds: 5))
        }
        try await factory.withStore { store in
            #expect(try await store.entry(command.key) == stored)
            let replay = try await store.plan([command], now: F.at(seconds: 10))
            #expect(replay == [PlanOutcome(entry: stored, created: false)])
            #expect(try await store.countsByState()[.stored, default: 0] == 1)
            #expect(try await store.unfinishedCount() == 2)
            // The dead process's lease lapses and the restarted one takes over.
            let retaken = try await store.claim(
                key: command.key, owner: "restarted", leaseDuration: Self.lease, now: F.at(seconds: 31))
            let lease = try #require(retaken?.lease)
            #expect(lease.owner == "restarted" && lease.version > (stored.lease?.version ?? .max))
            try await store.checkWritable()
        }
    }

    func twoStoresPlanEachKeyOnce() async throws {
        try await withTwoStores { first, second in
            let commands = (1...60).map { F.command($0) }
            async let fromFirst = first.plan(commands, now: F.t0)
            async let fromSecond = second.plan(commands, now: F.t0)
            let (one, two) = try await (fromFirst, fromSecond)
            try #require(one.count == commands.count && two.count == commands.count)
            for index in commands.indices {
                #expect(one[index].created != two[index].created, "\(commands[index].key)")
                #expect(one[index].entry.command == commands[index] && two[index].entry.command == commands[index])
            }
            // Single commands, planned from both at once, one key at a time.
            for number in 100..<120 {
                async let a = first.plan([F.command(number)], now: F.t0)
                async let b = second.plan([F.command(number)], now: F.t0)
                let (planA, planB) = try await (a, b)
                #expect(planA.map(\.created) != planB.map(\.created))
            }
        }
    }

    func twoStoresNeverClaimTheSameEntry() async throws {
        try await withTwoStores { first, second in
            let count = 120
            _ = try await first.plan((1...count).map { F.command($0) }, now: F.t0)
            let now = F.at(seconds: 1)
            @Sendable func drain(_ store: any LedgerStore, owner: String) async throws -> [LedgerEntry] {
                var claimed: [LedgerEntry] = []
                while true {
                    let batch = try await store.claim(owner: owner, limit: 7, leaseDuration: .seconds(300), now: now)
                    if batch.isEmpty { return claimed }
                    claimed += batch
                }
            }
            async let byA = drain(first, owner: "A")
            async let byB = drain(second, owner: "B")
            let (a, b) = try await (byA, byB)
            let keysA = Set(a.map(\.key))
            let keysB = Set(b.map(\.key))
            #expect(keysA.count == a.count && keysB.count == b.count)
            #expect(keysA.isDisjoint(with: keysB))
            #expect(keysA.union(keysB) == Set((1...count).map(F.key)))
            for entry in a + b {
                let stored = try await first.entry(entry.key)
                #expect(stored?.lease == entry.lease)
            }

            // Racing for single keys: exactly one store gets each.
            _ = try await first.plan((1001...1040).map { F.command($0) }, now: F.t0)
            for number in 1001...1040 {
                let key = F.key(number)
                async let fromA = first.claim(key: key, owner: "A", leaseDuration: Self.lease, now: now)
                async let fromB = second.claim(key: key, owner: "B", leaseDuration: Self.lease, now: now)
                let (claimA, claimB) = try await (fromA, fromB)
                #expect((claimA == nil) != (claimB == nil), "\(key)")
            }
        }
    }

    func closedStoreIsUnavailable() async throws {
        let store = try await factory.open()
        _ = try await store.plan([F.command(1)], now: F.t0)
        await store.close()
        let error = await #expect(throws: LedgerError.self) { try await store.entry(F.key(1)) }
        #expect(error?.code == .unavailable)
        await store.close()
    }

    /// Runs `body` with two stores open on the same storage at once, as two processes would.
    private func withTwoStores(_ body: (any LedgerStore, any LedgerStore) async throws -> Void) async throws {
        try await factory.withStore { first in
            try await factory.withStore { second in
                try await body(first, second)
            }
        }
    }
}
