import Events
import Foundation
import Testing

@Suite("Encoding asset events")
struct EventEncoderTests {
    static let encoder = EventEncoder()

    static let generated: [(file: String, encode: @Sendable () throws -> EncodedEvent)] = [
        ("asset.ready.marketing-image.json", { try encoder.encode(Samples.marketingImage, time: Samples.time) }),
        ("asset.ready.video.json", { try encoder.encode(Samples.video, time: Samples.time) }),
        ("asset.ready.copy.json", { try encoder.encode(Samples.copy, time: Samples.time) }),
        ("asset.failed.json", { try encoder.encode(Samples.failed, time: Samples.time) }),
    ]

    @Test func readyEnvelope() throws {
        let encoded = try Self.encoder.encode(Samples.marketingImage, time: Samples.time)
        #expect(encoded.type == .assetReady)
        #expect(encoded.id == "ready-" + Samples.assetId)
        #expect(encoded.key == Array("MUG-CER-350-WHT".utf8))
        #expect(encoded.headers == [RecordHeader(name: "content-type", string: "application/cloudevents+json")])
        let event = try EventDecoder().decode(value: encoded.value, headers: encoded.headers, as: .assetReady)
        guard case .assetReady(let ready) = event else {
            Issue.record("decoded \(event.type)")
            return
        }
        #expect(ready.data == Samples.marketingImage)
        #expect(ready.source == "urn:assetforge")
        #expect(ready.time.rfc3339 == "2025-06-03T05:46:30.250Z")
        #expect(ready.dataContentType == "application/json")
        #expect(ready.dataSchema == "urn:assetforge:schema:asset.ready:1")
    }

    @Test func everyTypeNamesItsSchemaVersionOne() {
        for type in EventType.allCases {
            #expect(type.dataSchema == "urn:assetforge:schema:\(type.rawValue):1")
        }
    }

    @Test func failedEnvelopeWithConfiguredSource() throws {
        let encoded = try EventEncoder(source: "urn:assetforge:staging").encode(Samples.failed, time: Samples.time)
        #expect(encoded.id == "failed-" + Samples.failed.assetId)
        let event = try EventDecoder().decode(envelope: encoded.value, as: .assetFailed)
        #expect(event.reference.source == "urn:assetforge:staging")
        #expect(
            event
                == .assetFailed(
                    CloudEvent(
                        id: encoded.id, source: "urn:assetforge:staging", type: .assetFailed,
                        time: Timestamp(Samples.time),
                        dataContentType: "application/json", dataSchema: EventType.assetFailed.dataSchema,
                        data: Samples.failed)))
    }

    @Test func encodingIsDeterministicWithSortedKeys() throws {
        let first = try Self.encoder.encode(Samples.copy, time: Samples.time)
        let second = try Self.encoder.encode(Samples.copy, time: Samples.time)
        #expect(first.value == second.value)
        let text = String(decoding: first.value, as: UTF8.self)
        // `data` sorts first; the other members follow it (their last occurrences: `id` is also in data).
        #expect(text.hasPrefix("{\"data\":{"))
        let rest = ["datacontenttype", "dataschema", "id", "source", "specversion", "time", "type"]
        let positions = rest.map { text.range(of: "\"\($0)\":", options: .backwards)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(!text.contains("\n") && !text.contains("\\/"))
    }

    @Test func storedEnvelopeIsRepublishedUnchanged() throws {
        let encoded = try Self.encoder.encode(Samples.video, time: Samples.time)
        let republished = try EncodedEvent(envelope: encoded.value, as: .assetReady)
        #expect(republished == encoded)
        #expect(throws: EventValidationError.self) { try EncodedEvent(envelope: encoded.value, as: .assetFailed) }
    }

    @Test func invalidEventsAreNotEncoded() throws {
        var image = Samples.marketingImage
        image.width = nil
        let missingWidth = #expect(throws: EventValidationError.self) { try Self.encoder.encode(image) }
        #expect(missingWidth?.path == "data.width")

        var costly = Samples.marketingImage
        costly.cost = Cost(amount: .infinity, currency: "CNY")
        let infinite = #expect(throws: EventValidationError.self) { try Self.encoder.encode(costly) }
        #expect(infinite?.path == "data.cost.amount")

        let badSource = #expect(throws: EventValidationError.self) {
            try EventEncoder(source: "urn:asset forge").encode(Samples.failed)
        }
        #expect(badSource?.path == "source")
    }

    /// The files under Tests/python/fixtures/generated are this encoder's output, checked by
    /// Tests/python/test_generated_events.py against the schemas. Set ASSETFORGE_REGENERATE_FIXTURES=1 to rewrite
    /// them after a deliberate change.
    @Test(arguments: generated.map(\.file))
    func generatedFixtureIsCurrent(file: String) throws {
        let encode = try #require(Self.generated.first { $0.file == file }).encode
        let encoded = try encode()
        let url = ContractExample.repository.appending(path: "Tests/python/fixtures/generated/\(file)")
        if ProcessInfo.processInfo.environment["ASSETFORGE_REGENERATE_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(encoded.value).write(to: url)
        }
        let committed = try Data(contentsOf: url)
        #expect(Array(committed) == encoded.value, "\(file) is stale: regenerate it")
    }
}
