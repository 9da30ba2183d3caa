import CRDKafka
import Logging
import Synchronization

/// Receives librdkafka's callbacks for one client. Created before the client and kept alive until it is destroyed.
final class RDKafkaCallbacks: Sendable {
    let logger: Logger
    /// Called on the polling thread for consumer rebalances (assign, revoke or error).
    let rebalance: (@Sendable (RDKafkaClient.RebalanceCall) -> Void)?
    /// Called on the polling thread for errors librdkafka reports without failing an operation.
    let error: (@Sendable (KafkaError) -> Void)?
    private let lastErrorText = Mutex<String?>(nil)

    init(
        logger: Logger,
        rebalance: (@Sendable (RDKafkaClient.RebalanceCall) -> Void)? = nil,
        error: (@Sendable (KafkaError) -> Void)? = nil
    ) {
        self.logger = logger
        self.rebalance = rebalance
        self.error = error
    }

    /// The text of the last error librdkafka reported, for explaining a failed connectivity check.
    var lastError: String? { lastErrorText.withLock { $0 } }

    fileprivate func recordError(_ text: String) {
        lastErrorText.withLock { $0 = text }
    }
}

/// One `rd_kafka_t` handle. Every C call of the binding goes through this type or its siblings in `RDKafka/`.
///
/// `@unchecked Sendable`: librdkafka handles are thread-safe; the handle is destroyed exactly once, by the
/// owner that created it, after its polling thread has stopped.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind {
        case producer
        case consumer
    }

    /// A rebalance as librdkafka reports it: served synchronously on the polling thread.
    struct RebalanceCall: @unchecked Sendable {
        let handle: OpaquePointer
        let error: rd_kafka_resp_err_t
        let partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    }

    let handle: OpaquePointer
    let kind: Kind
    let callbacks: RDKafkaCallbacks
    private let callbacksReference: Unmanaged<RDKafkaCallbacks>
    private let destroyed = Atomic<Bool>(false)

    /// Creates a handle. `configure` may install extra callbacks (such as the delivery report) on the conf.
    init(
        kind: Kind,
        properties: [(String, String)],
        callbacks: RDKafkaCallbacks,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) {
        let conf = try RDKafkaConfig.make(properties + [("log_level", Self.rdKafkaLogLevel(callbacks.logger.logLevel))])
        let reference = Unmanaged.passRetained(callbacks)
        rd_kafka_conf_set_opaque(conf, reference.toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, text in
            guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
            let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            let message = text.map { String(cString: $0) } ?? ""
            let facilityText = facility.map { String(cString: $0) } ?? ""
            callbacks.logger.log(
                level: RDKafkaClient.logLevel(syslog: level),
                "\(message)",
                metadata: ["rdkafka.facility": "\(facilityText)"]
            )
        }
        rd_kafka_conf_set_error_cb(conf) { _, err, reason, opaque in
            guard let opaque else { return }
            let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            let text = reason.map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(rd_kafka_resp_err_t(err)))
            callbacks.recordError(text)
            let code: KafkaError.Code = err == RD_KAFKA_RESP_ERR__FATAL.rawValue ? .fatal : .operationFailed
            callbacks.error?(KafkaError(code: code, message: text, rdKafkaCode: err))
        }
        if callbacks.rebalance != nil {
            rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
                guard let rk, let partitions, let opaque else { return }
                let callbacks = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
                callbacks.rebalance?(RebalanceCall(handle: rk, error: err, partitions: partitions))
            }
        }
        configure(conf)
        var errstr = [CChar](repeating: 0, count: 512)
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            reference.release()
            let text = errstr.asString
            throw KafkaError(code: .invalidConfiguration, message: text, property: RDKafkaConfig.propertyNamed(in: text))
        }
        self.handle = handle
        self.kind = kind
        self.callbacks = callbacks
        self.callbacksReference = reference
    }

    /// Destroys the handle (once). Blocking: call it off the cooperative pool.
    func destroy() {
        guard !destroyed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        rd_kafka_destroy(handle)
        callbacksReference.release()
    }

    /// Asks any broker for cluster metadata; throws ``KafkaError/Code/brokerUnreachable`` if none answers
    /// within `timeout`. Blocking.
    func checkBrokersAnswer(bootstrapServers: String, timeout: Duration) throws(KafkaError) {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(handle, 0, nil, &metadata, Int32(clamping: timeout.milliseconds))
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let detail = callbacks.lastError ?? String(cString: rd_kafka_err2str(err))
            throw KafkaError(
                code: .brokerUnreachable,
                message: "no Kafka broker at \(bootstrapServers) answered a metadata request within \(timeout)"
                    + " (\(detail)); check that the broker runs and the address is right",
                rdKafkaCode: Int32(err.rawValue)
            )
        }
    }

    static func logLevel(syslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: return .critical
        case 3: return .error
        case 4: return .warning
        case 5: return .notice
        case 6: return .info
        default: return .debug
        }
    }

    static func rdKafkaLogLevel(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "7"
        case .info: return "6"
        case .notice: return "5"
        case .warning: return "4"
        case .error: return "3"
        case .critical: return "2"
        }
    }
}
