import struct Foundation.Date

/// An RFC 3339 timestamp as the contract writes it: `2025-06-02T09:15:00Z`, `2025-06-02T11:02:00-03:00`,
/// `2025-06-02T09:16:30.250Z` (uppercase `T` and `Z`, a mandatory offset, any number of fraction digits,
/// 20 to 64 characters).
///
/// Keeps the text it was read from, so an event re-encodes as it arrived; ``date`` gives the instant. Equality
/// compares the text (`…Z` and `…+00:00` differ); compare ``date`` for the instant.
public struct Timestamp: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The timestamp's text.
    public let rfc3339: String

    /// Reads a timestamp; nil unless `text` is in the contract's RFC 3339 profile.
    ///
    /// Like the schema's pattern, this checks each field's range, not the calendar: `2025-02-30T00:00:00Z` is
    /// accepted (and its ``date`` is 2 March).
    public init?(rfc3339 text: String) {
        guard (20...64).contains(text.utf8.count), Syntax.isTimestamp(text) else { return nil }
        self.rfc3339 = text
    }

    /// The instant `date` in UTC, to the millisecond: `2025-06-02T09:15:00Z`, or `2025-06-02T09:15:00.250Z`
    /// when there are milliseconds. Dates outside the years 0000 to 9999 are clamped to them.
    public init(_ date: Date) {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down).clamped(to: Self.representable))
        let (seconds, millisecond) = milliseconds.floorDivided(by: 1000)
        let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
        let (year, month, day) = CivilDate.from(daysSinceEpoch: days)
        var text = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))T"
        text +=
            "\(Self.pad(secondOfDay / 3600, 2)):\(Self.pad(secondOfDay / 60 % 60, 2)):\(Self.pad(secondOfDay % 60, 2))"
        if millisecond != 0 { text += ".\(Self.pad(millisecond, 3))" }
        self.rfc3339 = text + "Z"
    }

    /// The instant, to the precision a `Date` holds. A leap second (`:60`) counts as the next second's start.
    public var date: Date {
        let utf8 = Array(rfc3339.utf8)
        func number(_ range: Range<Int>) -> Int64 {
            range.reduce(0) { $0 * 10 + Int64(utf8[$1] - UInt8(ascii: "0")) }
        }
        let days = CivilDate.daysSinceEpoch(year: number(0..<4), month: number(5..<7), day: number(8..<10))
        var seconds = Double(days * 86_400 + number(11..<13) * 3600 + number(14..<16) * 60 + number(17..<19))
        var index = 19
        if utf8[index] == UInt8(ascii: ".") {
            // Up to 15 fraction digits count (a Date holds less); the rest are skipped.
            var fraction: Int64 = 0
            var scale = 1.0
            index += 1
            while utf8[index] >= UInt8(ascii: "0") && utf8[index] <= UInt8(ascii: "9") {
                if scale < 1e15 {
                    fraction = fraction * 10 + Int64(utf8[index] - UInt8(ascii: "0"))
                    scale *= 10
                }
                index += 1
            }
            seconds += Double(fraction) / scale
        }
        if utf8[index] != UInt8(ascii: "Z") {
            let offset = Double(number(index + 1..<index + 3) * 3600 + number(index + 4..<index + 6) * 60)
            seconds += utf8[index] == UInt8(ascii: "+") ? -offset : offset
        }
        return Date(timeIntervalSince1970: seconds)
    }

    public var description: String { rfc3339 }

    /// Decodes the string form; fails unless it is in the contract's RFC 3339 profile.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let timestamp = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(Quoted(text)) is not an RFC 3339 timestamp with an offset")
        }
        self = timestamp
    }

    /// Encodes the string form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }

    /// Milliseconds since 1970 of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
    private static let representable: ClosedRange<Double> = -62_167_219_200_000...253_402_300_799_999

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (Howard Hinnant's civil date algorithms).
private enum CivilDate {
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear.floorDivided(by: 400).quotient
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func from(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Double {
    fileprivate func clamped(to range: ClosedRange<Double>) -> Double {
        isNaN ? 0 : Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, with a non-negative remainder.
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
