/// Hand-written equivalents of the schemas' `pattern`s, one per pattern, without regex compilation.
///
/// Each check matches the whole string exactly as the pattern does in ECMA-262 (`^` at the start, `$` at the very
/// end, so a trailing newline never matches). The patterns use ASCII classes only; where they allow other
/// characters (a URL's path), the check looks at UTF-8 bytes, which is exact because a byte below 0x80 in UTF-8
/// is always a whole character. The checks run on the UTF-8 buffer. `SyntaxTests` compares each check with the
/// schema's regex on many strings.
enum Syntax {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    // MARK: common.schema.json

    /// `sku` and `variant`: `^[A-Za-z0-9._-]{1,64}$`.
    static func isSKU(_ text: String) -> Bool {
        text.withUTF8Bytes { (1...64).contains($0.count) && $0.allSatisfy(isSKUByte) }
    }

    /// `httpUrl`: `^https?://[^\u0000-\u0020\u007f/?#]+([/?#][^\u0000-\u0020\u007f]*)?$`.
    ///
    /// After the scheme: a non-empty authority (no `/`, `?`, `#`), then anything, all without controls, space or
    /// DEL. Equivalently: the rest is non-empty, does not start with `/`, `?` or `#`, and has no such byte.
    static func isHTTPURL(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            let start = bytes.hasPrefix("https://") ? 8 : bytes.hasPrefix("http://") ? 7 : nil
            guard let start, start < bytes.count else { return false }
            let first = bytes[start]
            guard first != UInt8(ascii: "/"), first != UInt8(ascii: "?"), first != UInt8(ascii: "#") else {
                return false
            }
            for index in start..<bytes.count where bytes[index] <= 0x20 || bytes[index] == 0x7F { return false }
            return true
        }
    }

    /// `uri`: `^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$`.
    static func isURI(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard let first = bytes.first, isLetter(first) else { return false }
            var index = 1
            while index < bytes.count, isSchemeByte(bytes[index]) { index += 1 }
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            return all(bytes, from: index + 1, isPrintableASCII)
        }
    }

    /// `bcp47`: `^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$`.
    static func isBCP47(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            var index = 0
            /// The length of the run of `isPart` bytes at `index`.
            func run(_ isPart: (UInt8) -> Bool) -> Int {
                var end = index
                while end < bytes.count, isPart(bytes[end]) { end += 1 }
                return end - index
            }
            let language = run(isLetter)
            guard language == 2 || language == 3 else { return false }
            index += language
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                index += 1
                let letters = run(isLetter)
                if letters == 4 {
                    index += 4
                    guard index < bytes.count else { return true }
                    guard bytes[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                }
                let region = run(isLetter) == 2 ? 2 : run(isDigit) == 3 ? 3 : 0
                guard region > 0 else { return false }
                index += region
            }
            return index == bytes.count
        }
    }

    /// `market`: `^[A-Z]{2}$`.
    static func isMarket(_ text: String) -> Bool {
        isUppercase(text, count: 2)
    }

    /// `timestamp`: RFC 3339 with a mandatory offset, uppercase `T` and `Z`, any number of fraction digits:
    /// `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)`
    /// `(\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`.
    static func isTimestamp(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard bytes.count >= 20 else { return false }
            func number(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for index in start..<start + count {
                    guard isDigit(bytes[index]) else { return nil }
                    value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                }
                return value
            }
            guard number(0, 4) != nil, bytes[4] == UInt8(ascii: "-"),
                let month = number(5, 2), (1...12).contains(month), bytes[7] == UInt8(ascii: "-"),
                let day = number(8, 2), (1...31).contains(day), bytes[10] == UInt8(ascii: "T"),
                let hour = number(11, 2), hour <= 23, bytes[13] == UInt8(ascii: ":"),
                let minute = number(14, 2), minute <= 59, bytes[16] == UInt8(ascii: ":"),
                let second = number(17, 2), second <= 60
            else { return false }
            var index = 19
            if bytes[index] == UInt8(ascii: ".") {
                index += 1
                let fractionStart = index
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
                guard index > fractionStart else { return false }
            }
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: "Z") { return index + 1 == bytes.count }
            guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count,
                let offsetHour = number(index + 1, 2), offsetHour <= 23, bytes[index + 3] == UInt8(ascii: ":"),
                let offsetMinute = number(index + 4, 2), offsetMinute <= 59
            else { return false }
            return true
        }
    }

    /// `sha256Hex`: `^[0-9a-f]{64}$`.
    static func isSHA256Hex(_ text: String) -> Bool {
        text.withUTF8Bytes { $0.count == 64 && $0.allSatisfy(isLowercaseHex) }
    }

    /// `mediaType`: `^[A-Za-z0-9][A-Za-z0-9!#$^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$^_.+-]*( *;[ -~]*)?$`.
    static func isMediaType(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            var index = 0
            func token() -> Bool {
                guard index < bytes.count, isLetter(bytes[index]) || isDigit(bytes[index]) else { return false }
                index += 1
                while index < bytes.count, isMediaTypeTokenByte(bytes[index]) { index += 1 }
                return true
            }
            guard token(), index < bytes.count, bytes[index] == UInt8(ascii: "/") else { return false }
            index += 1
            guard token() else { return false }
            return hasParameterTail(bytes, from: index)
        }
    }

    /// `code`: `^[a-z0-9]+(-[a-z0-9]+)*$`.
    static func isCode(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            var previous = UInt8(ascii: "-")  // as if before the start: the first byte must not be a hyphen
            for byte in bytes {
                if byte == UInt8(ascii: "-") {
                    guard previous != UInt8(ascii: "-") else { return false }
                } else if !(isLowercaseLetter(byte) || isDigit(byte)) {
                    return false
                }
                previous = byte
            }
            return previous != UInt8(ascii: "-")
        }
    }

    // MARK: cloudevents.schema.json

    /// `source`: `^[!-~]+$` (printable ASCII without space).
    static func isPrintableASCII(_ text: String) -> Bool {
        text.withUTF8Bytes { !$0.isEmpty && $0.allSatisfy(isPrintableASCII) }
    }

    /// `datacontenttype`, and binary mode's `content-type`: `^application/json( *; *charset=(utf-8|UTF-8))?$`.
    static func isJSONContentType(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard bytes.hasPrefix("application/json") else { return false }
            var index = 16
            if index == bytes.count { return true }
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ";") else { return false }
            index += 1
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            let rest = Bytes(rebasing: bytes[index...])
            return rest.count == 13 && (rest.hasPrefix("charset=utf-8") || rest.hasPrefix("charset=UTF-8"))
        }
    }

    /// `dataschema`: `^urn:assetforge:schema:[a-z0-9]+([.-][a-z0-9]+)*:[1-9][0-9]*$`.
    static func isDataSchemaURN(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
            guard bytes.hasPrefix("urn:assetforge:schema:") else { return false }
            var index = 22
            var previous = UInt8(ascii: ".")  // the name must not start with a separator
            while index < bytes.count, bytes[index] != UInt8(ascii: ":") {
                let byte = bytes[index]
                if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") {
                    guard previous != UInt8(ascii: ".") && previous != UInt8(ascii: "-") else { return false }
                } else if !(isLowercaseLetter(byte) || isDigit(byte)) {
                    return false
                }
                previous = byte
                index += 1
            }
            guard index < bytes.count, previous != UInt8(ascii: "."), previous != UInt8(ascii: "-") else {
                return false
            }
            index += 1  // the colon
            guard index < bytes.count, bytes[index] != UInt8(ascii: "0") else { return false }
            return all(bytes, from: index, isDigit)
        }
    }

    // MARK: Event schemas

    /// `asset.ready`/`asset.failed` `id`: `^ready-[0-9a-f]{64}$` or `^failed-[0-9a-f]{64}$` for `prefix`.
    static func isAssetEventID(_ text: String, prefix: String) -> Bool {
        prefix.withUTF8Bytes { expected in
            text.withUTF8Bytes { bytes in
                bytes.count == expected.count + 64 && bytes.hasPrefix(expected)
                    && all(bytes, from: expected.count, isLowercaseHex)
            }
        }
    }

    /// `cost.currency`: `^[A-Z]{3}$`.
    static func isCurrency(_ text: String) -> Bool {
        isUppercase(text, count: 3)
    }

    // MARK: kafka-headers.schema.json

    /// `structured` `content-type`: `^application/cloudevents\+json( *;[ -~]*)?$`.
    static func isStructuredContentType(_ text: String) -> Bool {
        text.withUTF8Bytes { $0.hasPrefix("application/cloudevents+json") && hasParameterTail($0, from: 28) }
    }

    /// `assetforge_dlq_topic`: `^[A-Za-z0-9._-]{1,249}$`.
    static func isTopicName(_ text: String) -> Bool {
        text.withUTF8Bytes { (1...249).contains($0.count) && $0.allSatisfy(isSKUByte) }
    }

    /// `^(0|[1-9][0-9]{0,N})$` with `maximumDigits` = N + 1: a decimal without leading zeros.
    static func isDecimal(_ text: String, maximumDigits: Int) -> Bool {
        text.withUTF8Bytes { bytes in
            guard let first = bytes.first, (1...maximumDigits).contains(bytes.count), bytes.allSatisfy(isDigit) else {
                return false
            }
            return first != UInt8(ascii: "0") || bytes.count == 1
        }
    }

    // MARK: Pieces

    /// `( *;[ -~]*)?$` from `start`: the end, or spaces, `;` and printable ASCII (space included).
    private static func hasParameterTail(_ bytes: Bytes, from start: Int) -> Bool {
        var index = start
        if index == bytes.count { return true }
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ";") else { return false }
        return all(bytes, from: index + 1) { $0 >= 0x20 && $0 <= 0x7E }
    }

    private static func all(_ bytes: Bytes, from start: Int, _ predicate: (UInt8) -> Bool) -> Bool {
        for index in start..<bytes.count where !predicate(bytes[index]) { return false }
        return true
    }

    private static func isUppercase(_ text: String, count: Int) -> Bool {
        text.withUTF8Bytes { bytes in
            bytes.count == count && bytes.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        }
    }

    private static func isSKUByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
    }

    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
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
