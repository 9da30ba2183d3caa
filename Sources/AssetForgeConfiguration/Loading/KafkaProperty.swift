/// Rules for the raw librdkafka properties under `kafka.properties`.
enum KafkaProperty {
    static let keyPrefix = "kafka.properties."

    /// Properties that have a dedicated setting, with that setting's file key.
    static let managed: [String: String] = [
        "bootstrap.servers": "kafka.brokers",
        "metadata.broker.list": "kafka.brokers",
        "group.id": "kafka.group",
        "auto.offset.reset": "kafka.offsetReset",
        "session.timeout.ms": "kafka.sessionTimeoutMs",
    ]

    /// Whether a property's value must be redacted (passwords, secrets, tokens, JAAS configs, key material).
    static func isSensitive(_ name: String) -> Bool {
        let name = name.lowercased()
        return ["password", "secret", "token", "jaas", "key.pem", "credential"].contains { name.contains($0) }
    }

    /// Checks a property name: librdkafka names are letters, digits, `.`, `_` and `-`.
    static func validateName(_ name: String) throws(InvalidValue) {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_".contains($0)) })
        else {
            throw InvalidValue("\"\(name)\" is not a librdkafka property name (letters, digits, '.', '_' and '-')")
        }
    }
}
