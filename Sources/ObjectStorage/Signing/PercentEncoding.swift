/// RFC 3986 percent-encoding as the OSS and AWS signature algorithms define it.
enum PercentEncoding {
    /// Encodes every byte except `A-Z a-z 0-9 - . _ ~` (and `/` when `keepSlash`), as `%XX` upper-case.
    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == UInt8(ascii: "/")) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result.append("%")
                result.append(hexDigits[Int(byte >> 4)])
                result.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return result
    }

    /// Decodes `%XX` sequences; returns `nil` for malformed input. `+` is left as it is.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Builds canonical query strings for the signature algorithms.
enum CanonicalQuery {
    /// Encodes every name and value, sorts by encoded name then value, and joins with `&`.
    /// - Parameter bareEmptyValues: write `name` instead of `name=` for empty values (OSS), or not (AWS).
    static func make(_ parameters: [SigningRequest.QueryParameter], bareEmptyValues: Bool) -> String {
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(parameters.count)
        for parameter in parameters {
            pairs.append((PercentEncoding.encode(parameter.name), PercentEncoding.encode(parameter.value ?? "")))
        }
        pairs.sort(by: isOrderedBefore)
        var items: [String] = []
        for pair in pairs {
            items.append(bareEmptyValues && pair.value.isEmpty ? pair.name : pair.name + "=" + pair.value)
        }
        return items.joined(separator: "&")
    }

    private static func isOrderedBefore(_ lhs: (name: String, value: String), _ rhs: (name: String, value: String))
        -> Bool
    {
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        return lhs.value < rhs.value
    }
}
