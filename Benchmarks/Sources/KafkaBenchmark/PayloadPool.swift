import CKafkaLoops
import Foundation

/// Keys and event-like JSON values shared by the Swift and the C side, generated once, deterministically.
///
/// Values are `product.listed`-style events padded to exactly `valueSize` bytes and checked to be valid JSON;
/// keys are SKUs such as `sku-123`. The Swift side uses the arrays; the C side reads the same bytes from
/// contiguous buffers (see ``withCPayloads(_:)``).
///
/// `@unchecked Sendable`: every stored property is written once in `init` and only read afterwards.
final class PayloadPool: @unchecked Sendable {
    static let keyStride = 16

    let values: [[UInt8]]
    let keys: [[UInt8]]
    let valueSize: Int
    private let valueBuffer: UnsafeMutableRawBufferPointer
    private let keyBuffer: UnsafeMutableRawBufferPointer
    private let keyLengths: UnsafeMutableBufferPointer<Int>

    var count: Int { values.count }

    init(count: Int, valueSize: Int, seed: UInt64 = 0x5EED_A55E_7F06) throws {
        precondition(count > 0)
        var random = SplitMix64(seed: seed)
        var values: [[UInt8]] = []
        var keys: [[UInt8]] = []
        values.reserveCapacity(count)
        keys.reserveCapacity(count)
        for index in 0..<count {
            let sku = Int(random.next() % 100_000)
            let key = Array("sku-\(sku)".utf8)
            precondition(key.count <= Self.keyStride)
            let value = try Self.event(index: index, sku: sku, size: valueSize, random: &random)
            keys.append(key)
            values.append(value)
        }
        self.values = values
        self.keys = keys
        self.valueSize = valueSize
        valueBuffer = .allocate(byteCount: count * valueSize, alignment: 16)
        keyBuffer = .allocate(byteCount: count * Self.keyStride, alignment: 16)
        keyLengths = .allocate(capacity: count)
        for index in 0..<count {
            UnsafeMutableRawBufferPointer(rebasing: valueBuffer[(index * valueSize)...].prefix(valueSize))
                .copyBytes(from: values[index])
            UnsafeMutableRawBufferPointer(rebasing: keyBuffer[(index * Self.keyStride)...].prefix(keys[index].count))
                .copyBytes(from: keys[index])
            keyLengths[index] = keys[index].count
        }
    }

    deinit {
        valueBuffer.deallocate()
        keyBuffer.deallocate()
        keyLengths.deallocate()
    }

    /// Calls `body` with a C view of the pool, valid during the call.
    func withCPayloads<R>(_ body: (UnsafePointer<ckl_payloads>) throws -> R) rethrows -> R {
        var payloads = ckl_payloads(
            values: valueBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
            value_size: valueSize,
            keys: keyBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
            key_stride: Self.keyStride,
            key_lengths: UnsafePointer(keyLengths.baseAddress!),
            count: count
        )
        return try withUnsafePointer(to: &payloads) { try body($0) }
    }

    /// One event, padded with a `padding` field to exactly `size` bytes of valid JSON.
    private static func event(index: Int, sku: Int, size: Int, random: inout SplitMix64) throws -> [UInt8] {
        let categories = [
            "home/kitchen/coffee", "fashion/women/dresses", "electronics/audio", "beauty/skincare", "toys/stem",
        ]
        let brands = ["Lumen", "Qingshan", "Northwind", "Aurelia", "Baihe"]
        let assets = ["\"hero_image\"", "\"hero_image\",\"short_video\"", "\"banner\",\"copy_zh\"", "\"short_video\""]
        let minute = Int(random.next() % 60)
        let millisecond = Int(random.next() % 1000)
        let price = Double(random.next() % 100_000) / 100
        let body = """
            {"event_id":"\(uuid(&random))","event_type":"product.listed","schema_version":3,\
            "occurred_at":"2026-11-26T08:\(two(minute)):\(two(index % 60)).\(three(millisecond))Z",\
            "tenant_id":"shop-\(random.next() % 500)","sku":"sku-\(sku)",\
            "product":{"title":"Item \(sku) in \(brands[index % brands.count]) style, limited edition",\
            "category":"\(categories[index % categories.count])","brand":"\(brands[(index / 5) % brands.count])",\
            "price":{"amount":"\(String(format: "%.2f", price))","currency":"CNY"},\
            "tags":["new","gift","\(categories[index % categories.count].split(separator: "/").last!)"],\
            "image_urls":["https://img.example.com/products/sku-\(sku)/main.jpg"]},\
            "requested_assets":[\(assets[index % assets.count])],"locale":"zh-CN",\
            "trace_id":"\(hex(random.next()))\(hex(random.next()))"
            """
        let opening = ",\"padding\":\""
        let closing = "\"}"
        let fill = size - body.utf8.count - opening.utf8.count - closing.utf8.count
        guard fill >= 0 else {
            throw BenchmarkError(
                "--size \(size) is too small for the benchmark's event (at least \(size - fill) bytes)")
        }
        let bytes = Array((body + opening + String(repeating: "x", count: fill) + closing).utf8)
        precondition(bytes.count == size)
        guard (try? JSONSerialization.jsonObject(with: Data(bytes))) != nil else {
            throw BenchmarkError("generated an invalid JSON event (a bug in the benchmark)")
        }
        return bytes
    }

    private static func uuid(_ random: inout SplitMix64) -> String {
        let a = hex(random.next())
        let b = hex(random.next())
        let digits = Array(a + b)
        return String(digits[0..<8]) + "-" + String(digits[8..<12]) + "-4" + String(digits[13..<16]) + "-a"
            + String(digits[17..<20]) + "-" + String(digits[20..<32])
    }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func three(_ value: Int) -> String {
        String(repeating: "0", count: 3 - String(value).count) + "\(value)"
    }
}

/// A small deterministic pseudo-random generator (SplitMix64), so every run produces the same payloads.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
