import CRDKafka
import Logging

/// Cluster administration: creating topics and reading partition counts.
public final class KafkaAdminClient: Sendable {
    /// A topic to create.
    public struct NewTopic: Sendable {
        /// The topic name.
        public var name: String
        /// The number of partitions.
        public var partitions: Int
        /// The replication factor; -1 takes the broker's default.
        public var replicationFactor: Int

        /// Creates a topic description.
        public init(name: String, partitions: Int, replicationFactor: Int = -1) {
            self.name = name
            self.partitions = partitions
            self.replicationFactor = replicationFactor
        }
    }

    private let client: RDKafkaClient
    private let configuration: KafkaClientConfiguration

    /// Creates an admin client. Fails with ``KafkaError/Code/invalidConfiguration`` naming a bad property.
    public init(configuration: KafkaClientConfiguration, logger: Logger = Logger(label: "assetforge.kafka.admin")) throws(KafkaError) {
        self.configuration = configuration
        self.client = try RDKafkaClient(
            kind: .producer,
            properties: try configuration.rdKafkaProperties() + configuration.properties.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            callbacks: RDKafkaCallbacks(logger: logger)
        )
    }

    /// Creates topics; a topic that already exists is not an error.
    public func createTopics(_ topics: [NewTopic], timeout: Duration = .seconds(30)) async throws {
        guard !topics.isEmpty else { return }
        let client = self.client
        try await BlockingCall.run {
            var errstr = [CChar](repeating: 0, count: 512)
            var newTopics: [OpaquePointer?] = []
            defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
            for topic in topics {
                guard let created = rd_kafka_NewTopic_new(
                    topic.name, Int32(clamping: topic.partitions), Int32(clamping: topic.replicationFactor), &errstr, errstr.count)
                else {
                    throw KafkaError(code: .invalidUse, message: "bad topic \(topic.name): \(errstr.asString)")
                }
                newTopics.append(created)
            }
            guard let queue = rd_kafka_queue_new(client.handle) else {
                throw KafkaError(code: .operationFailed, message: "cannot create a result queue")
            }
            defer { rd_kafka_queue_destroy(queue) }
            rd_kafka_CreateTopics(client.handle, &newTopics, newTopics.count, nil, queue)
            guard let event = rd_kafka_queue_poll(queue, Int32(clamping: timeout.milliseconds)) else {
                throw KafkaError(code: .timedOut, message: "creating topics got no answer within \(timeout)")
            }
            defer { rd_kafka_event_destroy(event) }
            let eventError = rd_kafka_event_error(event)
            guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError.rdKafka(eventError, "creating topics failed")
            }
            guard let result = rd_kafka_event_CreateTopics_result(event) else {
                throw KafkaError(code: .operationFailed, message: "unexpected admin result")
            }
            var count = 0
            guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
            for index in 0..<count {
                let err = rd_kafka_topic_result_error(results[index])
                guard err != RD_KAFKA_RESP_ERR_NO_ERROR, err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else { continue }
                let name = String(cString: rd_kafka_topic_result_name(results[index]))
                let text = rd_kafka_topic_result_error_string(results[index]).map { String(cString: $0) } ?? ""
                throw KafkaError(
                    code: .operationFailed,
                    message: "creating topic \(name) failed: \(text)",
                    rdKafkaCode: Int32(err.rawValue)
                )
            }
        }
    }

    /// The number of partitions of a topic, or nil when the cluster does not know it.
    public func partitionCount(of topic: String, timeout: Duration = .seconds(10)) async throws -> Int? {
        let client = self.client
        return try await BlockingCall.run { () throws -> Int? in
            guard let rkt = rd_kafka_topic_new(client.handle, topic, nil) else { return nil }
            defer { rd_kafka_topic_destroy(rkt) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let err = rd_kafka_metadata(client.handle, 0, rkt, &metadata, Int32(clamping: timeout.milliseconds))
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                throw KafkaError.rdKafka(err, "metadata request for \(topic) failed")
            }
            defer { rd_kafka_metadata_destroy(metadata) }
            guard metadata.pointee.topic_cnt > 0, let topics = metadata.pointee.topics else { return nil }
            let entry = topics[0]
            guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            return Int(entry.partition_cnt)
        }
    }

    /// Throws ``KafkaError/Code/brokerUnreachable`` unless a broker answers a metadata request in time.
    public func checkBrokers(timeout: Duration? = nil) async throws {
        let client = self.client
        let servers = configuration.bootstrapServers.joined(separator: ",")
        let bound = timeout ?? configuration.connectTimeout
        try await BlockingCall.run { try client.checkBrokersAnswer(bootstrapServers: servers, timeout: bound) }
    }

    /// Releases the client.
    public func close() async {
        let client = self.client
        _ = try? await BlockingCall.run { client.destroy() }
    }
}
