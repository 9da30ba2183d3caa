import Foundation

/// Parsers for individual setting values. Each throws an ``InvalidValue`` that says what is allowed.
enum Parse {
    /// A whole number within `range`.
    static func integer(_ text: String, in range: ClosedRange<Int>, note: String = "") throws(InvalidValue) -> Int {
        let bounds =
            range.upperBound == Int.max
            ? "\(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"
        guard let value = Int(text) else {
            throw InvalidValue("is not a whole number; must be a whole number \(bounds)\(note)")
        }
        guard range.contains(value) else {
            throw InvalidValue("is out of range; must be \(bounds)\(note)")
        }
        return value
    }

    /// A positive whole number.
    static func positiveInteger(_ text: String) throws(InvalidValue) -> Int {
        try integer(text, in: 1...Int.max)
    }

    /// `true`/`false`/`1`/`0`/`yes`/`no`, in any case.
    static func boolean(_ text: String) throws(InvalidValue) -> Bool {
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw InvalidValue("is not a boolean; must be true, false, 1, 0, yes or no")
        }
    }

    /// One of an enumeration's raw values, in any case.
    static func choice<Choice: RawRepresentable<String> & CaseIterable>(_ text: String, of: Choice.Type)
        throws(InvalidValue)
        -> Choice
    {
        guard let value = Choice(rawValue: text.lowercased()) else {
            throw InvalidValue("must be one of " + Choice.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    /// A Kafka topic name: `[a-zA-Z0-9._-]{1,249}`, not `.` or `..`.
    static func topicName(_ text: String) throws(InvalidValue) -> String {
        let valid =
            (1...249).contains(text.count) && text != "." && text != ".."
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
        guard valid else {
            throw InvalidValue(
                "is not a valid Kafka topic name; must be 1–249 characters of a–z, A–Z, 0–9, '.', '_' and '-', "
                    + "and not '.' or '..'")
        }
        return text
    }

    /// Any text (already non-empty: empty values count as unset).
    static func text(_ text: String) throws(InvalidValue) -> String { text }

    /// A secret (already non-empty).
    static func secret(_ text: String) throws(InvalidValue) -> Secret? { Secret(text) }

    /// A URI-reference (RFC 3986): only URI characters, well-formed percent escapes.
    static func uriReference(_ text: String) throws(InvalidValue) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
        var valid = text.allSatisfy { allowed.contains($0) } && URLComponents(string: text) != nil
        var index = text.startIndex
        while valid, let percent = text[index...].firstIndex(of: "%") {
            let escape = text[text.index(after: percent)...].prefix(2)
            valid = escape.count == 2 && escape.allSatisfy(\.isHexDigit)
            index = text.index(after: percent)
        }
        guard valid else {
            throw InvalidValue(
                "is not a URI-reference; use URI characters only (no spaces), e.g. urn:assetforge or "
                    + "https://example.com/assetforge")
        }
        return text
    }

    /// A provider base URL: `http(s)://host[:port]`, no path, query or fragment.
    static func providerBaseURL(_ text: String) throws(InvalidValue) -> URL {
        try HTTPBaseURL.parse(text, allowPath: false)
    }

    /// The public base URL: `http(s)://host[:port][/path]`.
    static func publicBaseURL(_ text: String) throws(InvalidValue) -> URL? {
        try HTTPBaseURL.parse(text, allowPath: true)
    }

    /// A number written as digits with an optional fraction (`2`, `0.25`), with an optional leading `-` so that
    /// negative numbers are reported as out of range, within `range`.
    static func decimal(
        _ text: String, in range: ClosedRange<Double>, note: String = ""
    ) throws(InvalidValue) -> Double {
        let bounds = "from \(format(range.lowerBound)) to \(format(range.upperBound))"
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            (1...2).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard valid, let value = Double(text) else {
            throw InvalidValue("is not a number; must be a number \(bounds)\(note), e.g. 2 or 0.5")
        }
        guard range.contains(value) else {
            throw InvalidValue("is out of range; must be \(bounds)\(note)")
        }
        return value
    }

    /// A duration in seconds, decimals allowed: from 1 ms to a day.
    static func seconds(_ text: String) throws(InvalidValue) -> Double {
        try decimal(text, in: 0.001...86_400, note: " (seconds)")
    }

    /// A rate per second, decimals allowed: from 0.001 to 1000000.
    static func ratePerSecond(_ text: String) throws(InvalidValue) -> Double {
        try decimal(text, in: 0.001...1_000_000, note: " (per second)")
    }

    /// `value` as written in settings: whole numbers without a fraction (`2`), others as the shortest decimal
    /// that reads back the same (`0.2`).
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// An amount of CNY: digits with up to two decimals.
    static func yuan(_ text: String) throws(InvalidValue) -> Decimal? {
        try amount(text, maxDecimals: 2, examples: "200 or 49.50")
    }

    /// A price in CNY: digits with up to four decimals.
    static func price(_ text: String) throws(InvalidValue) -> Decimal? {
        try amount(text, maxDecimals: 4, examples: "0.08 or 0.0035")
    }

    /// A non-negative amount of CNY with at most `maxDecimals` decimals.
    private static func amount(_ text: String, maxDecimals: Int, examples: String) throws(InvalidValue) -> Decimal {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            (1...2).contains(parts.count) && !parts[0].isEmpty && parts[0].allSatisfy { $0.isASCII && $0.isNumber }
            && (parts.count == 1
                || ((1...maxDecimals).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && $0.isNumber }))
        guard valid, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw InvalidValue(
                "is not an amount in CNY; must be a non-negative number with at most \(maxDecimals) decimals, "
                    + "e.g. \(examples)")
        }
        return value
    }
}
