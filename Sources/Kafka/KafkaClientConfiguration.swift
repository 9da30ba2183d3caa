/// Settings shared by producers, consumers and admin clients: where the brokers are and how to reach them.
public struct KafkaClientConfiguration: Sendable {
    /// Initial brokers as `host:port` (librdkafka `bootstrap.servers`).
    public var bootstrapServers: [String]
    /// The client id sent to brokers (librdkafka `client.id`). Default `assetforge`.
    public var clientID: String = "assetforge"
    /// Transport security and authentication. Default: plaintext.
    public var security: KafkaSecurity = .plaintext
    /// How long a start-up connectivity check waits for a broker to answer a metadata request. Default 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// librdkafka's `socket.connection.setup.timeout.ms`: the bound on one TCP/TLS/SASL connection set-up.
    /// Default 10 s.
    public var connectionSetupTimeout: Duration = .seconds(10)
    /// Raw librdkafka properties, applied after the typed settings (so they win).
    ///
    /// Any property librdkafka knows may be passed; unknown names and bad values fail at creation with
    /// ``KafkaError/Code/invalidConfiguration`` naming the property.
    public var properties: [String: String] = [:]

    /// Creates a configuration for the given brokers.
    public init(bootstrapServers: [String]) {
        self.bootstrapServers = bootstrapServers
    }

    /// The typed settings as librdkafka properties, in the order they are applied.
    func rdKafkaProperties() throws(KafkaError) -> [(String, String)] {
        let servers = bootstrapServers.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        guard !servers.isEmpty else {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "no bootstrap servers given; set at least one host:port",
                property: "bootstrap.servers"
            )
        }
        for server in servers where !Self.isHostPort(server) {
            throw KafkaError(
                code: .invalidConfiguration,
                message: "'\(server)' is not host:port (for example 127.0.0.1:9092)",
                property: "bootstrap.servers"
            )
        }
        var result: [(String, String)] = [
            ("bootstrap.servers", servers.joined(separator: ",")),
            ("client.id", clientID),
            ("socket.connection.setup.timeout.ms", String(connectionSetupTimeout.milliseconds)),
        ]
        result += try security.rdKafkaProperties()
        return result
    }

    private static func isHostPort(_ value: String) -> Bool {
        // Accept an optional scheme-less `host:port`, `[v6]:port`, and librdkafka's `PROTO://host:port`.
        var rest = Substring(value)
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        guard let colon = rest.lastIndex(of: ":") else { return false }
        let host = rest[..<colon]
        let port = rest[rest.index(after: colon)...]
        guard !host.isEmpty, let number = Int(port), (1...65535).contains(number) else { return false }
        return true
    }
}

/// Transport security and SASL authentication for a Kafka client.
public struct KafkaSecurity: Sendable {
    /// librdkafka's `security.protocol`.
    public enum TransportProtocol: String, Sendable {
        case plaintext
        case ssl
        case saslPlaintext = "sasl_plaintext"
        case saslSSL = "sasl_ssl"
    }

    /// librdkafka's `sasl.mechanisms`.
    public enum SASLMechanism: String, Sendable {
        case plain = "PLAIN"
        case scramSHA256 = "SCRAM-SHA-256"
        case scramSHA512 = "SCRAM-SHA-512"
    }

    /// The transport protocol.
    public var transport: TransportProtocol
    /// The SASL mechanism; required for the SASL transports.
    public var saslMechanism: SASLMechanism?
    /// The SASL user name.
    public var saslUsername: String?
    /// The SASL password (never logged).
    public var saslPassword: String?
    /// A CA bundle file for verifying brokers' certificates (`ssl.ca.location`); system CAs when nil.
    public var caLocation: String?

    /// No TLS, no authentication.
    public static let plaintext = KafkaSecurity(transport: .plaintext)

    /// SASL over TLS, as managed Kafka services (for example Alibaba Cloud's) use.
    public static func saslSSL(mechanism: SASLMechanism, username: String, password: String) -> KafkaSecurity {
        KafkaSecurity(transport: .saslSSL, saslMechanism: mechanism, saslUsername: username, saslPassword: password)
    }

    /// Creates a security setting.
    public init(
        transport: TransportProtocol,
        saslMechanism: SASLMechanism? = nil,
        saslUsername: String? = nil,
        saslPassword: String? = nil,
        caLocation: String? = nil
    ) {
        self.transport = transport
        self.saslMechanism = saslMechanism
        self.saslUsername = saslUsername
        self.saslPassword = saslPassword
        self.caLocation = caLocation
    }

    func rdKafkaProperties() throws(KafkaError) -> [(String, String)] {
        var result: [(String, String)] = [("security.protocol", transport.rawValue)]
        switch transport {
        case .saslPlaintext, .saslSSL:
            guard let saslMechanism else {
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "security protocol \(transport.rawValue) needs a SASL mechanism",
                    property: "sasl.mechanisms"
                )
            }
            guard let saslUsername, let saslPassword else {
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "SASL mechanism \(saslMechanism.rawValue) needs a user name and a password",
                    property: saslUsername == nil ? "sasl.username" : "sasl.password"
                )
            }
            result += [
                ("sasl.mechanisms", saslMechanism.rawValue),
                ("sasl.username", saslUsername),
                ("sasl.password", saslPassword),
            ]
        case .plaintext, .ssl:
            break
        }
        if let caLocation { result.append(("ssl.ca.location", caLocation)) }
        return result
    }
}

extension Duration {
    /// The duration in whole milliseconds, saturating at `Int.max`.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let total = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return total >= Double(Int.max) ? Int.max : Int(total.rounded(.up))
    }

    /// The duration in milliseconds clamped to librdkafka's `int` timeouts.
    var timeoutMilliseconds: Int32 {
        Int32(clamping: milliseconds)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
