import Events
import Foundation

/// One kind of record to decode, built from the contract's examples.
struct Workload {
    let name: String
    let type: EventType
    let value: [UInt8]
    let headers: [RecordHeader]
    let expectValid: Bool

    static let structured = [RecordHeader(name: "content-type", string: "application/cloudevents+json")]

    /// Typical records: the earbuds product (en, zh-Hans, ja; ~850 bytes compact) in each binding, a promotion,
    /// and an invalid product that is rejected at its last language.
    static func all(examples: URL) throws -> [Workload] {
        let product = try example(examples, "product.listed/valid/wireless-earbuds-en-zh-hans-ja.json")
        let promotion = try example(examples, "sku.promoted/valid/wireless-earbuds-scene-image-10s-16x9.json")
        var invalid = product
        var invalidData = invalid["data"] as? [String: Any] ?? [:]
        invalidData["languages"] = ["en", "zh-Hans", "xx_YY"]
        invalid["data"] = invalidData

        let productValue = try compact(product)
        var binaryHeaders = [
            RecordHeader(name: "ce_specversion", string: "1.0"),
            RecordHeader(name: "content-type", string: "application/json"),
        ]
        for name in ["id", "source", "type", "time", "dataschema"] {
            if let text = product[name] as? String {
                binaryHeaders.append(RecordHeader(name: "ce_\(name)", string: text))
            }
        }
        return [
            Workload(
                name: "product.listed structured", type: .productListed, value: productValue, headers: structured,
                expectValid: true),
            Workload(
                name: "product.listed header-less", type: .productListed, value: productValue, headers: [],
                expectValid: true),
            Workload(
                name: "product.listed binary", type: .productListed, value: try compact(product["data"] ?? [:]),
                headers: binaryHeaders, expectValid: true),
            Workload(
                name: "sku.promoted structured", type: .skuPromoted, value: try compact(promotion), headers: structured,
                expectValid: true),
            Workload(
                name: "product.listed invalid", type: .productListed, value: try compact(invalid), headers: structured,
                expectValid: false),
        ]
    }

    private static func example(_ root: URL, _ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appending(path: path))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Compact JSON, as producers send it (the key order JSONSerialization picks does not matter).
    static func compact(_ object: Any) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]))
    }
}
