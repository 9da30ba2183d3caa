import AssetForgeConfiguration
import Foundation

/// The PostgreSQL server the tests use, named by `ASSETFORGE_TEST_POSTGRES_URL`: a superuser's URL, e.g.
/// `postgres://postgres@127.0.0.1:55432/postgres`. `deploy/test.sh` starts a throw-away server and sets it.
///
/// Without it the PostgreSQL tests fail (they are not skipped): a run that was meant to cover PostgreSQL must not
/// pass silently without it.
enum PostgresTestServer {
    /// The environment variable.
    static let variable = "ASSETFORGE_TEST_POSTGRES_URL"

    /// Why the server cannot be used.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// The superuser's connection from `environment`.
    /// - Throws: ``Unavailable`` when the variable is missing or is not a `postgres://` URL.
    static func adminConnection(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PostgresConnection {
        guard let url = environment[variable], !url.isEmpty else {
            throw Unavailable(
                description: "\(variable) is not set, so the PostgreSQL ledger tests cannot run. Run them through "
                    + "`bash deploy/test.sh`, which starts a server, or start one yourself: "
                    + "`bash deploy/local/postgres.sh start --port 55432 --dir /tmp/assetforge-pg` and "
                    + "`export \(variable)=$(bash deploy/local/postgres.sh url --dir /tmp/assetforge-pg)`")
        }
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

    /// `connection` for another database.
    static func connection(_ connection: PostgresConnection, database: String) -> PostgresConnection {
        var connection = connection
        connection.database = database
        return connection
    }

    /// `connection` as another user.
    static func connection(
        _ connection: PostgresConnection, username: String, password: String?
    ) -> PostgresConnection {
        var connection = connection
        connection.username = username
        connection.password = password.map(Secret.init)
        connection.parameters["password"] = nil
        return connection
    }

    /// A new name for a database or role: `prefix` and 12 random lowercase hexadecimal digits.
    static func uniqueName(_ prefix: String) -> String {
        prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
    }
}
