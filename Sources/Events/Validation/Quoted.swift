/// A string value quoted for an error message: JSON-style escapes, cut after ``limit`` code points (enough for
/// an asset event id, 70).
struct Quoted: CustomStringConvertible {
    static let limit = 100

    let text: String

    init(_ text: String) {
        self.text = text
    }

    var description: String {
        var result = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == Self.limit {
                result += "…"
                break
            }
            count += 1
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let digits = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
