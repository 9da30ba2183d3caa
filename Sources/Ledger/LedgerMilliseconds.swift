import Foundation

/// How the ledger backends store times: whole milliseconds since 1970 in a 64-bit integer column.
///
/// Dates are rounded to the nearest millisecond, so a date made of whole milliseconds is kept exactly; durations are
/// truncated to the millisecond.
enum LedgerMilliseconds {
    /// Milliseconds since 1970 of `date`, rounded to the nearest millisecond.
    static func of(_ date: Date) -> Int {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite else { return milliseconds > 0 ? Int.max : Int.min }
        // ±9e15 ms is ±285,000 years: far beyond any real date, well within Int and Double precision.
        return Int(min(max(milliseconds, -9e15), 9e15))
    }

    /// The date `milliseconds` after 1970.
    static func date(_ milliseconds: Int) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Whole milliseconds in `duration` (truncated; negative durations are negative).
    static func of(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let boundedSeconds = Int(min(max(seconds, -9_000_000_000_000), 9_000_000_000_000))
        return boundedSeconds * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// `now + duration` in milliseconds.
    static func of(_ now: Date, plus duration: Duration) -> Int {
        of(now) + of(duration)
    }
}
