import Foundation

/// Where the idempotency ledger lives (`ASSETFORGE_LEDGER_URL`).
public enum LedgerLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite database file. The path is everything after `sqlite://`, so `sqlite://assetforge.db`
    /// is relative to the working directory and `sqlite:///var/lib/assetforge.db` is absolute.
    case sqlite(path: String)
    /// A PostgreSQL server (`postgres://` or `postgresql://`).
    case postgres(PostgresConnection)

    /// Parses `sqlite://PATH`, `postgres://…` or `postgresql://…`.
    public init(parsing text: String) throws(InvalidValue) {
        let allowed = "expected sqlite://PATH, postgres://… or postgresql://…"
        guard let separator = text.range(of: "://") else {
            throw InvalidValue("is not a URL; \(allowed)")
        }
        let scheme = text[..<separator.lowerBound].lowercased()
        switch scheme {
        case "sqlite":
            let path = String(text[separator.upperBound...])
            guard !path.isEmpty else {
                throw InvalidValue("has no path; expected sqlite://PATH, e.g. sqlite://assetforge.db")
            }
            self = .sqlite(path: path)
        case "postgres", "postgresql":
            self = .postgres(try PostgresConnection(parsing: text))
        default:
            throw InvalidValue("scheme \"\(scheme)\" is not supported; \(allowed)")
        }
    }

    /// The URL form, with any password shown as `<redacted>`.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite://\(path)"
        case .postgres(let connection): return connection.description
        }
    }
}

/// The parts of a `postgres://user:password@host:port/database?param=value` URL.
/// Absent parts are `nil` and left to the driver's defaults (libpq's rules).
public struct PostgresConnection: Sendable, Equatable, CustomStringConvertible {
    /// The server host, or `nil` for the driver's default.
    public var host: String?
    /// The server port, or `nil` for the default (5432).
    public var port: Int?
    /// The user name.
    public var username: String?
    /// The password, never printed.
    public var password: Secret?
    /// The database name (the URL path without its leading `/`).
    public var database: String?
    /// The query parameters, e.g. `sslmode`. A `password` parameter is never printed.
    public var parameters: [String: String]

    /// Parses a `postgres://` or `postgresql://` URL.
    public init(parsing text: String) throws(InvalidValue) {
        guard let components = URLComponents(string: text) else {
            throw InvalidValue("is not a valid URL; expected postgres://user:password@host:port/database")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw InvalidValue("port \(port) is not from 1 to 65535")
        }
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        guard !database.contains("/") else {
            throw InvalidValue("path \"\(components.path)\" must be a single database name")
        }
        guard components.fragment == nil else { throw InvalidValue("must not have a fragment (#…)") }
        self.host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        self.port = components.port
        self.username = components.user.flatMap { $0.isEmpty ? nil : $0 }
        self.password = components.password.map(Secret.init)
        self.database = database.isEmpty ? nil : database
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] {
            parameters[item.name] = item.value ?? ""
        }
        self.parameters = parameters
    }

    /// The query parameters with a `password` parameter shown as `<redacted>`.
    var redactedParameters: [String: String] {
        parameters.reduce(into: [:]) { result, parameter in
            result[parameter.key] =
                parameter.key.lowercased() == "password" ? Secret.redactedPlaceholder : parameter.value
        }
    }

    /// `postgres://user:<redacted>@host:port/database?…`.
    public var description: String {
        var text = "postgres://"
        if let username {
            text += username
            if password != nil { text += ":" + Secret.redactedPlaceholder }
            text += "@"
        }
        if let host { text += host.contains(":") ? "[\(host)]" : host }
        if let port { text += ":\(port)" }
        if let database { text += "/\(database)" }
        if !parameters.isEmpty {
            text +=
                "?"
                + redactedParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: "&")
        }
        return text
    }
}

extension PostgresConnection: CustomReflectable {
    /// The stored properties with a `password` query parameter redacted (``password`` redacts itself).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host as Any, "port": port as Any, "username": username as Any, "password": password as Any,
                "database": database as Any, "parameters": redactedParameters,
            ],
            displayStyle: .struct)
    }
}
