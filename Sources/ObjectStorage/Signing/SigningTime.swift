#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A signing instant in the UTC forms the signatures use.
struct SigningTime: Sendable, Equatable {
    /// Whole seconds since 1970-01-01 UTC.
    let epochSeconds: Int
    /// `YYYYMMDD`.
    let date: String
    /// `YYYYMMDD'T'HHMMSS'Z'`.
    let timestamp: String
    /// RFC 1123, e.g. `Wed, 28 Dec 2022 10:27:41 GMT`.
    let httpDate: String

    init(epochSeconds: Int) {
        self.epochSeconds = epochSeconds
        var seconds = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let day = pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2)
        self.date = day
        self.timestamp = day + "T" + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        self.httpDate =
            "\(weekdays[Int(parts.tm_wday)]), \(pad(parts.tm_mday, 2)) \(months[Int(parts.tm_mon)]) "
            + "\(pad(parts.tm_year + 1900, 4)) \(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)) GMT"
    }

    /// The current time.
    static func now() -> SigningTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return SigningTime(epochSeconds: Int(spec.tv_sec))
    }
}
