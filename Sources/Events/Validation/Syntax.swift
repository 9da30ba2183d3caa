/// Hand-written equivalents of the schemas' `pattern`s, one per pattern, without regex compilation.
///
/// Each check matches the whole string exactly as the pattern does in ECMA-262 (`^` at the start, `$` at the very
/// end, so a trailing newline never matches). The patterns use ASCII classes only; where they allow other
/// characters (a URL's path), the check looks at UTF-8 bytes, which is exact because a byte below 0x80 in UTF-8
/// is always a whole character. `SyntaxTests` compares each check with the schema's regex on many strings.
enum Syntax {
    // MARK: common.schema.json

    /// `sku` and `variant`: `^[A-Za-z0-9._-]{1,64}$`.
    static func isSKU(_ text: String) -> Bool {
        let utf8 = text.utf8
        return (1...64).contains(utf8.count) && utf8.allSatisfy(isSKUByte)
    }

    /// `httpUrl`: `^https?://[^\u0000-\u0020\u007f/?#]+([/?#][^\u0000-\u0020\u007f]*)?$`.
    ///
    /// After the scheme: a non-empty authority (no `/`, `?`, `#`), then anything, all without controls, space or
    /// DEL. Equivalently: the rest is non-empty, does not start with `/`, `?` or `#`, and has no such byte.
    static func isHTTPURL(_ text: String) -> Bool {
        var utf8 = Substring(text).utf8
        if utf8.starts(with: "https://".utf8) {
            utf8 = utf8.dropFirst(8)
        } else if utf8.starts(with: "http://".utf8) {
            utf8 = utf8.dropFirst(7)
        } else {
            return false
        }
        guard let first = utf8.first, first != UInt8(ascii: "/"), first != UInt8(ascii: "?"), first != UInt8(ascii: "#")
        else { return false }
        return utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    /// `uri`: `^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$`.
    static func isURI(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard let first = utf8.first, isLetter(first) else { return false }
        var index = 1
        while index < utf8.count,
            isLetter(utf8[index]) || isDigit(utf8[index]) || utf8[index] == UInt8(ascii: "+")
                || utf8[index] == UInt8(ascii: ".") || utf8[index] == UInt8(ascii: "-")
        {
            index += 1
        }
        guard index < utf8.count, utf8[index] == UInt8(ascii: ":") else { return false }
        let rest = utf8[(index + 1)...]
        return !rest.isEmpty && rest.allSatisfy(isPrintableASCII)
    }

    /// `bcp47`: `^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$`.
    static func isBCP47(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), (2...3).contains(parts[0].count), parts[0].allSatisfy(isLetter) else {
            return false
        }
        var next = 1
        if next < parts.count, parts[next].count == 4, parts[next].allSatisfy(isLetter) { next += 1 }
        if next < parts.count,
            (parts[next].count == 2 && parts[next].allSatisfy(isLetter))
                || (parts[next].count == 3 && parts[next].allSatisfy(isDigit))
        {
            next += 1
        }
        return next == parts.count
    }

    /// `market`: `^[A-Z]{2}$`.
    static func isMarket(_ text: String) -> Bool {
        isUppercase(text, count: 2)
    }

