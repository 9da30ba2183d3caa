import Foundation
import Kafka
import Synchronization
import Testing

/// The real broker: `ASSETFORGE_TEST_KAFKA_BROKERS` (set by deploy/test.sh), as in KafkaIntegrationTests.
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

    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    static func createTopics(_ topics: [(String, Int)]) async throws {
        let admin = try KafkaAdminClient(configuration: KafkaClientConfiguration(bootstrapServers: brokers()))
        try await admin.createTopics(topics.map { KafkaAdminClient.NewTopic(name: $0.0, partitions: $0.1) })
        await admin.close()
    }

    static func producer() async throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(bootstrapServers: try brokers())
        configuration.linger = .milliseconds(1)
        // Room for the oversize records of the tests.
        configuration.client.properties["message.max.bytes"] = "4000000"
        return try await KafkaProducer.connect(configuration: configuration)
    }

    static func consumer(group: String, topics: [String]) async throws -> KafkaConsumer {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: try brokers(), groupID: group)
        configuration.offsetReset = .earliest
        configuration.sessionTimeout = .seconds(6)
        configuration.commitInterval = .milliseconds(200)
        return try await KafkaConsumer.connect(configuration: configuration, topics: topics)
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` every 50 ms until it holds; throws ``TimedOut`` after `bound`.
func waitUntil(_ what: String, within bound: Duration = .seconds(60), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: bound)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// A value shared between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    var value: Value { mutex.withLock { $0 } }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
