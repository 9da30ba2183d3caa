import AssetForgeConfiguration
import Foundation

/// How a ``PostgresLedgerStore`` reaches its server: a `postgres://` URL's parts with the defaults filled in and every
/// query parameter checked.
///
/// Defaults: host `127.0.0.1`, port 5432, the user this process runs as, the database named like the user (the
/// server's rule), `sslmode=disable` on a loopback host and `prefer` elsewhere (libpq's default), a 10 s connect
/// timeout, `application_name=assetforge`.
///
/// The password is kept for the driver only: ``description`` and every message leave it out.
struct PostgresLedgerSettings: Sendable, CustomStringConvertible {
    /// Whether and how the connection is encrypted (libpq's `sslmode` values, less `allow`).
    enum SSLMode: String, Sendable, CaseIterable {
        /// Never encrypt.
        case disable
        /// Encrypt when the server offers it, without checking its certificate.
        case prefer
        /// Always encrypt; check the certificate only when `sslrootcert` names a CA file (as libpq does).
        case require
        /// Always encrypt; the certificate must be signed by a trusted CA (system store, or `sslrootcert`).
        case verifyCA = "verify-ca"
        /// Like ``verifyCA``, and the certificate must name the host.
        case verifyFull = "verify-full"
    }

    /// The server's host name or address (TCP only).
    var host: String
    /// The server's port.
    var port: Int
    /// The user to log in as.
    var username: String
    /// The password, if any. Never printed.
    var password: String?
    /// The database, or `nil` for the server's default (the user's name).
    var database: String?
    /// Encryption.
    var sslMode: SSLMode
    /// A PEM file of CA certificates to trust instead of the system's (`sslrootcert`).
    var sslRootCertificate: String?
    /// How long one connection attempt may take.
    var connectTimeout: Duration
    /// Shown in `pg_stat_activity`.
    var applicationName: String
    /// The most connections one store opens at once.
    var maximumConnections: Int = 10

    static let defaultHost = "127.0.0.1"
    static let defaultPort = 5432
    static let defaultConnectTimeout: Duration = .seconds(10)
    static let defaultApplicationName = "assetforge"

    /// The URL query parameters this backend understands.
    static let supportedParameters = ["application_name", "connect_timeout", "password", "sslmode", "sslrootcert"]

    /// Settings from the parts of a `postgres://` URL.
    /// - Throws: ``LedgerError/Code/unavailable`` for a parameter this backend does not support or cannot use.
    init(_ connection: PostgresConnection) throws(LedgerError) {
        var host = connection.host ?? Self.defaultHost
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        self.host = host
        self.port = connection.port ?? Self.defaultPort
        self.username = connection.username ?? Self.processUserName
        self.database = connection.database
        let parameters = connection.parameters
        self.password = connection.password?.unredactedValue ?? parameters["password"]

        let target = "the ledger URL \(connection)"
        let unknown = parameters.keys.filter { !Self.supportedParameters.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw LedgerError(
                .unavailable,
                "\(target) has the parameter(s) \(unknown.joined(separator: ", ")), which the PostgreSQL ledger does "
                    + "not support; remove them from ASSETFORGE_LEDGER_URL (supported: "
                    + "\(Self.supportedParameters.joined(separator: ", ")))")
        }

        if let mode = parameters["sslmode"] {
            guard let parsed = SSLMode(rawValue: mode) else {
                throw LedgerError(
                    .unavailable,
                    "\(target) has sslmode=\(mode), which the PostgreSQL ledger does not support; use one of "
                        + "\(SSLMode.allCases.map(\.rawValue).joined(separator: ", ")) in ASSETFORGE_LEDGER_URL")
            }
            self.sslMode = parsed
        } else {
            self.sslMode = Self.isLoopback(host) ? .disable : .prefer
        }
        if let file = parameters["sslrootcert"] {
            guard !file.isEmpty else {
                throw LedgerError(
                    .unavailable, "\(target) has an empty sslrootcert; name a PEM file of CA certificates or remove it")
            }
            self.sslRootCertificate = file
        }
        if let seconds = parameters["connect_timeout"] {
            guard let value = Int(seconds), (1...3600).contains(value) else {
                throw LedgerError(
                    .unavailable,
                    "\(target) has connect_timeout=\(seconds); give a whole number of seconds from 1 to 3600 in "
                        + "ASSETFORGE_LEDGER_URL")
            }
            self.connectTimeout = .seconds(value)
        } else {
            self.connectTimeout = Self.defaultConnectTimeout
        }
        self.applicationName = parameters["application_name"] ?? Self.defaultApplicationName
    }

    /// `host:port` (`[host]:port` for an IPv6 address).
    var endpoint: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `PostgreSQL at host:port as user, database db` (never the password).
    var description: String {
        "PostgreSQL at \(endpoint) as \(username), database \(database ?? username)"
    }

    /// The name of the user this process runs as: what libpq uses when the URL names no user.
    static var processUserName: String {
        let name = ProcessInfo.processInfo.userName
        return name.isEmpty ? "postgres" : name
    }

    /// Whether `host` is this machine (`localhost`, 127.0.0.0/8 or `::1`).
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
