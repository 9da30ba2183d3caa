import Foundation
import Ledger
import Testing

@Suite("Ledger states")
struct LedgerStateTests {
    @Test func onlyPublishedFailedAndResolvedAreFinal() {
        #expect(LedgerState.allCases.filter(\.isFinished) == [.published, .failed, .resolved])
        #expect(LedgerState.unfinished.first == .planned && !LedgerState.unfinished.contains(.published))
    }
}

@Suite("Ledger entries as values")
struct LedgerEntryValueTests {
    @Test("an entry behind its shared storage keeps value semantics: a changed copy leaves the original as it was")
    func copiesAreIndependent() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let original = LedgerEntry(
            command: LedgerFixtures.command(1), progress: Array("{}".utf8), plannedAt: now, updatedAt: now)
        var copy = original
        #expect(copy == original)
        #expect(copy.hashValue == original.hashValue)
        copy.state = .submitted
        copy.attempts = 2
        copy.providerTaskID = "task-1"
        copy.lease = Lease(owner: "worker-a", expiresAt: now, version: 3)
        #expect(original.state == .planned && original.attempts == 0)
        #expect(original.providerTaskID == nil && original.lease == nil)
        #expect(copy.state == .submitted && copy.attempts == 2 && copy.providerTaskID == "task-1")
        #expect(copy.lease?.version == 3)
        #expect(copy != original)
        #expect(copy.key == original.key && copy.key == LedgerFixtures.key(1))

        // Equal fields make equal entries, however they were built.
        var rebuilt = LedgerEntry(
            command: LedgerFixtures.command(1), progress: Array("{}".utf8), plannedAt: now, updatedAt: now)
        #expect(rebuilt == original)
        rebuilt.updatedAt = now.addingTimeInterval(1)
        #expect(rebuilt != original)
    }
}
