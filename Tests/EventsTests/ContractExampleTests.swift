import Events
import Foundation
import Testing

/// The Swift validator gives the folder's verdict on every example in schemas/examples, as
/// Tests/python/test_schemas.py does with jsonschema.
@Suite("Contract examples")
struct ContractExampleTests {
    static let decoder = EventDecoder()
    static let structuredHeader = RecordHeader(name: "content-type", string: "application/cloudevents+json")

    @Test("every example folder has examples", arguments: ContractExample.folders)
    func folderIsNotEmpty(folder: String) {
        #expect(ContractExample.all(in: folder).count > 0, "\(folder) has no examples")
    }

    @Test("no example folder is left out")
    func everyFolderIsKnown() throws {
        let enumerator = try #require(FileManager.default.enumerator(atPath: ContractExample.root.path))
        var folders: Set<String> = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".json") { folders.insert((path as NSString).deletingLastPathComponent) }
        }
        #expect(folders == Set(ContractExample.folders))
    }

    @Test("valid structured examples pass", arguments: ContractExample.all("", EventType.allCases, "valid"))
    func validStructured(example: ContractExample) throws {
        let type = try #require(example.eventType)
        let value = try example.bytes()
        // Header-less (the NestJS platform) and with the structured content type: the same verdict.
        let event = try Self.decoder.decode(value: value, headers: [], as: type)
        #expect(event.type == type)
        #expect(try Self.decoder.decode(value: value, headers: [Self.structuredHeader], as: type) == event)
    }

    @Test(
        "invalid structured examples fail, naming a field",
        arguments: ContractExample.all("", EventType.allCases, "invalid"))
    func invalidStructured(example: ContractExample) throws {
        let type = try #require(example.eventType)
        let value = try example.bytes()
        for headers in [[], [Self.structuredHeader]] {
            let error = #expect(throws: EventValidationError.self) {
                try Self.decoder.decode(value: value, headers: headers, as: type)
            }
            #expect(error?.path?.isEmpty == false, "\(error?.description ?? "no error")")
        }
    }

    @Test(
        "valid binary-mode examples pass",
        arguments: ContractExample.all("binary", [.productListed, .skuPromoted], "valid"))
    func validBinary(example: ContractExample) throws {
        let type = try #require(example.eventType)
        let record = try example.record()
        let event = try Self.decoder.decode(value: record.value, headers: record.headers, as: type)
        #expect(event.type == type)
    }

    @Test(
        "invalid binary-mode examples fail, naming a field",
        arguments: ContractExample.all("binary", [.productListed, .skuPromoted], "invalid"))
    func invalidBinary(example: ContractExample) throws {
        let type = try #require(example.eventType)
        let record = try example.record()
        let error = #expect(throws: EventValidationError.self) {
            try Self.decoder.decode(value: record.value, headers: record.headers, as: type)
        }
        #expect(error?.path?.isEmpty == false, "\(error?.description ?? "no error")")
    }

    @Test("valid dead-letter headers pass", arguments: ContractExample.all(in: "dlq/valid"))
    func validDeadLetter(example: ContractExample) throws {
        let headers = try DeadLetterHeaders(validating: example.record().headers)
        #expect(!headers.topic.isEmpty)
    }

    @Test("invalid dead-letter headers fail, naming a header", arguments: ContractExample.all(in: "dlq/invalid"))
    func invalidDeadLetter(example: ContractExample) throws {
        let record = try example.record()
        let error = #expect(throws: EventValidationError.self) {
            try DeadLetterHeaders(validating: record.headers)
        }
        #expect(error?.path?.hasPrefix("assetforge_dlq_") == true, "\(error?.description ?? "no error")")
    }

    @Test("the id rule is checked beyond the schema", arguments: [EventType.assetReady, .assetFailed])
    func assetIDRule(type: EventType) throws {
        let example = ContractExample(folder: "\(type)/invalid", name: "id-does-not-match-asset-id.json")
        let error = #expect(throws: EventValidationError.self) {
            try Self.decoder.decode(envelope: try example.bytes(), as: type)
        }
        #expect(error?.path == "id")
        #expect(error?.message.contains("data.assetId") == true)
    }
}
