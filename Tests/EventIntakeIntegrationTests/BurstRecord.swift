import Events
import Foundation
import Kafka
import KafkaTestSupport

/// One record of the test burst and what the intake must do with it.
struct BurstRecord: Sendable {
    enum Expectation: Sendable, Equatable {
        /// Handed to the application as the event with this id.
        case valid(id: String)
        /// Dead-lettered with this reason; `archived` when the value must go to the archive.
        case invalid(DeadLetterReason, archived: Bool = false)
    }

    var label: String
    var message: KafkaProducerMessage
    var expectation: Expectation

    static let structured = [KafkaHeader(key: "content-type", string: "application/cloudevents+json")]

    static func envelope(type: String, id: String, data: String, specVersion: String = "\"1.0\"", extra: String = "")
        -> [UInt8]
    {
        Array(
            """
            {"specversion":\(specVersion),"id":"\(id)","source":"urn:test:burst","type":"\(type)",\
            "time":"2025-06-02T09:15:00Z",\(extra)"data":\(data)}
            """.utf8)
    }

    static func product(_ sku: String, extra: String = "") -> String {
        #"{"sku":"\#(sku)","title":"Product \#(sku)","sourceImageUrl":"http://127.0.0.1:8090/samples/mug.png"\#(extra)}"#
    }

    static func binaryHeaders(type: String, id: String) -> [KafkaHeader] {
        [
            KafkaHeader(key: "ce_specversion", string: "1.0"), KafkaHeader(key: "ce_id", string: id),
            KafkaHeader(key: "ce_source", string: "urn:test:burst"), KafkaHeader(key: "ce_type", string: type),
            KafkaHeader(key: "ce_time", string: "2025-06-02T09:15:00Z"),
            KafkaHeader(key: "content-type", string: "application/json"),
        ]
    }

    /// Valid events in all three readings, and one invalid record of each kind, in a fixed shuffled order.
    static func burst(productTopic: String, skuTopic: String) -> [BurstRecord] {
        var records: [BurstRecord] = []
        func add(
            _ label: String, _ topic: String, key: String?, _ value: [UInt8], _ headers: [KafkaHeader] = [],
            _ expectation: Expectation
        ) {
            records.append(
                BurstRecord(
                    label: label,
                    message: KafkaProducerMessage(
                        topic: topic, key: key.map { Array($0.utf8) }, value: value, headers: headers),
                    expectation: expectation))
        }
        for index in 0..<10 {
            let id = "pl-structured-\(index)", sku = "SKU-PS-\(index)"
            add(
                id, productTopic, key: sku, envelope(type: "product.listed", id: id, data: product(sku)), structured,
                .valid(id: id))
        }
        for index in 0..<6 {
            let id = "pl-binary-\(index)", sku = "SKU-PB-\(index)"
            add(
                id, productTopic, key: sku, Array(product(sku).utf8), binaryHeaders(type: "product.listed", id: id),
                .valid(id: id))
        }
        for index in 0..<6 {
            let id = "pl-headerless-\(index)", sku = "SKU-PN-\(index)"
            add(
                id, productTopic, key: sku, envelope(type: "product.listed", id: id, data: product(sku)), [],
                .valid(id: id))
        }
        for index in 0..<6 {
            let id = "sp-structured-\(index)", sku = "SKU-SS-\(index)"
            add(
                id, skuTopic, key: sku, envelope(type: "sku.promoted", id: id, data: #"{"sku":"\#(sku)"}"#), structured,
                .valid(id: id))
        }
        for index in 0..<6 {
            let id = "sp-binary-\(index)", sku = "SKU-SB-\(index)"
            add(
                id, skuTopic, key: sku, Array(#"{"sku":"\#(sku)","video":{"durationSeconds":10}}"#.utf8),
                binaryHeaders(type: "sku.promoted", id: id), .valid(id: id))
        }

        var generator = SeededGenerator(seed: 7)
        // Random bytes after 0xFF, which no JSON text starts with.
        let garbage = [0xFF] + (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let bigGarbage = [0xFF] + (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        add("garbage", productTopic, key: "BAD-1", garbage, [], .invalid(.notCloudEvent))
        add("garbage without key", skuTopic, key: nil, [0xFF, 0xFE, 0x00, 0x01], [], .invalid(.notCloudEvent))
        add("empty value", productTopic, key: "BAD-2", [], [], .invalid(.notCloudEvent))
        add("empty structured value", skuTopic, key: "BAD-3", [], structured, .invalid(.invalidJSON))
        add("JSON array", productTopic, key: "BAD-4", Array("[1,2,3]".utf8), [], .invalid(.notCloudEvent))
        add(
            "JSON array, structured", productTopic, key: "BAD-5", Array("[1,2,3]".utf8), structured,
            .invalid(.schemaViolation))
        add(
            "CloudEvents 0.3", productTopic, key: "BAD-6",
            envelope(type: "product.listed", id: "bad-6", data: product("BAD-6"), specVersion: "\"0.3\""), structured,
            .invalid(.unsupportedSpecVersion))
        add(
            "missing sku", productTopic, key: "BAD-7",
            envelope(type: "product.listed", id: "bad-7", data: #"{"title":"T","sourceImageUrl":"http://h/x"}"#),
            structured,
            .invalid(.schemaViolation))
        add(
            "revision is a string", productTopic, key: "BAD-8",
            envelope(type: "product.listed", id: "bad-8", data: product("BAD-8", extra: #","revision":"3""#)), [],
            .invalid(.schemaViolation))
        add(
            "roiRank is a string, binary", skuTopic, key: "BAD-9", Array(#"{"sku":"BAD-9","roiRank":"1"}"#.utf8),
            binaryHeaders(type: "sku.promoted", id: "bad-9"), .invalid(.schemaViolation))
        add(
            "binary value not JSON", skuTopic, key: "BAD-10", Array("sku=BAD-10".utf8),
            binaryHeaders(type: "sku.promoted", id: "bad-10"), .invalid(.invalidJSON))
        add(
            "truncated JSON", productTopic, key: "BAD-11",
            Array(envelope(type: "product.listed", id: "bad-11", data: product("BAD-11")).dropLast(5)), structured,
            .invalid(.invalidJSON))
        add(
            "sku.promoted on the product topic", productTopic, key: "BAD-12",
            envelope(type: "sku.promoted", id: "bad-12", data: #"{"sku":"BAD-12"}"#), structured,
            .invalid(.unknownEventType))
        add(
            "data schema version 2", productTopic, key: "BAD-13",
            envelope(
                type: "product.listed", id: "bad-13", data: product("BAD-13"),
                extra: #""dataschema":"urn:assetforge:schema:product.listed:2","#), structured,
            .invalid(.unsupportedDataSchema))
        let longDescription = String(repeating: "Stoneware mug. ", count: 1400)  // 21,000 code points > 5000
        add(
            "oversize, description too long", productTopic, key: "BAD-14",
            envelope(
                type: "product.listed", id: "bad-14",
                data: product("BAD-14", extra: #","description":"\#(longDescription)""#)),
            structured + [KafkaHeader(key: "traceparent", string: "00-4bf9-01")],
            .invalid(.schemaViolation, archived: true))
        add("oversize garbage", skuTopic, key: "BAD-15", bigGarbage, [], .invalid(.notCloudEvent, archived: true))

        records.shuffle(using: &generator)
        return records
    }
}

/// A deterministic generator (SplitMix64), so a failing burst can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
