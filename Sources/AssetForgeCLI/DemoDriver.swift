import AssetForgeConfiguration
import Events
import Foundation
import Kafka
import Pipeline
import Synchronization

/// The sample events the demo publishes: the valid `product.listed` and `sku.promoted` examples whose images the
/// simulator serves (`http://127.0.0.1:8090/samples/…`, moved to wherever the simulator listens).
struct SampleEvents: Sendable {
    struct Sample: Sendable {
        var type: EventType
        var file: String
        var key: String
        var value: [UInt8]
    }

    static let sampleHost = "http://127.0.0.1:8090/"

    var samples: [Sample]

    /// Reads `DIRECTORY/{product.listed,sku.promoted}/valid/*.json`.
    static func load(directory: String) throws -> SampleEvents {
        var samples: [Sample] = []
        for type in [EventType.productListed, .skuPromoted] {
            let folder = URL(fileURLWithPath: directory).appendingPathComponent("\(type.rawValue)/valid")
            let files: [String]
            do {
                files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            } catch {
                throw ValidationErrorMessage(
                    "cannot read the sample events in \(folder.path): \(error.localizedDescription); "
                        + "run from the repository root or pass --examples DIRECTORY")
            }
            for file in files.sorted() {
                let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(file)))
                let event = try EventDecoder().decode(envelope: bytes, as: type)
                // Only samples whose images the simulator serves: others would fail to download, by design.
                let images: [String]
                switch event {
                case .productListed(let listed): images = [listed.data.sourceImageUrl]
                case .skuPromoted(let promoted): images = promoted.data.sceneImageUrl.map { [$0] } ?? []
                default: images = []
                }
                guard images.allSatisfy({ $0.hasPrefix(sampleHost) }) else { continue }
                samples.append(Sample(type: type, file: file, key: event.sku, value: bytes))
            }
        }
        guard !samples.isEmpty else { throw ValidationErrorMessage("no usable sample events in \(directory)") }
        return SampleEvents(samples: samples)
    }

    /// The samples with the simulator's address in their image URLs.
    func rewritingSampleHost(to base: URL) -> SampleEvents {
        let host = base.absoluteString.hasSuffix("/") ? base.absoluteString : base.absoluteString + "/"
        return SampleEvents(
            samples: samples.map { sample in
                var sample = sample
                let text = String(decoding: sample.value, as: UTF8.self)
                sample.value = Array(text.replacingOccurrences(of: Self.sampleHost, with: host).utf8)
                return sample
            })
    }

    /// The assets the samples ask for, by the default recipe.
    var expectedAssets: Int {
        samples.reduce(0) { total, sample in
            guard case .productListed(let listed)? = try? EventDecoder().decode(envelope: sample.value, as: sample.type)
            else { return total + 1 }
            return total + Planner().commands(for: listed).count
        }
    }
}

/// Publishes the samples, waits for their outcome events and prints the report.
struct DemoDriver: Sendable {
    var client: KafkaClientConfiguration
    var topics: AssetForgeConfiguration.Topics
    var events: SampleEvents
    var timeout: Duration

    func run() async throws {
        let topics = self.topics
        let admin = try KafkaAdminClient(configuration: client)
        try await admin.createTopics(
            [topics.productListed, topics.skuPromoted, topics.assetReady, topics.assetFailed, topics.deadLetter].map {
                KafkaAdminClient.NewTopic(name: $0, partitions: 3)
            })
        await admin.close()

        var consumerConfiguration = KafkaConsumerConfiguration(
            client: client, groupID: "assetforge.demo.report-\(UUID().uuidString.prefix(8).lowercased())")
        consumerConfiguration.offsetReset = .latest
        consumerConfiguration.sessionTimeout = .seconds(10)
        let consumer = try await KafkaConsumer.connect(
            configuration: consumerConfiguration, topics: [topics.assetReady, topics.assetFailed])
        // Wait for the report consumer's assignment, so no outcome is missed, then publish.
        let clock = ContinuousClock()
        let joinDeadline = clock.now + .seconds(60)
        while consumer.assignment().isEmpty && clock.now < joinDeadline { try await Task.sleep(for: .milliseconds(100)) }

        let producer = try await KafkaProducer.connect(configuration: KafkaProducerConfiguration(client: client))
        let messages = events.samples.map { sample in
            KafkaProducerMessage(
                topic: sample.type == .productListed ? topics.productListed : topics.skuPromoted, key: sample.key,
                value: sample.value)
        }
        for result in await producer.send(messages) { _ = try result.get() }
        await producer.close()
        let expected = events.expectedAssets
        say(
            "published \(events.samples.count) sample events (\(events.samples.map(\.file).joined(separator: ", "))); "
                + "waiting for \(expected) assets")

        let outcomes = Outcomes()
        let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                var lastProgress = clock.now
                for try await message in consumer.messages {
                    let type: EventType = message.topic == topics.assetReady ? .assetReady : .assetFailed
                    if let event = try? EventDecoder().decode(envelope: message.value, as: type) {
                        outcomes.add(event)
                    }
                    consumer.markDone(message)
                    let done = outcomes.count
                    if clock.now - lastProgress > .seconds(10) {
                        lastProgress = clock.now
                        say("\(done) of \(expected) assets done")
                    }
                    if done >= expected { return true }
                }
                return false
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !finished { say("gave up waiting after \(timeout); reporting what is there") }
        try? await consumer.close()
        report(ready: outcomes.ready, failed: outcomes.failed, expected: expected)
    }

    private func report(ready: [AssetReady], failed: [AssetFailed], expected: Int) {
        say("report: \(ready.count) assets ready, \(failed.count) failed, \(expected) expected")
        for kind in AssetKind.allCases {
            let assets = ready.filter { $0.kind == kind }.sorted { ($0.sku, $0.variant ?? $0.locale ?? "") < ($1.sku, $1.variant ?? $1.locale ?? "") }
            guard !assets.isEmpty else { continue }
            let cost = assets.compactMap(\.cost?.amount).reduce(0, +)
            say("\(kind) (\(assets.count), would have cost \(String(format: "%.2f", cost)) CNY at the vendors):")
            for asset in assets {
                say("  \(asset.sku) \(asset.variant ?? asset.locale ?? "") \(asset.provider) \(asset.url)")
            }
        }
        for failure in failed.sorted(by: { $0.sku < $1.sku }) {
            say("  failed: \(failure.sku) \(failure.kind) \(failure.variant ?? failure.locale ?? ""): \(failure.reason)")
        }
        let total = ready.compactMap(\.cost?.amount).reduce(0, +)
        say("total: \(String(format: "%.2f", total)) CNY is what the real providers would have charged")
    }
}

/// A plain error message for the command line.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Outcome events seen by the demo, by asset id (a republished event counts once).
final class Outcomes: Sendable {
    private let state = Mutex<(ready: [String: AssetReady], failed: [String: AssetFailed])>(([:], [:]))

    func add(_ event: AnyEvent) {
        state.withLock { state in
            switch event {
            case .assetReady(let ready): state.ready[ready.data.assetId] = ready.data
            case .assetFailed(let failed): state.failed[failed.data.assetId] = failed.data
            default: break
            }
        }
    }

    var count: Int { state.withLock { $0.ready.count + $0.failed.count } }
    var ready: [AssetReady] { state.withLock { Array($0.ready.values) } }
    var failed: [AssetFailed] { state.withLock { Array($0.failed.values) } }
}
