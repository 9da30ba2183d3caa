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

    /// An amount of CNY: digits with up to two decimals.
    static func yuan(_ text: String) throws(InvalidValue) -> Decimal? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            (1...2).contains(parts.count) && !parts[0].isEmpty && parts[0].allSatisfy { $0.isASCII && $0.isNumber }
            && (parts.count == 1
                || ((1...2).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && $0.isNumber }))
        guard valid, let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw InvalidValue(
                "is not an amount in CNY; must be a non-negative number with at most 2 decimals, e.g. 200 or 49.50")
        }
        return value
    }
}
