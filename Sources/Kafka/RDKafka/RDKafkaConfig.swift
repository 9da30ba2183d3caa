import CRDKafka

/// Builds an `rd_kafka_conf_t` from properties, failing on the first unknown property or bad value.
enum RDKafkaConfig {
    /// Returns a new `rd_kafka_conf_t*`; the caller owns it until it is handed to `rd_kafka_new`.
    static func make(_ properties: [(String, String)]) throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: .operationFailed, message: "rd_kafka_conf_new returned nothing (out of memory?)")
        }
        for (name, value) in properties {
            var errstr = [CChar](repeating: 0, count: 512)
            let result = rd_kafka_conf_set(conf, name, value, &errstr, errstr.count)
            switch result {
            case RD_KAFKA_CONF_OK:
                continue
            case RD_KAFKA_CONF_UNKNOWN:
                rd_kafka_conf_destroy(conf)
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "unknown librdkafka property '\(name)'; see librdkafka's CONFIGURATION.md for valid names",
                    property: name
                )
            default:
                rd_kafka_conf_destroy(conf)
                throw KafkaError(
                    code: .invalidConfiguration,
                    message: "bad value for '\(name)': \(errstr.asString)",
                    property: name
                )
            }
        }
        return conf
    }

    /// Whether librdkafka knows a property name.
    static func isKnownProperty(_ name: String) -> Bool {
        guard let conf = rd_kafka_conf_new() else { return false }
        defer { rd_kafka_conf_destroy(conf) }
        var size = 0
        if rd_kafka_conf_get(conf, name, nil, &size) == RD_KAFKA_CONF_OK { return true }
        // Topic-level properties (such as `acks`) are accepted on the global conf but read from the topic conf.
        guard let topicConf = rd_kafka_topic_conf_new() else { return false }
        defer { rd_kafka_topic_conf_destroy(topicConf) }
        return rd_kafka_topic_conf_get(topicConf, name, nil, &size) == RD_KAFKA_CONF_OK
    }

    /// Finds the property a librdkafka creation error names (quoted with backticks or double quotes).
    static func propertyNamed(in message: String) -> String? {
        for quote in ["`", "\""] {
            let parts = message.components(separatedBy: quote)
            var index = 1
            while index < parts.count {
                if isKnownProperty(parts[index]) { return parts[index] }
                index += 2
            }
        }
        return nil
    }
}

extension Array where Element == CChar {
    /// The NUL-terminated text in the buffer.
    var asString: String {
        withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return "" }
            return String(cString: base)
        }
    }
}

extension String {
    func components(separatedBy separator: String) -> [String] {
        split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}
