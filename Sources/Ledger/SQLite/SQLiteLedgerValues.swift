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
    /// Milliseconds since 1970 of `date`, rounded to the nearest millisecond (see ``LedgerMilliseconds``).
    static func milliseconds(_ date: Date) -> Int {
        LedgerMilliseconds.of(date)
    }

    /// The date `milliseconds` after 1970.
    static func date(milliseconds: Int) -> Date {
        LedgerMilliseconds.date(milliseconds)
    }

    /// Whole milliseconds in `duration` (truncated; negative durations are negative).
    static func milliseconds(_ duration: Duration) -> Int {
        LedgerMilliseconds.of(duration)
    }

    /// `now + duration` in milliseconds.
    static func milliseconds(_ now: Date, plus duration: Duration) -> Int {
        LedgerMilliseconds.of(now, plus: duration)
    }

    private static let hexadecimalDigits = Array("0123456789abcdef".utf8)

    /// `strings` as a JSON array of strings (for `json_each`): `"` and `\` escaped, control characters as `\u00XX`,
    /// everything else as its UTF-8.
    static func jsonArray(_ strings: [String]) -> String {
        var json: [UInt8] = [UInt8(ascii: "[")]
        json.reserveCapacity(strings.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, string) in strings.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "\""))
            var string = string
            string.withUTF8 { utf8 in
                // The common case (hexadecimal keys): nothing to escape, appended whole.
                guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
                else { return json.append(contentsOf: utf8) }
                for byte in utf8 {
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                        json.append(UInt8(ascii: "\\"))
                        json.append(byte)
                    case 0..<0x20:
                        json.append(contentsOf: Array("\\u00".utf8))
                        json.append(hexadecimalDigits[Int(byte >> 4)])
                        json.append(hexadecimalDigits[Int(byte & 0x0F)])
                    default:
                        json.append(byte)
                    }
                }
            }
            json.append(UInt8(ascii: "\""))
        }
        json.append(UInt8(ascii: "]"))
        return String(decoding: json, as: UTF8.self)
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
