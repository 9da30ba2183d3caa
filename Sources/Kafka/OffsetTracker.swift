import DequeModule

/// Tracks one partition's delivered and done offsets, and yields the offset that may be committed:
/// one past the longest contiguous prefix of done deliveries.
///
/// Deliveries arrive in increasing offset order (offsets may have gaps: compaction, transaction
/// markers). Done-marks arrive in any order. Marking offset 10 done never makes an unfinished 7 committable.
struct OffsetTracker: Sendable {
    /// Delivered offsets not yet part of the done prefix, in increasing order.
    private var outstanding: Deque<Int64> = []
    /// Done offsets that are not yet at the head of `outstanding`.
    private var doneAhead: Set<Int64> = []
    /// The offset to commit (next to read), when some prefix is done.
    private(set) var committable: Int64?
    /// The last offset handed to a commit.
    private(set) var committed: Int64?

    /// Records that `offset` was handed to the application. Returns false for an out-of-order offset.
    @discardableResult
    mutating func delivered(_ offset: Int64) -> Bool {
        if let last = outstanding.last, offset <= last { return false }
        if let committable, offset < committable { return false }
        outstanding.append(offset)
        return true
    }

    /// Marks a delivered offset done. Returns false when it was never delivered or is already done.
    @discardableResult
    mutating func markDone(_ offset: Int64) -> Bool {
        guard let head = outstanding.first else { return false }
        if offset == head {
            outstanding.removeFirst()
            var next = offset + 1
            while !doneAhead.isEmpty, let first = outstanding.first, doneAhead.remove(first) != nil {
                outstanding.removeFirst()
                next = first + 1
            }
            committable = next
            return true
        }
        guard offset > head, contains(offset), !doneAhead.contains(offset) else { return false }
        doneAhead.insert(offset)
        return true
    }

    /// The offset to commit if it moved since the last ``markCommitted(_:)``.
    var pendingCommit: Int64? {
        guard let committable, committable != committed else { return nil }
        return committable
    }

    /// Notes that `offset` was handed to a commit.
    mutating func markCommitted(_ offset: Int64) {
        committed = offset
    }

    /// How many delivered offsets are not yet in the done prefix.
    var outstandingCount: Int { outstanding.count }

    private func contains(_ offset: Int64) -> Bool {
        var low = outstanding.startIndex
        var high = outstanding.endIndex
        while low < high {
            let mid = (low + high) / 2
            if outstanding[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low < outstanding.endIndex && outstanding[low] == offset
    }
}
