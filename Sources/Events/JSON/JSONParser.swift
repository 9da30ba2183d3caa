/// A strict, single-pass JSON parser (RFC 8259) for untrusted record values.
///
/// Stricter than most: UTF-8 only (no byte order mark), no duplicate member names, no lone surrogate escapes
/// (I-JSON, RFC 7493), no `NaN`/`Infinity`, nesting at most ``maximumDepth`` deep so that a hostile value cannot
/// exhaust the stack. Any of these is a ``JSONParseError``, never a crash.
struct JSONParser: ~Copyable {
    /// How deeply arrays and objects may nest.
    static let maximumDepth = 256

    /// Objects with more members than this detect duplicate names with a set instead of a linear search.
    private static let linearDuplicateCheckLimit = 12

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses one JSON text: a value with optional whitespace around it, and nothing else.
    static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer)
        }
    }

    /// Parses one JSON text from a buffer.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(buffer)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == buffer.count else {
            throw parser.error("unexpected \(parser.describeCurrentByte()) after the JSON value")
        }
        return value
    }

    /// The first byte that is not JSON whitespace, if any.
    static func firstSignificantByte(of bytes: [UInt8]) -> UInt8? {
        bytes.first { !isWhitespace($0) }
    }

    // MARK: Values

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected \(describeCurrentByte()), expected a value")
        }
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw error("arrays and objects nest deeper than \(Self.maximumDepth) levels")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONObject {
        try enterContainer()
        index += 1  // {
        var members: [(name: String, value: JSONValue)] = []
        members.reserveCapacity(8)
        var names: Set<ExactString> = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return JSONObject(members: members)
        }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrentByte()), expected a member name in quotes")
            }
            let nameOffset = index
            let name = try parseString()
            if members.count < Self.linearDuplicateCheckLimit {
                if members.contains(where: { $0.name.hasSameUTF8(as: name) }) {
                    throw JSONParseError(offset: nameOffset, message: "duplicate member name \(Quoted(name))")
                }
            } else {
                if names.isEmpty { names = Set(members.map { ExactString(string: $0.name) }) }
                guard names.insert(ExactString(string: name)).inserted else {
                    throw JSONParseError(offset: nameOffset, message: "duplicate member name \(Quoted(name))")
                }
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after a member name")
            skipWhitespace()
            let value = try parseValue()
            members.append((name, value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            depth -= 1
            return JSONObject(members: members)
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> [JSONValue] {
        try enterContainer()
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return elements
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']' in an array")
            depth -= 1
            return elements
        }
    }

    // MARK: Strings

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = try makeString(UnsafeBufferPointer(rebasing: bytes[start..<index]), ascii: ascii)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            if byte < 0x20 { throw error("control character \(describeCurrentByte()) in a string (escape it)") }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        throw JSONParseError(offset: start - 1, message: "unterminated string")
    }

    /// The slow path for strings with escapes: decodes into a byte buffer, then validates UTF-8 once.
    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var decoded: [UInt8] = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: decoded, as: UTF8.self) else {
                    throw JSONParseError(offset: start, message: "a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &decoded)
            case ..<0x20:
                throw error("control character \(describeCurrentByte()) in a string (escape it)")
            default:
                decoded.append(byte)
                index += 1
            }
        }
        throw JSONParseError(offset: start - 1, message: "unterminated string")
    }

    private mutating func parseEscape(into decoded: inout [UInt8]) throws(JSONParseError) {
        index += 1  // backslash
        guard index < bytes.count else { throw error("unterminated escape") }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escaped)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            let escapeOffset = index - 2
            var scalar = UInt32(try parseHexQuad())
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else {
                    throw JSONParseError(offset: escapeOffset, message: "lone surrogate escape \\u\(hex(scalar))")
                }
                index += 2
                let low = UInt32(try parseHexQuad())
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONParseError(offset: escapeOffset, message: "lone surrogate escape \\u\(hex(scalar))")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw JSONParseError(offset: escapeOffset, message: "lone surrogate escape \\u\(hex(scalar))")
            }
            // Every value left is a valid scalar: surrogates were handled above.
            decoded.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
        default:
            index -= 1
            throw error("invalid escape \\\(describeCurrentByte())")
        }
    }

    private mutating func parseHexQuad() throws(JSONParseError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw error("\\u needs four hexadecimal digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("\\u needs four hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private func makeString(_ slice: UnsafeBufferPointer<UInt8>, ascii: Bool) throws(JSONParseError) -> String {
        if ascii { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw JSONParseError(offset: index, message: "a string is not valid UTF-8")
        }
        return text
    }

    // MARK: Numbers

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as a correctly rounded `Double`.
    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs a digit after '-'") }
        var integer: UInt64 = 0
        var digits = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            digits = 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                if digits < 18 { integer = integer * 10 + UInt64(bytes[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
        }
        var simple = digits <= 15
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            simple = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            simple = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error("a number needs a digit in its exponent")
            }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if simple {
            // At most 15 digits: exact in a Double.
            let magnitude = Double(integer)
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else {
            throw JSONParseError(offset: start, message: "number \(text) cannot be read")
        }
        return value
    }

    // MARK: Helpers

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONParseError) {
        guard index < bytes.count, bytes[index] == byte else {
            throw error("unexpected \(describeCurrentByte()), expected \(what)")
        }
        index += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let matches =
            index + count <= bytes.count
            && literal.withUTF8Buffer { expected in
                expected.elementsEqual(UnsafeBufferPointer(rebasing: bytes[index..<index + count]))
            }
        guard matches else { throw error("unexpected \(describeCurrentByte()), expected a value") }
        index += count
    }

    private func describeCurrentByte() -> String {
        guard index < bytes.count else { return "end of input" }
        let byte = bytes[index]
        if byte >= 0x21 && byte <= 0x7E { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(hex(UInt32(byte), width: 2))"
    }

    private func error(_ message: String) -> JSONParseError {
        JSONParseError(offset: index, message: message)
    }
}

/// Why a value is not JSON, and where.
struct JSONParseError: Error, Sendable {
    /// The byte offset of the problem.
    var offset: Int
    /// What is wrong.
    var message: String
}

private func hex(_ value: UInt32, width: Int = 4) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
