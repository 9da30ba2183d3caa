import PostgresNIO

extension PostgresLedgerSettings {
    /// The connection pool's configuration.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch tlsConfiguration() {
        case .none: tls = .disable
        case .some(let configuration) where sslMode == .prefer: tls = .prefer(configuration)
        case .some(let configuration): tls = .require(configuration)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }

    /// The configuration of a single connection outside the pool (the one that migrates the schema at start).
    /// - Throws: ``LedgerError/Code/unavailable`` when the TLS settings cannot be used (e.g. an unreadable
    ///   `sslrootcert` file).
    func connectionConfiguration() throws(LedgerError) -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        if let tlsConfiguration = tlsConfiguration() {
            let context: NIOSSLContext
            do {
                context = try NIOSSLContext(configuration: tlsConfiguration)
            } catch {
                throw LedgerError(
                    .unavailable,
                    "cannot set up TLS (sslmode=\(sslMode.rawValue)) for \(self): \(error)"
                        + (sslRootCertificate.map { "; check that \($0) (sslrootcert) is a readable PEM file" } ?? ""))
            }
            tls = sslMode == .prefer ? .prefer(context) : .require(context)
        } else {
            tls = .disable
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = TimeAmount(connectTimeout)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    /// The TLS client settings for ``sslMode``, or `nil` for no TLS.
    private func tlsConfiguration() -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let sslRootCertificate {
            configuration.trustRoots = .file(sslRootCertificate)
        }
        switch sslMode {
        case .disable:
            return nil
        case .prefer:
            configuration.certificateVerification = .none
        case .require:
            // libpq: `require` checks the CA only when a root certificate file is given.
            configuration.certificateVerification = sslRootCertificate == nil ? .none : .noHostnameVerification
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
        }
        return configuration
    }
}
