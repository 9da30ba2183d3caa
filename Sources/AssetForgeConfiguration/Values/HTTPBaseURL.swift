import Foundation

/// Checks and normalises `http(s)://host[:port]` URLs.
enum HTTPBaseURL {
    /// Parses an http or https URL with a host and optional port.
    ///
    /// - Parameter allowPath: whether a path prefix (`https://example.com/assetforge`) is allowed;
    ///   when `false`, only an empty path or `/` is.
    /// - Returns: the URL without a trailing `/`.
    static func parse(_ text: String, allowPath: Bool) throws(InvalidValue) -> URL {
        let shape = allowPath ? "http(s)://host[:port][/path]" : "http(s)://host[:port] with no path"
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw InvalidValue("is not a URL; expected \(shape)")
        }
        guard scheme == "http" || scheme == "https" else {
            throw InvalidValue("scheme \"\(scheme)\" is not allowed; expected \(shape)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw InvalidValue("has no host; expected \(shape)")
        }
        guard components.user == nil, components.password == nil else {
            throw InvalidValue("must not contain user:password@ credentials; expected \(shape)")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw InvalidValue("port \(port) is not from 1 to 65535")
        }
        var path = components.percentEncodedPath
        if !allowPath, path != "", path != "/" {
            throw InvalidValue(
                "must not have a path (found \"\(path)\"); give only scheme, host and optional port, e.g. "
                    + "https://api.example.com")
        }
        guard components.percentEncodedQuery == nil else {
            throw InvalidValue("must not have a query (?…); expected \(shape)")
        }
        guard components.percentEncodedFragment == nil else {
            throw InvalidValue("must not have a fragment (#…); expected \(shape)")
        }
        while path.hasSuffix("/") { path.removeLast() }
        var normalized = URLComponents()
        normalized.scheme = scheme
        normalized.percentEncodedHost = components.percentEncodedHost
        normalized.port = components.port
        normalized.percentEncodedPath = allowPath ? path : ""
        guard let url = normalized.url else { throw InvalidValue("is not a valid URL; expected \(shape)") }
        return url
    }

    /// `text` with any `user:password@` password replaced by `<redacted>`, for echoing in errors.
    static func redactingPassword(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(where: { "/?#".contains($0) }) ?? text.endIndex
        let authority = text[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return text
        }
        return String(text[..<authority.index(after: colon)]) + Secret.redactedPlaceholder + String(text[at...])
    }
}
