import Ledger
import Testing

@Suite("Ledger states")
struct LedgerStateTests {
    @Test func onlyPublishedFailedAndResolvedAreFinal() {
        #expect(LedgerState.allCases.filter(\.isFinished) == [.published, .failed, .resolved])
        #expect(LedgerState.unfinished.first == .planned && !LedgerState.unfinished.contains(.published))
    }
}
