import AssetForgeConfiguration
import AsyncHTTPClient
import Crypto
import Events
import Foundation
import Kafka
import Ledger
import KafkaTestSupport
import Logging
import Pipeline
import ProviderSimulator
import Providers

/// One pipeline under test: unique topics, a temporary ledger and file store, a provider simulator with fast
/// tasks, and the environment an `assetforge run` process (or an in-process ``AssetForgeService``) reads.
struct PipelineHarness {
    let simulator: ProviderSimulator
    let topics: (listed: String, promoted: String, ready: String, failed: String, dlq: String)
    /// Partitions of the two input topics.
    static let inputPartitions = (listed: 3, promoted: 2)
    let directory: URL
    let group: String

    static let logger: Logger = {
        var logger = Logger(label: "assetforge.pipeline.tests")
        logger.logLevel = ProcessInfo.processInfo.environment["ASSETFORGE_TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()

    /// A harness; `taskSeconds` is how long each simulated vendor task takes.
    static func make(taskSeconds: Double = 0.3, configure: (inout SimulatorConfiguration) -> Void = { _ in })
        async throws -> PipelineHarness
    {
        var configuration = SimulatorConfiguration()
        configuration.taskSeconds = ["wanx": taskSeconds, "jimeng": taskSeconds, "kling": taskSeconds, "hailuo": taskSeconds]
        configuration.queuedFraction = 0.1
        configure(&configuration)
        let simulator = try await ProviderSimulator.start(configuration: configuration)
        let id = TestBroker.unique("pipe")
        let topics = (
            listed: "\(id).product.listed", promoted: "\(id).sku.promoted", ready: "\(id).asset.ready",
            failed: "\(id).asset.failed", dlq: "\(id).dlq"
        )
        try await TestBroker.createTopics([
            (topics.listed, inputPartitions.listed), (topics.promoted, inputPartitions.promoted), (topics.ready, 3),
            (topics.failed, 1), (topics.dlq, 1),
        ])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(id, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return PipelineHarness(simulator: simulator, topics: topics, directory: directory, group: "\(id).group")
    }

    /// One line per key from this harness's ledger (kind, provider, state, attempts), for failure messages.
    func describeLedgerEntries(_ keys: [String]) async throws -> String {
        guard !keys.isEmpty else { return "none" }
        let ledger = try await SQLiteLedgerStore.open(
            path: directory.appendingPathComponent("ledger.db").path, logger: Self.logger)
        var lines: [String] = []
        for key in keys.prefix(20) {
            guard let entry = try await ledger.entry(key) else {
                lines.append("\(key): not in the ledger")
                continue
            }
            lines.append(
                "\(key): \(entry.command.kind.rawValue)/\(entry.command.variant ?? entry.command.locale ?? "-") sku=\(entry.command.sku) provider=\(entry.provider ?? "-") "
                    + "state=\(entry.state.rawValue) attempts=\(entry.attempts) task=\(entry.providerTaskID ?? "-")")
        }
        await ledger.close()
        return lines.joined(separator: "; ")
    }

    func shutdown() async {
        await simulator.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The environment of an AssetForge process for this harness.
    func environment(group: String? = nil, httpPort: Int = 0) throws -> [String: String] {
        let credentials = simulator.configuration.credentials
        let base = simulator.baseURL.absoluteString
        var environment: [String: String] = [
            "ASSETFORGE_KAFKA_BROKERS": try TestBroker.brokers().joined(separator: ","),
            "ASSETFORGE_KAFKA_GROUP": group ?? self.group,
            "ASSETFORGE_KAFKA_OFFSET_RESET": "earliest",
            "ASSETFORGE_KAFKA_SESSION_TIMEOUT_MS": "6000",
            "ASSETFORGE_TOPIC_PRODUCT_LISTED": topics.listed,
            "ASSETFORGE_TOPIC_SKU_PROMOTED": topics.promoted,
            "ASSETFORGE_TOPIC_ASSET_READY": topics.ready,
            "ASSETFORGE_TOPIC_ASSET_FAILED": topics.failed,
            "ASSETFORGE_TOPIC_DLQ": topics.dlq,
            "ASSETFORGE_LEDGER_URL": "sqlite://" + directory.appendingPathComponent("ledger.db").path,
            "ASSETFORGE_STORE_URL": "file://" + directory.appendingPathComponent("assets").path,
            "ASSETFORGE_HTTP_PORT": "\(httpPort)",
            "ASSETFORGE_LOG_LEVEL": "warning",
            "ASSETFORGE_DASHSCOPE_BASE_URL": base,
            "ASSETFORGE_KLING_BASE_URL": base,
            "ASSETFORGE_MINIMAX_BASE_URL": base,
            "ASSETFORGE_VOLCENGINE_BASE_URL": base,
            "DASHSCOPE_API_KEY": credentials.dashscopeAPIKey,
            "KLING_ACCESS_KEY": credentials.klingAccessKey,
            "KLING_SECRET_KEY": credentials.klingSecretKey,
            "MINIMAX_API_KEY": credentials.minimaxAPIKey,
            "VOLCENGINE_ACCESS_KEY": credentials.volcengineAccessKey,
            "VOLCENGINE_SECRET_KEY": credentials.volcengineSecretKey,
        ]
        // The simulator's tasks take a fraction of a second, not minutes: pace and poll accordingly.
        for name in ["WANX", "QWEN", "KLING", "HAILUO", "JIMENG"] {
            environment["ASSETFORGE_\(name)_MAX_IN_FLIGHT"] = "32"
            environment["ASSETFORGE_\(name)_SUBMITS_PER_SECOND"] = "500"
            environment["ASSETFORGE_\(name)_SUBMIT_BURST"] = "100"
            environment["ASSETFORGE_\(name)_FIRST_POLL_SECONDS"] = "0.2"
            environment["ASSETFORGE_\(name)_POLL_INTERVAL_SECONDS"] = "0.2"
            environment["ASSETFORGE_\(name)_MAX_POLL_INTERVAL_SECONDS"] = "0.5"
        }
        return environment
    }

    /// Runs an in-process service for this harness until `body` returns; returns what `body` returned.
    func withService<T: Sendable>(
        group: String? = nil, environment extra: [String: String] = [:],
        _ body: @escaping @Sendable (_ httpPort: Int) async throws -> T
    ) async throws -> T {
        let configuration = try await AssetForgeConfiguration.load(
            environment: environment(group: group).merging(extra) { $1 })
        let port = Locked<Int?>(nil)
        var options = AssetForgeService.Options()
        options.fleet.http.requestTimeout = .seconds(30)
        options.leaseDuration = .seconds(5)
        options.pollInterval = .milliseconds(200)
        options.onHTTPRunning = { bound in port.withLock { $0 = bound } }
        let service = AssetForgeService(configuration: configuration, options: options, logger: Self.logger)
        let task = Task { try await service.run() }
        do {
            try await waitUntil("the service's HTTP port", within: .seconds(60)) { port.value != nil }
            let value = try await body(port.value ?? 0)
            task.cancel()
            try await task.value
            return value
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }

    // MARK: Events

    /// A sample product photo the simulator serves (small, so the debug build's image work stays quick).
    func sampleURL(_ name: String) -> String {
        simulator.baseURL.appendingPathComponent("samples/\(name).png").absoluteString + "?w=320&h=320"
    }

    static func productListed(sku: String, imageURL: String, languages: [String], title: String? = nil,
                              description: String? = nil, eventID: String = UUID().uuidString) -> [UInt8] {
        var data: [String: Any] = [
            "sku": sku, "title": title ?? "Stoneware mug \(sku)", "sourceImageUrl": imageURL, "languages": languages,
            "category": "Home & Kitchen > Drinkware", "attributes": ["material": "stoneware"],
        ]
        if let description { data["description"] = description }
        return envelope(type: "product.listed", id: eventID, data: data)
    }

    static func skuPromoted(sku: String, sceneImageURL: String? = nil, eventID: String = UUID().uuidString) -> [UInt8] {
        var data: [String: Any] = ["sku": sku, "campaignId": "summer", "roiRank": 1]
        if let sceneImageURL { data["sceneImageUrl"] = sceneImageURL }
        return envelope(type: "sku.promoted", id: eventID, data: data)
    }

    static func envelope(type: String, id: String, data: [String: Any]) -> [UInt8] {
        let object: [String: Any] = [
            "specversion": "1.0", "id": id, "source": "urn:shop:catalog", "type": type,
            "time": "2026-11-26T09:15:00Z", "datacontenttype": "application/json",
            "dataschema": "urn:assetforge:schema:\(type):1", "data": data,
        ]
        return (try? Array(JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))) ?? []
    }

    func produce(_ records: [(topic: String, key: String, value: [UInt8])]) async throws {
        let producer = try await TestBroker.producer()
        let reports = await producer.send(
            records.map { KafkaProducerMessage(topic: $0.topic, key: $0.key, value: $0.value) })
        await producer.close()
        for report in reports { _ = try report.get() }
    }

    // MARK: Outcomes

    /// Reads `asset.ready` and `asset.failed` from the start until `done` says enough, bounded by `bound`.
    func collect(
        within bound: Duration, until done: @escaping @Sendable ([CollectedEvent]) -> Bool
    ) async throws -> [CollectedEvent] {
        let consumer = try await KafkaConsumer.connect(
            configuration: TestBroker.consumerConfiguration(group: TestBroker.unique("collector")),
            topics: [topics.ready, topics.failed])
        let collected = Locked<[CollectedEvent]>([])
        do {
            try await within(bound, "asset events") {
                for try await message in consumer.messages {
                    let event = try CollectedEvent(message, type: message.topic == topics.ready ? .assetReady : .assetFailed)
                    let snapshot = collected.withLock { events in
                        events.append(event)
                        return events
                    }
                    if done(snapshot) { return }
                }
            }
        } catch let timeout as TimedOut {
            try? await consumer.close()
            let events = collected.value
            throw CollectionTimedOut(timeout: timeout, ready: events.filter { $0.ready != nil }.count,
                                     failed: events.filter { $0.failed != nil }.count)
        }
        try? await consumer.close()
        return collected.value
    }
}

struct CollectionTimedOut: Error, CustomStringConvertible {
    var timeout: TimedOut
    var ready: Int
    var failed: Int
    var description: String { "\(timeout) (got \(ready) asset.ready and \(failed) asset.failed)" }
}

/// One consumed outcome event.
struct CollectedEvent: Sendable {
    var id: String
    var value: [UInt8]
    var ready: AssetReady?
    var failed: AssetFailed?

    init(_ message: KafkaConsumerMessage, type: EventType) throws {
        value = message.value
        let event = try EventDecoder().decode(
            value: message.value, headers: message.headers.map { RecordHeader(name: $0.key, value: $0.value) },
            as: type)
        switch event {
        case .assetReady(let ready):
            id = ready.id
            self.ready = ready.data
        case .assetFailed(let failed):
            id = failed.id
            self.failed = failed.data
        default:
            throw UnexpectedEvent(type: "\(event.type)")
        }
    }

    struct UnexpectedEvent: Error {
        var type: String
    }
}

/// Fetches `url` and returns its bytes and content type.
func fetch(_ url: String) async throws -> (bytes: [UInt8], contentType: String?) {
    let request = HTTPClientRequest(url: url)
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    guard response.status == .ok else { throw FetchFailed(url: url, status: Int(response.status.code)) }
    let body = try await response.body.collect(upTo: 64 << 20)
    return (Array(body.readableBytesView), response.headers.first(name: "content-type"))
}

struct FetchFailed: Error {
    var url: String
    var status: Int
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
