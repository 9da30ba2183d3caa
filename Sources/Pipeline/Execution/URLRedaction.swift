/// Removes query strings from the URLs in a text before it is logged or published: presigned URLs carry
/// signatures, tokens and access key ids there (`Signature`, `X-Amz-*`, `x-oss-*`, `OSSAccessKeyId`…).
enum URLRedaction {
    /// `text` with every `http://` or `https://` URL's query (and fragment) replaced by `?<redacted>`.
    static func redact(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let start = rest.range(of: "http", options: .caseInsensitive) {
            result += rest[..<start.lowerBound]
            let candidate = rest[start.lowerBound...]
            let lower = candidate.prefix(8).lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                result += candidate.prefix(4)
                rest = candidate.dropFirst(4)
                continue
            }
            let end = candidate.firstIndex { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == ">" } ?? candidate.endIndex
            let url = candidate[..<end]
            if let query = url.firstIndex(where: { $0 == "?" || $0 == "#" }) {
                result += url[..<query] + "?<redacted>"
            } else {
                result += url
            }
            rest = candidate[end...]
        }
        return result + rest
    }
}
