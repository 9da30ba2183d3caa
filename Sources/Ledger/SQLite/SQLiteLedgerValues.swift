import Events
import Foundation
import SQLiteNIO

/// How ledger values are stored in SQLite columns, both ways.
///
/// - Dates: `INTEGER` milliseconds since 1970, rounded to the nearest millisecond (dates are kept to the
///   millisecond); durations are truncated to the millisecond.
/// - Byte arrays: `BLOB`. An empty array is bound as the text `''` and every byte parameter is written
///   `CAST(? AS BLOB)` in SQL, because libsqlite3 stores an empty blob bound from a `NULL` pointer as `NULL`, which
///   would turn `[]` into `nil`.
/// - `Decimal`: its `description` as `TEXT`, so `0.14` stays exactly `0.14`.
enum SQLiteLedgerValues {
    /// Milliseconds since 1970 of `date`, rounded to the nearest millisecond.
    static func milliseconds(_ date: Date) -> Int {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite else { return milliseconds > 0 ? Int.max : Int.min }
        // ±9e15 ms is ±285,000 years: far beyond any real date, well within Int and Double precision.
        return Int(min(max(milliseconds, -9e15), 9e15))
    }

    /// The date `milliseconds` after 1970.
    static func date(milliseconds: Int) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Whole milliseconds in `duration` (truncated; negative durations are negative).
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let boundedSeconds = Int(min(max(seconds, -9_000_000_000_000), 9_000_000_000_000))
        return boundedSeconds * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// `now + duration` in milliseconds.
    static func milliseconds(_ now: Date, plus duration: Duration) -> Int {
        milliseconds(now) + milliseconds(duration)
    }

    /// A text parameter, or `NULL`.
    static func text(_ value: String?) -> SQLiteData {
        value.map { .text($0) } ?? .null
    }

    /// An integer parameter, or `NULL`.
    static func integer(_ value: Int?) -> SQLiteData {
        value.map { .integer($0) } ?? .null
    }

    /// A date parameter (milliseconds), or `NULL`.
    static func date(_ value: Date?) -> SQLiteData {
        value.map { .integer(milliseconds($0)) } ?? .null
    }

    /// A byte parameter, or `NULL`; the SQL must read it as `CAST(? AS BLOB)` (see the type's documentation).
    static func bytes(_ value: [UInt8]?) -> SQLiteData {
        guard let value else { return .null }
        return value.isEmpty ? .text("") : .blob(ByteBuffer(bytes: value))
    }
}
