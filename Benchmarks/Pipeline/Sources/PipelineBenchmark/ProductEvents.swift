import Events
import Foundation

/// The `product.listed` records the replay benchmark publishes: the contract's English-only mug example with a
/// distinct id and SKU per event (default recipe: 3 marketing images + 1 copy = 4 commands each).
struct ProductEvents {
    /// Compact structured-mode CloudEvent JSON, one per event.
    let values: [[UInt8]]
    /// The record keys (the SKU).
    let keys: [[UInt8]]

    init(count: Int, examples: URL) throws {
        let url = examples.appending(path: "product.listed/valid/ceramic-mug-en.json")
        let template = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
        var values: [[UInt8]] = []
        var keys: [[UInt8]] = []
        values.reserveCapacity(count)
        keys.reserveCapacity(count)
        for index in 0..<count {
            var event = template
            var data = event["data"] as? [String: Any] ?? [:]
            let sku = String(format: "MUG-BENCH-%07d", index)
            data["sku"] = sku
            event["data"] = data
            event["id"] = String(format: "9b2f6c1e-4d7a-4e0b-a8c3-%012d", index)
            values.append(
                Array(try JSONSerialization.data(withJSONObject: event, options: [.withoutEscapingSlashes])))
            keys.append(Array(sku.utf8))
        }
        self.values = values
        self.keys = keys
    }

    /// The decoded events, as the intake hands them to the planner.
    func decoded() throws -> [AnyEvent] {
        let decoder = EventDecoder()
        let headers = [RecordHeader(name: "content-type", string: "application/cloudevents+json")]
        return try values.map { try decoder.decode(value: $0, headers: headers, as: .productListed) }
    }
}
