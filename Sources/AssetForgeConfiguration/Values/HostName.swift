/// Syntax checks for DNS host names (RFC 1123, with `_` tolerated as container runtimes use it).
enum HostName {
    /// Whether `text` is a syntactically valid host name: dot-separated labels of letters, digits,
    /// `-` and `_`, each 1–63 characters and not starting or ending with `-`, 253 characters at most.
    static func isValid(_ text: String) -> Bool {
        var name = Substring(text)
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        // A name made only of digits and dots would be read as a (bad) IPv4 address.
        guard !name.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }
}
