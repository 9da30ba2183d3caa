/// A JSON value at a path in the event, with the checks the schemas apply to it.
///
/// Paths are string literals (`"data.sku"`) plus an optional array index, so the valid path allocates nothing
/// for them; the full path text (`data.languages[3]`) is built only for an error.
struct Field {
    let value: JSONValue
    let path: String
    let index: Int?

    init(_ value: JSONValue, path: String, index: Int? = nil) {
        self.value = value
        self.path = path
        self.index = index
    }

    /// The path as written in messages, e.g. `data.languages[3]`.
    var fullPath: String {
        index.map { "\(path)[\($0)]" } ?? path
    }

    func violation(_ message: String, code: EventValidationError.Code = .schemaViolation) -> EventValidationError {
        EventValidationError(code: code, path: fullPath, message: message)
    }

    // MARK: Types

    func string() throws(EventValidationError) -> String {
        guard case .string(let text) = value else { throw violation("must be a string, got \(value.typeName)") }
        return text
    }

    /// A string of `minimumLength...maximumLength` Unicode code points.
    func string(minimumLength: Int = 0, maximumLength: Int = .max) throws(EventValidationError) -> String {
        let text = try string()
        try checkLength(text, minimumLength, maximumLength)
        return text
    }

    /// A finite number.
    func number() throws(EventValidationError) -> Double {
        guard case .number(let number) = value else { throw violation("must be a number, got \(value.typeName)") }
        return number
    }

    /// An integer (a number without a fraction) in `range`.
    func integer(in range: ClosedRange<Int>) throws(EventValidationError) -> Int {
        let number = try number()
        guard number.isWholeNumber else { throw violation("must be an integer, got \(number)") }
        // `Int(exactly:)` also guards the conversion where `Double(Int.max)` rounds up to 2^63.
        guard number >= Double(range.lowerBound), number <= Double(range.upperBound),
            let integer = Int(exactly: number), range.contains(integer)
        else {
            throw violation("\(Self.format(number)) is out of range \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }

    func object() throws(EventValidationError) -> ObjectReader {
        guard case .object(let object) = value else { throw violation("must be an object, got \(value.typeName)") }
        return ObjectReader(object, path: path)
    }

    /// An array of `minimumCount...maximumCount` items, each read by `item`; distinct items when `unique`.
    func array<Element>(
        minimumCount: Int = 0,
        maximumCount: Int = .max,
        unique: Bool = false,
        item: (Field) throws(EventValidationError) -> Element
    ) throws(EventValidationError) -> [Element] {
        guard case .array(let values) = value else { throw violation("must be an array, got \(value.typeName)") }
        guard values.count >= minimumCount else {
            throw violation(values.isEmpty ? "must not be empty" : "must have at least \(minimumCount) items")
        }
        guard values.count <= maximumCount else {
            throw violation("has \(values.count) items, more than \(maximumCount)")
        }
        var result: [Element] = []
        result.reserveCapacity(values.count)
        for (position, element) in values.enumerated() {
            result.append(try item(Field(element, path: path, index: position)))
        }
        if unique { try checkUnique(values) }
        return result
    }

    // MARK: Formats from common.schema.json

    /// `sku` (and `variant`): 1 to 64 of `A-Z a-z 0-9 . _ -`.
    func sku(_ what: String = "a SKU") throws(EventValidationError) -> String {
        let text = try string()
        guard Syntax.isSKU(text) else {
            throw violation("\(Quoted(text)) is not \(what) (1 to 64 of A-Z a-z 0-9 . _ -)")
        }
        return text
    }

    func httpURL() throws(EventValidationError) -> String {
        let text = try string(minimumLength: 8, maximumLength: 2048)
        guard Syntax.isHTTPURL(text) else {
            throw violation("\(Quoted(text)) is not an absolute http or https URL without spaces or control characters")
        }
        return text
    }

    func bcp47() throws(EventValidationError) -> String {
        let text = try string()
        guard text.utf8.count <= 12, Syntax.isBCP47(text) else {
            throw violation("\(Quoted(text)) is not a BCP 47 language tag (e.g. en, pt-BR, zh-Hans, es-419)")
        }
        return text
    }

    func market() throws(EventValidationError) -> String {
        let text = try string()
        guard Syntax.isMarket(text) else {
            throw violation("\(Quoted(text)) is not an uppercase ISO 3166-1 alpha-2 country code")
        }
        return text
    }

    func timestamp() throws(EventValidationError) -> Timestamp {
        let text = try string()
        guard let timestamp = Timestamp(rfc3339: text) else {
            throw violation("\(Quoted(text)) is not an RFC 3339 timestamp with an offset (e.g. 2025-06-02T09:15:00Z)")
        }
        return timestamp
    }

    func sha256Hex() throws(EventValidationError) -> String {
        let text = try string()
        guard Syntax.isSHA256Hex(text) else {
            throw violation("\(Quoted(text)) is not 64 lowercase hexadecimal digits")
        }
        return text
    }

    func mediaType() throws(EventValidationError) -> String {
        let text = try string(minimumLength: 3, maximumLength: 255)
        guard Syntax.isMediaType(text) else { throw violation("\(Quoted(text)) is not a media type (type/subtype)") }
        return text
    }

    func code() throws(EventValidationError) -> String {
        let text = try string(minimumLength: 1, maximumLength: 64)
        guard Syntax.isCode(text) else {
            throw violation("\(Quoted(text)) is not a kebab-case code (e.g. no-scene-image)")
        }
        return text
    }

    func assetKind() throws(EventValidationError) -> AssetKind {
        let text = try string()
        guard let kind = AssetKind(rawValue: text) else {
            throw violation("\(Quoted(text)) is not an asset kind (marketing-image, video, copy)")
        }
        return kind
    }

    // MARK: Checks

    private func checkLength(_ text: String, _ minimum: Int, _ maximum: Int) throws(EventValidationError) {
        // A code point takes 1 to 4 UTF-8 bytes: count them only when the byte count cannot decide.
        let bytes = text.utf8.count
        if bytes >= minimum && bytes <= maximum { return }
        if bytes < minimum {
            throw violation(minimum == 1 ? "must not be empty" : "shorter than \(minimum) code points")
        }
        let scalars = text.unicodeScalars.count
        if scalars < minimum { throw violation("shorter than \(minimum) code points") }
        if scalars > maximum { throw violation("longer than \(maximum) code points (\(scalars))") }
    }

    private func checkUnique(_ values: [JSONValue]) throws(EventValidationError) {
        // Called after every item passed its own check, and the unique arrays of the schemas hold strings.
        // Short arrays (languages, markets) compare pairwise; long ones use a set, so a hostile array stays linear.
        func repeated(_ text: String, at position: Int) -> EventValidationError {
            Field(values[position], path: path, index: position).violation("\(Quoted(text)) repeats an earlier item")
        }
        if values.count <= 16 {
            for position in values.indices {
                guard case .string(let text) = values[position] else { continue }
                for earlier in 0..<position {
                    if case .string(let other) = values[earlier], other.hasSameUTF8(as: text) {
                        throw repeated(text, at: position)
                    }
                }
            }
            return
        }
        var seen: Set<ExactString> = []
        seen.reserveCapacity(values.count)
        for (position, element) in values.enumerated() {
            guard case .string(let text) = element else { continue }
            if !seen.insert(ExactString(string: text)).inserted { throw repeated(text, at: position) }
        }
    }

    static func format(_ number: Double) -> String {
        number.isWholeNumber && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