    /// `timestamp`: RFC 3339 with a mandatory offset, uppercase `T` and `Z`, any number of fraction digits:
    /// `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)`
    /// `(\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`.
    static func isTimestamp(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 20 else { return false }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard isDigit(utf8[index]) else { return nil }
                value = value * 10 + Int(utf8[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard digits(0..<4) != nil, utf8[4] == UInt8(ascii: "-"),
            let month = digits(5..<7), (1...12).contains(month), utf8[7] == UInt8(ascii: "-"),
            let day = digits(8..<10), (1...31).contains(day), utf8[10] == UInt8(ascii: "T"),
            let hour = digits(11..<13), hour <= 23, utf8[13] == UInt8(ascii: ":"),
            let minute = digits(14..<16), minute <= 59, utf8[16] == UInt8(ascii: ":"),
            let second = digits(17..<19), second <= 60
        else { return false }
        var index = 19
        if utf8[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < utf8.count, isDigit(utf8[index]) { index += 1 }
            guard index > fractionStart else { return false }
        }
        guard index < utf8.count else { return false }
        if utf8[index] == UInt8(ascii: "Z") { return index + 1 == utf8.count }
        guard utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-"), index + 6 == utf8.count,
            let offsetHour = digits(index + 1..<index + 3), offsetHour <= 23, utf8[index + 3] == UInt8(ascii: ":"),
            let offsetMinute = digits(index + 4..<index + 6), offsetMinute <= 59
        else { return false }
        return true
    }

    /// `sha256Hex`: `^[0-9a-f]{64}$`.
    static func isSHA256Hex(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.count == 64 && utf8.allSatisfy(isLowercaseHex)
    }

    /// `mediaType`: `^[A-Za-z0-9][A-Za-z0-9!#$^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$^_.+-]*( *;[ -~]*)?$`.
    static func isMediaType(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        var index = 0
        func token() -> Bool {
            guard index < utf8.count, isLetter(utf8[index]) || isDigit(utf8[index]) else { return false }
            index += 1
            while index < utf8.count, isMediaTypeTokenByte(utf8[index]) { index += 1 }
            return true
        }
        guard token(), index < utf8.count, utf8[index] == UInt8(ascii: "/") else { return false }
        index += 1
        guard token() else { return false }
        return hasParameterTail(utf8, from: index)
    }

    /// `code`: `^[a-z0-9]+(-[a-z0-9]+)*$`.
    static func isCode(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { isLowercaseLetter($0) || isDigit($0) } }
    }

    // MARK: cloudevents.schema.json

    /// `source`: `^[!-~]+$` (printable ASCII without space).
    static func isPrintableASCII(_ text: String) -> Bool {
        !text.utf8.isEmpty && text.utf8.allSatisfy(isPrintableASCII)
    }

    /// `datacontenttype`, and binary mode's `content-type`: `^application/json( *; *charset=(utf-8|UTF-8))?$`.
    static func isJSONContentType(_ text: String) -> Bool {
        var utf8 = Substring(text).utf8
        guard utf8.starts(with: "application/json".utf8) else { return false }
        utf8 = utf8.dropFirst(16)
        if utf8.isEmpty { return true }
        utf8 = utf8.drop { $0 == UInt8(ascii: " ") }
        guard utf8.first == UInt8(ascii: ";") else { return false }
        utf8 = utf8.dropFirst().drop { $0 == UInt8(ascii: " ") }
        return utf8.elementsEqual("charset=utf-8".utf8) || utf8.elementsEqual("charset=UTF-8".utf8)
    }

    /// `dataschema`: `^urn:assetforge:schema:[a-z0-9]+([.-][a-z0-9]+)*:[1-9][0-9]*$`.
    static func isDataSchemaURN(_ text: String) -> Bool {
        var utf8 = Substring(text).utf8
        guard utf8.starts(with: "urn:assetforge:schema:".utf8) else { return false }
        utf8 = utf8.dropFirst(22)
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let name = utf8[..<colon]
        let version = utf8[utf8.index(after: colon)...]
        let nameParts = name.split(omittingEmptySubsequences: false) {
            $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
        return nameParts.allSatisfy { !$0.isEmpty && $0.allSatisfy { isLowercaseLetter($0) || isDigit($0) } }
            && version.first.map { $0 != UInt8(ascii: "0") } == true && version.allSatisfy(isDigit)
    }

    // MARK: Event schemas

    /// `asset.ready`/`asset.failed` `id`: `^ready-[0-9a-f]{64}$` or `^failed-[0-9a-f]{64}$` for `prefix`.
    static func isAssetEventID(_ text: String, prefix: String) -> Bool {
        let utf8 = Substring(text).utf8
        guard utf8.starts(with: prefix.utf8) else { return false }
        let suffix = utf8.dropFirst(prefix.utf8.count)
        return suffix.count == 64 && suffix.allSatisfy(isLowercaseHex)
    }

    /// `cost.currency`: `^[A-Z]{3}$`.
    static func isCurrency(_ text: String) -> Bool {
        isUppercase(text, count: 3)
    }

    // MARK: kafka-headers.schema.json

    /// `structured` `content-type`: `^application/cloudevents\+json( *;[ -~]*)?$`.
    static func isStructuredContentType(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        let prefix = "application/cloudevents+json".utf8
        guard utf8.starts(with: prefix) else { return false }
        return hasParameterTail(utf8, from: prefix.count)
    }

    /// `assetforge_dlq_topic`: `^[A-Za-z0-9._-]{1,249}$`.
    static func isTopicName(_ text: String) -> Bool {
        let utf8 = text.utf8
        return (1...249).contains(utf8.count) && utf8.allSatisfy(isSKUByte)
    }

    /// `^(0|[1-9][0-9]{0,N})$` with `maximumDigits` = N + 1: a decimal without leading zeros.
    static func isDecimal(_ text: String, maximumDigits: Int) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, (1...maximumDigits).contains(utf8.count), utf8.allSatisfy(isDigit) else {
            return false
        }
        return first != UInt8(ascii: "0") || utf8.count == 1
    }

    // MARK: Pieces

    /// `( *;[ -~]*)?$` from `index`: the end, or spaces, `;` and printable ASCII (space included).
    private static func hasParameterTail(_ utf8: [UInt8], from start: Int) -> Bool {
        var index = start
        if index == utf8.count { return true }
        while index < utf8.count, utf8[index] == UInt8(ascii: " ") { index += 1 }
        guard index < utf8.count, utf8[index] == UInt8(ascii: ";") else { return false }
        return utf8[(index + 1)...].allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }

    private static func isUppercase(_ text: String, count: Int) -> Bool {
        let utf8 = text.utf8
        return utf8.count == count && utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }

    private static func isSKUByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
    }

    private static func isMediaTypeTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"):
            true
        default:
            isLetter(byte) || isDigit(byte)
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || isLowercaseLetter(byte)
    }

    private static func isLowercaseLetter(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isLowercaseHex(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }

    private static func isPrintableASCII(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte <= 0x7E
    }
}
