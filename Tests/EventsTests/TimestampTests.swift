import Events
import Foundation
import Testing

@Suite("Timestamps")
struct TimestampTests {
    @Test func formatsUTCWithMillisecondsWhenPresent() {
        #expect(Timestamp(Date(timeIntervalSince1970: 0)).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(Date(timeIntervalSince1970: 1_748_929_590.25)).rfc3339 == "2025-06-03T05:46:30.250Z")
        #expect(Timestamp(Date(timeIntervalSince1970: 951_782_400)).rfc3339 == "2000-02-29T00:00:00Z")
        #expect(Timestamp(Date(timeIntervalSince1970: -1)).rfc3339 == "1969-12-31T23:59:59Z")
        // Clamped to what the profile's four-digit years can say.
        #expect(Timestamp(Date(timeIntervalSince1970: 1e12)).rfc3339 == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp(Date(timeIntervalSince1970: -1e12)).rfc3339 == "0000-01-01T00:00:00Z")
        #expect(Timestamp(Date.distantFuture).rfc3339 == "4001-01-01T00:00:00Z")
    }

    @Test func readsOffsetsAndFractions() throws {
        let utc = try #require(Timestamp(rfc3339: "2025-06-02T12:02:00Z"))
        let local = try #require(Timestamp(rfc3339: "2025-06-02T09:02:00-03:00"))
        let east = try #require(Timestamp(rfc3339: "2025-06-02T20:02:00.5+08:00"))
        #expect(utc.date == local.date)
        #expect(east.date.timeIntervalSince(utc.date) == 0.5)
        #expect(utc != local, "equality compares the text")
    }

    @Test func roundTripsThroughDate() {
        for seconds in stride(from: -2_000_000_000.0, through: 4_000_000_000, by: 86_399.125) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp(date).date == date)
        }
    }

    @Test func rejectsOutsideTheProfile() {
        for text in [
            "2025-06-02T09:15:00", "2025-06-02t09:15:00Z", "2025-06-02T09:15:00z", "2025-06-02 09:15:00Z",
            "2025-13-02T09:15:00Z", "2025-06-32T09:15:00Z", "2025-06-02T24:00:00Z", "2025-06-02T09:15:61Z",
            "2025-06-02T09:15:00.Z", "2025-06-02T09:15:00+0300", "2025-06-02T09:15:00Z\n", "",
            "2025-06-02T09:15:00." + String(repeating: "1", count: 44) + "Z",
        ] {
            #expect(Timestamp(rfc3339: text) == nil, "\(text.debugDescription)")
        }
        #expect(Timestamp(rfc3339: "2025-12-31T23:59:60Z") != nil, "a leap second")
        #expect(
            Timestamp(rfc3339: "2025-06-02T09:15:00." + String(repeating: "1", count: 43) + "Z") != nil, "64 characters"
        )
    }

    @Test func codableAsAString() throws {
        let encoded = try JSONEncoder().encode([Timestamp(rfc3339: "2025-06-02T09:15:00Z")!])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["2025-06-02T09:15:00Z"]"#)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Timestamp].self, from: Data(#"["soon"]"#.utf8))
        }
    }
}
