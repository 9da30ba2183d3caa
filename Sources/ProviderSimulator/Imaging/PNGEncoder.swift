/// A minimal PNG encoder: 8-bit RGB or RGBA, no filtering, zlib stream of *stored* deflate blocks.
///
/// Stored blocks are valid deflate, so every decoder reads the result; files are larger than compressed
/// ones, which does not matter for the small images the simulator serves.
public enum PNGEncoder {
    /// Encodes `pixels` (row-major, `channels` bytes per pixel, no padding) as a PNG file.
    ///
    /// - Parameter channels: 3 (RGB) or 4 (RGBA).
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(channels == 3 || channels == 4, "PNGEncoder supports RGB and RGBA")
        precondition(width > 0 && height > 0 && pixels.count == width * height * channels)
        // Scanlines, each prefixed with filter type 0 (None).
        let stride = width * channels
        var raw = [UInt8]()
        raw.reserveCapacity((stride + 1) * height)
        for row in 0..<height {
            raw.append(0)
            raw.append(contentsOf: pixels[(row * stride)..<((row + 1) * stride)])
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = [UInt8]()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, channels == 4 ? 6 : 2, 0, 0, 0])
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", zlibStored(raw), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// A solid-colour RGB image with a darker diagonal band, so different tasks look different.
    public static func pattern(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let index = (y * width + x) * 3
                let band = ((x + y) / max(1, min(width, height) / 6)) % 2 == 0
                pixels[index] = band ? red : red / 2
                pixels[index + 1] = band ? green : green / 2
                pixels[index + 2] = band ? blue : blue / 2
            }
        }
        return encode(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// A product shot: a coloured ellipse centred on a white background (RGB).
    public static func productOnWhite(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) -> [UInt8] {
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        let cx = Double(width) / 2, cy = Double(height) / 2
        let rx = Double(width) * 0.32, ry = Double(height) * 0.38
        for y in 0..<height {
            for x in 0..<width {
                let dx = (Double(x) + 0.5 - cx) / rx, dy = (Double(y) + 0.5 - cy) / ry
                guard dx * dx + dy * dy <= 1 else { continue }
                let index = (y * width + x) * 3
                pixels[index] = red
                pixels[index + 1] = green
                pixels[index + 2] = blue
            }
        }
        return encode(width: width, height: height, channels: 3, pixels: pixels)
    }

    /// Width and height from a PNG's IHDR chunk, or `nil` when `bytes` is not a PNG.
    public static func dimensions(of bytes: some Collection<UInt8>) -> (width: Int, height: Int)? {
        let b = Array(bytes.prefix(24))
        guard b.count == 24, b[0] == 0x89, b[1] == 0x50, b[2] == 0x4E, b[3] == 0x47 else { return nil }
        func be(_ at: Int) -> Int { b[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        png.appendBigEndian(UInt32(data.count))
        let typeBytes = Array(type.utf8)
        png.append(contentsOf: typeBytes)
        png.append(contentsOf: data)
        var crc = CRC32()
        crc.update(typeBytes)
        crc.update(data)
        png.appendBigEndian(crc.value)
    }

    /// A zlib stream (RFC 1950) holding `data` in stored deflate blocks (RFC 1951, BTYPE 00).
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        let maxBlock = 65_535
        var offset = 0
        repeat {
            let length = min(maxBlock, data.count - offset)
            let final: UInt8 = offset + length >= data.count ? 1 : 0
            out.append(final)
            out.append(UInt8(length & 0xFF))
            out.append(UInt8(length >> 8))
            out.append(UInt8(~length & 0xFF))
            out.append(UInt8((~length >> 8) & 0xFF))
            out.append(contentsOf: data[offset..<(offset + length)])
            offset += length
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        out.appendBigEndian(b << 16 | a)
        return out
    }
}

/// CRC-32 (ISO 3309, as PNG uses it).
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    private var crc: UInt32 = 0xFFFF_FFFF

    mutating func update(_ bytes: [UInt8]) {
        for byte in bytes { crc = Self.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }

    var value: UInt32 { crc ^ 0xFFFF_FFFF }
}

extension [UInt8] {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF))
        append(UInt8(value & 0xFF))
    }
}
