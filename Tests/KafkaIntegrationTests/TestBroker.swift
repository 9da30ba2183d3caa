import Foundation
import Kafka
import Testing

/// The real broker the integration tests run against: `ASSETFORGE_TEST_KAFKA_BROKERS` (set by deploy/test.sh).
enum TestBroker {
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "ASSETFORGE_TEST_KAFKA_BROKERS is not set: run the tests with `bash deploy/test.sh`, which starts a "
                + "local broker, or point the variable at a running Kafka-compatible broker (host:port)."
        }
    }

    static func brokers() throws -> [String] {
        guard let value = ProcessInfo.processInfo.environment["ASSETFORGE_TEST_KAFKA_BROKERS"], !value.isEmpty else {
            throw NotConfigured()
        }
        return value.split(separator: ",").map(String.init)
    }

    /// Creates a topic with a unique name.
    static func makeTopic(_ prefix: String, partitions: Int) async throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try KafkaAdminClient(configuration: KafkaClientConfiguration(bootstrapServers: brokers()))
        defer { Task { await admin.close() } }
        try await admin.createTopics([.init(name: name, partitions: partitions)])
        return name
    }

    static func producer(_ change: (inout KafkaProducerConfiguration) -> Void = { _ in }) async throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(bootstrapServers: try brokers())
        configuration.linger = .milliseconds(1)
        change(&configuration)
        return try await KafkaProducer.connect(configuration: configuration)
    }

    static func consumerConfiguration(group: String) throws -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: try brokers(), groupID: group)
        configuration.offsetReset = .earliest
        configuration.sessionTimeout = .seconds(6)
        configuration.commitInterval = .milliseconds(200)
        return configuration
    }

    static func uniqueGroup(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `body` with a time bound; throws ``TimedOut`` when it does not finish in time.
func within<T: Sendable>(
    _ bound: Duration,
    _ what: String,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: bound)
            throw TimedOut(what: what)
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw TimedOut(what: what) }
        return result
    }
}

extension KafkaConsumer {
    /// Reads exactly `count` messages, bounded in time.
    func take(_ count: Int, within bound: Duration = .seconds(30)) async throws -> [KafkaConsumerMessage] {
        try await within(bound, "\(count) messages") {
            var result: [KafkaConsumerMessage] = []
            guard count > 0 else { return result }
            for try await message in self.messages {
                result.append(message)
                if result.count == count { break }
            }
            return result
        }
    }

    /// Asserts that no message arrives for `quiet`.
    func expectNoMessage(for quiet: Duration) async throws -> KafkaConsumerMessage? {
        do {
            return try await within(quiet, "silence") {
                for try await message in self.messages { return message }
                return nil
            }
        } catch is TimedOut {
            return nil
        }
    }

    /// Waits until this member holds exactly `count` partitions.
    func waitForAssignment(count: Int, within bound: Duration = .seconds(40)) async throws {
        try await within(bound, "an assignment of \(count) partitions") {
            while self.assignment().count != count {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

func message(_ topic: String, _ index: Int, partition: Int32? = nil, size: Int = 0) -> KafkaProducerMessage {
    var value = Array("message-\(index)".utf8)
    if size > value.count { value += Array(repeating: UInt8(ascii: "x"), count: size - value.count) }
    return KafkaProducerMessage(topic: topic, partition: partition, key: "key-\(index)", value: value)
}
