/// CRC-64/ECMA-182 as OSS computes it (`x-oss-hash-crc64ecma`): reflected polynomial
/// 0xC96C5795D7870F42, initial value and final XOR all ones (also known as CRC-64/XZ).
public struct CRC64ECMA: Sendable {
    /// The checksum of the bytes so far.
    public private(set) var value: UInt64 = 0

    /// Starts an empty checksum.
    public init() {}

    /// Adds bytes.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var crc = ~value
        let table = Self.table
        if let done: Void = bytes.withContiguousStorageIfAvailable({ buffer in
            for byte in buffer { crc = table[Int((crc ^ UInt64(byte)) & 0xFF)] ^ (crc >> 8) }
        }) {
            _ = done
        } else {
            for byte in bytes { crc = table[Int((crc ^ UInt64(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        value = ~crc
    }

    /// Adds raw bytes.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var crc = ~value
        let table = Self.table
        for byte in buffer { crc = table[Int((crc ^ UInt64(byte)) & 0xFF)] ^ (crc >> 8) }
        value = ~crc
    }

    /// The checksum as OSS prints it: unsigned decimal.
    public var decimal: String { String(value) }

    private static let table: [UInt64] = (0..<256).map { index in
        var crc = UInt64(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xC96C_5795_D787_0F42 : crc >> 1 }
        return crc
    }
}
