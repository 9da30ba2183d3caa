import AssetForgeConfiguration
import Foundation

/// The PostgreSQL server the tests use, named by `ASSETFORGE_TEST_POSTGRES_URL`: a superuser's URL, e.g.
/// `postgres://postgres@127.0.0.1:55432/postgres`. `deploy/test.sh` starts a throw-away server and sets it.
///
/// Without it the PostgreSQL tests fail (they are not skipped): a run that was meant to cover PostgreSQL must not
/// pass silently without it.
public enum PostgresTestServer {
    /// The environment variable.
    public static let variable = "ASSETFORGE_TEST_POSTGRES_URL"

    /// Why the server cannot be used.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String

        /// An error saying `description`.
        public init(description: String) {
            self.description = description
        }
    }

    /// The superuser's connection from `environment`.
    /// - Throws: ``Unavailable`` when the variable is missing or is not a `postgres://` URL.
    public static func adminConnection(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PostgresConnection {
        let url = try adminURL(environment: environment)
        let location: LedgerLocation
        do {
            location = try LedgerLocation(parsing: url)
        } catch {
            throw Unavailable(description: "\(variable) \(error); expected postgres://USER@HOST:PORT/DATABASE")
        }
        guard case .postgres(let connection) = location else {
            throw Unavailable(description: "\(variable) must be a postgres:// URL, not \(location)")
        }
        return connection
    }

    /// The superuser's URL as given, with its path replaced by `database`: what an `assetforge` process is given
    /// as `ASSETFORGE_LEDGER_URL` to use that database (the password and parameters are kept).
    /// - Throws: ``Unavailable`` when the variable is missing or is not a `postgres://` URL.
    public static func url(
        database: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        _ = try adminConnection(environment: environment)
        let url = try adminURL(environment: environment)
        guard var components = URLComponents(string: url) else {
            throw Unavailable(description: "\(variable) is not a valid URL")
        }
        components.path = "/" + database
        guard let changed = components.string else {
            throw Unavailable(description: "\(variable) cannot name the database \(database)")
        }
        return changed
    }

    /// `connection` for another database.
    public static func connection(_ connection: PostgresConnection, database: String) -> PostgresConnection {
        var connection = connection
        connection.database = database
        return connection
    }

    /// `connection` as another user.
    public static func connection(
        _ connection: PostgresConnection, username: String, password: String?
    ) -> PostgresConnection {
        var connection = connection
        connection.username = username
        connection.password = password.map(Secret.init)
        connection.parameters["password"] = nil
        return connection
    }

    /// A new name for a database or role: `prefix` and 12 random lowercase hexadecimal digits.
    public static func uniqueName(_ prefix: String) -> String {
        prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
    }

    /// The variable's value.
    /// - Throws: ``Unavailable`` when it is missing or empty.
    private static func adminURL(environment: [String: String]) throws -> String {
        guard let url = environment[variable], !url.isEmpty else {
            throw Unavailable(
                description: "\(variable) is not set, so the PostgreSQL tests cannot run. Run them through "
                    + "`bash deploy/test.sh`, which starts a server, or start one yourself: "
                    + "`bash deploy/local/postgres.sh start --port 55432 --dir /tmp/assetforge-pg` and "
                    + "`export \(variable)=$(bash deploy/local/postgres.sh url --dir /tmp/assetforge-pg)`")
        }
        return url
    }
}
