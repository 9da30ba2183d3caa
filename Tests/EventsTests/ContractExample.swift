import Events
import Foundation
import Testing

/// An example record under schemas/examples, the contract's shared test set.
struct ContractExample: Sendable, CustomTestStringConvertible {
    /// The folder under schemas/examples, e.g. `binary/product.listed/invalid`.
    let folder: String
    let name: String

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let root = repository.appending(path: "schemas/examples")

    /// Every folder that holds examples, as test_schemas.py lists them.
    static let folders: [String] =
        EventType.allCases.flatMap { ["\($0)/valid", "\($0)/invalid"] }
        + [EventType.productListed, .skuPromoted].flatMap { ["binary/\($0)/valid", "binary/\($0)/invalid"] }
        + ["dlq/valid", "dlq/invalid"]

    static func all(in folder: String) -> [ContractExample] {
        let directory = root.appending(path: folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { ContractExample(folder: folder, name: $0) }
    }

    static func all(_ mode: String, _ types: [EventType], _ verdict: String) -> [ContractExample] {
        types.flatMap { all(in: (mode.isEmpty ? "" : "\(mode)/") + "\($0)/\(verdict)") }
    }

    var url: URL { Self.root.appending(path: folder).appending(path: name) }
    var testDescription: String { "\(folder)/\(name)" }

    /// The event type the folder is about (nil for dlq).
    var eventType: EventType? {
        EventType.allCases.first { folder.split(separator: "/").contains(Substring($0.rawValue)) }
    }

    var isValid: Bool { folder.hasSuffix("/valid") }

    func bytes() throws -> [UInt8] {
        Array(try Data(contentsOf: url))
    }

    /// A `{"headers": {...}, "value": ...}` wrapper as a Kafka record: string headers as UTF-8 bytes, any other
    /// JSON value as a null header (a Kafka header holds bytes; the contract's are UTF-8 strings), and the value
    /// as JSON text.
    func record() throws -> (headers: [RecordHeader], value: [UInt8]) {
        let wrapper = try #require(try JSONSerialization.jsonObject(with: Data(bytes())) as? [String: Any])
        #expect(Set(wrapper.keys) == ["headers", "value"], "a wrapper has exactly headers and value")
        let headers = try #require(wrapper["headers"] as? [String: Any])
        let value = try JSONSerialization.data(
            withJSONObject: wrapper["value"] ?? NSNull(), options: [.fragmentsAllowed])
        let recordHeaders = headers.keys.sorted().map { name in
            RecordHeader(name: name, value: (headers[name] as? String).map { Array($0.utf8) })
        }
        return (recordHeaders, Array(value))
    }
}
