import PostgresNIO

extension LedgerError {
    /// Translates a failure of PostgresNIO (or of the server behind it) while `action` ran on the ledger described by
    /// `settings` into a ledger error whose message says what to do.
    ///
    /// Messages name the server, user and database but never the password, and never include the failed query's
    /// parameters.
    static func postgres(_ error: any Error, settings: PostgresLedgerSettings, action: String) -> LedgerError {
        switch error {
        case let error as LedgerError:
            return error
        case let error as PostgresTransactionError:
            let inner = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError
            return inner.map { postgres($0, settings: settings, action: action) }
                ?? LedgerError(.queryFailed, "\(action) failed on \(settings): a transaction failed")
        case let error as PSQLError:
            return psql(error, settings: settings, action: action)
        case let error as PostgresDecodingError:
            return LedgerError(
                .corrupt,
                "\(action): the column \(error.columnName) on \(settings) holds a value of type "
                    + "\(error.postgresType) that is not what this AssetForge wrote; the tables were changed by "
                    + "something else: restore the database from a backup or run the AssetForge that wrote it")
        case is CancellationError:
            return LedgerError(.unavailable, "\(action) on \(settings) was cancelled before it ran")
        default:
            return pool(error, settings: settings, action: action)
        }
    }

    /// The connection pool's own errors. Its error type lives in a module whose name says it is not stable API, so
    /// they are recognised by name; anything else gets the general message.
    private static func pool(_ error: any Error, settings: PostgresLedgerSettings, action: String) -> LedgerError {
        let text = String(describing: error)
        if text.contains("connectionCreationCircuitBreakerTripped") {
            return LedgerError(
                .unavailable,
                "\(action): no connection to \(settings) could be made for a minute; check that the server is "
                    + "running and reachable and that ASSETFORGE_LEDGER_URL is right")
        }
        if text.contains("poolShutdown") {
            return closed(settings)
        }
        if text.contains("requestCancelled") {
            return LedgerError(
                .unavailable, "\(action) on \(settings) was cancelled while it waited for a connection")
        }
        return LedgerError(
            .unavailable,
            "\(action) failed on \(settings): \(text); check that the server is running and reachable and that "
                + "ASSETFORGE_LEDGER_URL is right")
    }

    /// The error for a store that was closed.
    static func closed(_ settings: PostgresLedgerSettings) -> LedgerError {
        LedgerError(
            .unavailable, "the ledger on \(settings) is closed; open a new PostgresLedgerStore to use it again")
    }

    private static func psql(_ error: PSQLError, settings: PostgresLedgerSettings, action: String) -> LedgerError {
        let server = "PostgreSQL at \(settings.endpoint)"
        let user = settings.username
        switch error.code {
        case .server:
            return serverError(error, settings: settings, action: action)
        case .connectionError:
            let reason = error.underlying.map { String(describing: $0) } ?? "no reason given"
            return LedgerError(
                .unavailable,
                "cannot connect to \(server) as \(user) (\(action)): \(reason); check ASSETFORGE_LEDGER_URL and "
                    + "that the server is running and accepts TCP connections on that address")
        case .sslUnsupported:
            return LedgerError(
                .unavailable,
                "\(server) does not offer TLS, but the ledger URL asks for sslmode=\(settings.sslMode.rawValue) "
                    + "(\(action)); enable ssl on the server, or set sslmode=disable in ASSETFORGE_LEDGER_URL if the "
                    + "network is trusted")
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return LedgerError(
                .unavailable,
                "the TLS handshake with \(server) failed (\(action), code \(error.code)); check the server's "
                    + "certificate and the sslmode and sslrootcert in ASSETFORGE_LEDGER_URL")
        case .authMechanismRequiresPassword:
            return LedgerError(
                .unavailable,
                "\(server) asks \(user) for a password, but ASSETFORGE_LEDGER_URL has none (\(action)); add it: "
                    + "postgres://\(user):PASSWORD@\(settings.endpoint)/\(settings.database ?? user)")
        case .unsupportedAuthMechanism:
            return LedgerError(
                .unavailable,
                "\(server) asks \(user) to log in with a method the driver does not support (\(action)); configure "
                    + "scram-sha-256, md5 or password for this user in the server's pg_hba.conf")
        case .saslError:
            return LedgerError(
                .unavailable,
                "the SCRAM login of \(user) at \(server) failed (\(action)); check the password in "
                    + "ASSETFORGE_LEDGER_URL")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return LedgerError(
                .unavailable,
                "the connection to \(server) was closed while \(action) (\(error.code)); check that the server is "
                    + "running, then retry")
        case .poolClosed:
            return closed(settings)
        case .queryCancelled:
            return LedgerError(.unavailable, "\(action) on \(settings) was cancelled")
        default:
            return LedgerError(
                .queryFailed, "\(action) failed on \(settings): the driver reported \(error.code)")
        }
    }

    /// An error the server sent, by its SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html).
    private static func serverError(
        _ error: PSQLError, settings: PostgresLedgerSettings, action: String
    ) -> LedgerError {
        let state = error.serverInfo?[.sqlState] ?? "?????"
        var detail = error.serverInfo?[.message] ?? "no message"
        if let more = error.serverInfo?[.detail] { detail += "; \(more)" }
        if let hint = error.serverInfo?[.hint] { detail += "; hint: \(hint)" }
        detail += " (SQLSTATE \(state))"
        let server = "PostgreSQL at \(settings.endpoint)"
        let user = settings.username
        let database = settings.database ?? user

        switch state {
        case "28P01", "28000":
            return LedgerError(
                .unavailable,
                "\(server) refused the login of \(user) to database \(database) (\(action)): \(detail); check the "
                    + "user name and password in ASSETFORGE_LEDGER_URL and the server's pg_hba.conf")
        case "3D000":
            return LedgerError(
                .unavailable,
                "the database \(database) does not exist on \(server) (\(action)): \(detail); create it (createdb "
                    + "-h \(settings.host) -p \(settings.port) -U \(user) \(database)) or name another one in "
                    + "ASSETFORGE_LEDGER_URL")
        case "53300", "57P01", "57P02", "57P03", "53100", "53200":
            return LedgerError(
                .unavailable,
                "\(server) cannot serve the ledger now (\(action)): \(detail); check that the server is running, "
                    + "has connections and disk free, then retry")
        case "25006":
            return LedgerError(
                .unavailable,
                "\(server) is read-only (\(action)): \(detail); point ASSETFORGE_LEDGER_URL at the primary server")
        case "42501":
            return LedgerError(
                .unavailable,
                "\(user) lacks a privilege on database \(database) at \(server) (\(action)): \(detail); grant it, "
                    + "or use a database \(user) owns")
        case "XX001", "XX002":
            return LedgerError(
                .corrupt,
                "\(server) reports damaged data in database \(database) (\(action)): \(detail); restore it from a "
                    + "backup")
        case "40001", "40P01":
            return LedgerError(
                .queryFailed,
                "\(action) on \(settings) conflicted with another transaction: \(detail); retry")
        default:
            if state.hasPrefix("08") {
                return LedgerError(
                    .unavailable,
                    "the connection to \(server) failed (\(action)): \(detail); check that the server is running, "
                        + "then retry")
            }
            return LedgerError(.queryFailed, "\(action) failed on \(settings): \(detail)")
        }
    }
}
