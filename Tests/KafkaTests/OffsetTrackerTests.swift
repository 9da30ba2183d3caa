import Testing
@testable import Kafka

@Suite("OffsetTracker: only the contiguous done prefix is committable")
struct OffsetTrackerTests {
    /// Delivers `offsets` to a fresh tracker.
    private func tracker(delivering offsets: [Int64]) -> OffsetTracker {
        var tracker = OffsetTracker()
        for offset in offsets { tracker.delivered(offset) }
        return tracker
    }

    @Test func inOrderDoneAdvancesOneByOne() {
        var tracker = tracker(delivering: [0, 1, 2, 3, 4])
        #expect(tracker.pendingCommit == nil)
        let first = tracker.markDone(0)
        #expect(first)
        #expect(tracker.pendingCommit == 1)
        let second = tracker.markDone(1)
        #expect(second)
        #expect(tracker.pendingCommit == 2)
        #expect(tracker.outstandingCount == 3)
    }

    @Test func doneAheadOfAnUnfinishedOffsetIsNotCommittable() {
        var tracker = tracker(delivering: Array(0...10))
        for offset: Int64 in 0...6 { tracker.markDone(offset) }
        #expect(tracker.pendingCommit == 7)
        // 10, 9 and 8 finish before 7: the commit must stay at 7.
        let accepted = [tracker.markDone(10), tracker.markDone(9), tracker.markDone(8)]
        #expect(accepted == [true, true, true])
        #expect(tracker.pendingCommit == 7)
        let seven = tracker.markDone(7)
        #expect(seven)
        #expect(tracker.pendingCommit == 11)
        #expect(tracker.outstandingCount == 0)
    }

    @Test func gapsInOffsetsAreFollowed() {
        var tracker = tracker(delivering: [3, 4, 9, 20])
        tracker.markDone(9)
        #expect(tracker.pendingCommit == nil)
        tracker.markDone(3)
        #expect(tracker.pendingCommit == 4)
        tracker.markDone(4)
        #expect(tracker.pendingCommit == 10, "4 and the already done 9 form the prefix; commit is one past 9")
        tracker.markDone(20)
        #expect(tracker.pendingCommit == 21)
    }

    @Test func unknownDuplicateAndOutOfOrderMarksAreRefused() {
        var tracker = tracker(delivering: [5, 6])
        let results = [
            tracker.markDone(4),  // never delivered
            tracker.markDone(7),  // never delivered
            tracker.markDone(6),  // accepted
            tracker.markDone(6),  // already done
            tracker.delivered(6),  // deliveries only move forward
        ]
        #expect(results == [false, false, true, false, false])
        #expect(tracker.pendingCommit == nil)
        let five = [tracker.markDone(5), tracker.markDone(5)]
        #expect(five == [true, false])
        #expect(tracker.pendingCommit == 7)
    }

    @Test func committedPositionIsNotPendingAgain() throws {
        var tracker = tracker(delivering: [0])
        tracker.markDone(0)
        let offset = try #require(tracker.pendingCommit)
        tracker.markCommitted(offset)
        #expect(tracker.pendingCommit == nil)
        tracker.delivered(1)
        tracker.markDone(1)
        #expect(tracker.pendingCommit == 2)
    }
}
