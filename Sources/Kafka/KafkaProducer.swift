import CRDKafka
import Logging
import Synchronization

/// Produces messages to Kafka. Idempotent with `acks=all` by default.
///
/// ``send(_:)-(KafkaProducerMessage)`` returns once the broker acknowledged the message (its delivery report
/// arrived) or throws the broker's error. Delivery reports are served by a dedicated thread, never by Swift's
/// cooperative pool. Call ``close()`` to flush outstanding messages and release the client.
public final class KafkaProducer: Sendable {
    private let client: RDKafkaClient
    private let poller: PollingThread
    private let configuration: KafkaProducerConfiguration
    private let logger: Logger
    private let closed = Atomic<Bool>(false)

    /// Creates a producer. Fails with ``KafkaError/Code/invalidConfiguration`` naming a bad property.
    ///
    /// Creation does not contact the brokers; use ``connect(configuration:logger:)`` to also check that one answers.
    public init(configuration: KafkaProducerConfiguration, logger: Logger = Logger(label: "assetforge.kafka.producer")) throws(KafkaError) {
        let properties = try configuration.rdKafkaProperties()
        let client = try RDKafkaClient(
            kind: .producer,
            properties: properties,
            callbacks: RDKafkaCallbacks(logger: logger)
        ) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                guard let message else { return }
                DeliveryBatch.deliver(message)
            }
        }
        self.client = client
        self.configuration = configuration
        self.logger = logger
        self.poller = PollingThread(name: "kafka-producer-poll") { thread in
            while !thread.isStopRequested {
                rd_kafka_poll(client.handle, 100)
            }
        }
    }

    /// Creates a producer and checks that a broker answers within the configured `connectTimeout`.
    public static func connect(
        configuration: KafkaProducerConfiguration,
        logger: Logger = Logger(label: "assetforge.kafka.producer")
    ) async throws -> KafkaProducer {
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        do {
            try await producer.checkBrokers()
        } catch {
            await producer.close()
            throw error
        }
        return producer
    }

    /// Throws ``KafkaError/Code/brokerUnreachable`` unless a broker answers a metadata request in time.
    public func checkBrokers(timeout: Duration? = nil) async throws {
        let client = self.client
        let servers = configuration.client.bootstrapServers.joined(separator: ",")
        let bound = timeout ?? configuration.client.connectTimeout
        try await BlockingCall.run { try client.checkBrokersAnswer(bootstrapServers: servers, timeout: bound) }
    }

    /// Sends one message and waits for its delivery report.
    @discardableResult
    public func send(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport {
        try await send([message])[0].get()
    }

    /// Sends messages (in order per partition) and waits for all delivery reports; one result per message.
    ///
    /// Cheaper per message than single sends: one wake-up for the whole batch.
    public func send(_ messages: [KafkaProducerMessage]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        guard !messages.isEmpty else { return [] }
        let batch = DeliveryBatch(count: messages.count)
        for (index, message) in messages.enumerated() {
            if closed.load(ordering: .acquiring) {
                batch.complete(index, with: .failure(KafkaError(code: .closed, message: "the producer is closed")))
                continue
            }
            while true {
                let err = client.produce(message, opaque: batch.opaque(for: index))
                if err == RD_KAFKA_RESP_ERR_NO_ERROR { break }
                if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                    // The local queue is full: wait for delivery reports to make room.
                    try? await Task.sleep(for: .milliseconds(1))
                    continue
                }
                batch.complete(index, with: .failure(.rdKafka(err, "cannot produce to topic \(message.topic)", defaultCode: .deliveryFailed)))
                break
            }
        }
        // The batch stays alive here until every slot is completed: the callbacks only borrow it.
        return await batch.results()
    }

    /// Waits until every outstanding message was delivered or failed, at most `timeout`.
    public func flush(timeout: Duration? = nil) async throws {
        let client = self.client
        let bound = timeout ?? configuration.flushTimeout
        try await BlockingCall.run {
            let err = rd_kafka_flush(client.handle, Int32(clamping: bound.milliseconds))
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError.rdKafka(err, "flush did not finish within \(bound)")
            }
        }
    }

    /// Flushes outstanding messages (bounded by `flushTimeout`), stops polling and releases the client.
    /// Messages still undelivered after the flush fail with ``KafkaError/Code/closed``-like purge errors rather
    /// than wait forever. Later sends fail with ``KafkaError/Code/closed``. Calling it again does nothing.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        do {
            try await flush()
        } catch {
            logger.warning("closing the producer before all messages were delivered", metadata: ["error": "\(error)"])
        }
        let client = self.client
        _ = try? await BlockingCall.run { Self.purge(client) }
        poller.requestStop()
        await poller.join()
        _ = try? await BlockingCall.run { client.destroy() }
    }

    /// Fails whatever is still queued or in flight, and serves those delivery reports so no sender waits forever.
    private static func purge(_ client: RDKafkaClient) {
        _ = rd_kafka_purge(client.handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        _ = rd_kafka_flush(client.handle, 1000)
    }

    deinit {
        // A producer dropped without close(): fail what is outstanding, stop the thread, release the handle.
        if !closed.load(ordering: .acquiring) {
            poller.requestStop()
            let client = self.client
            let poller = self.poller
            Task.detached {
                _ = try? await BlockingCall.run { Self.purge(client) }
                await poller.join()
                _ = try? await BlockingCall.run { client.destroy() }
            }
        }
    }
}
