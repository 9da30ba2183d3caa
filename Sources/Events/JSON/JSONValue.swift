/// A parsed JSON value, as the validator sees it.
///
/// Numbers are `Double`s, as in the JSON Schema data model: `integer` means a finite number with no fraction
/// (`5.0` is an integer) and numbers compare by value. Objects keep their members in document order.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON Schema type name, for messages ("got a string").
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let value): value.isWholeNumber ? "an integer" : "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON object: members in document order, with unique names (the parser rejects duplicates).
struct JSONObject: Sendable {
    var members: [(name: String, value: JSONValue)]

    /// The value of the member called `name`.
    ///
    /// A linear search: event objects have a handful of members, and `name` is always an ASCII literal, for
    /// which `==` is exact (no other string is canonically equivalent to an ASCII one). Comparing the byte counts
    /// first skips most calls into the string comparison.
    subscript(name: String) -> JSONValue? {
        let length = name.utf8.count
        for member in members where member.name.utf8.count == length && member.name == name { return member.value }
        return nil
    }
}

extension Double {
    /// Whether this is a finite number without a fraction, which JSON Schema's `integer` accepts.
    var isWholeNumber: Bool { isFinite && rounded(.towardZero) == self }
}
