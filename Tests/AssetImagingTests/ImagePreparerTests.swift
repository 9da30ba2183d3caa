@testable import AssetImaging
import ProviderSimulator
import Testing

@Suite("Image preparation (libvips)")
struct ImagePreparerTests {
    let preparer = VipsImagePreparer()
    /// An orange ellipse on white, 400 × 300.
    let product = PNGEncoder.productOnWhite(width: 400, height: 300, red: 230, green: 120, blue: 20)

    @Test("inspect reads size and format from the header")
    func inspect() throws {
        let info = try preparer.inspect(product)
        #expect(info == ImageInfo(width: 400, height: 300, bands: 3, hasAlpha: false, format: "png"))
    }

    @Test("the cut-out is RGBA: white background transparent, product opaque")
    func cutOut() throws {
        let cutOut = try preparer.cutOut(product)
        #expect(cutOut.hasAlpha)
        #expect(cutOut.width == 400 && cutOut.height == 300)
        let info = try preparer.inspect(cutOut.png)
        #expect(info.bands == 4 && info.hasAlpha)
        #expect(try preparer.pixel(of: cutOut.png, x: 2, y: 2)[3] == 0)
        let centre = try preparer.pixel(of: cutOut.png, x: 200, y: 150)
        #expect(centre == [230, 120, 20, 255])
    }

    @Test("an RGBA input is flattened onto white first, so transparent areas stay transparent")
    func cutOutOfTransparentInput() throws {
        var pixels = [UInt8](repeating: 0, count: 100 * 100 * 4)
        for y in 30..<70 {
            for x in 30..<70 {
                let i = (y * 100 + x) * 4
                pixels[i] = 0
                pixels[i + 1] = 0
                pixels[i + 2] = 200
                pixels[i + 3] = 255
            }
        }
        let png = PNGEncoder.encode(width: 100, height: 100, channels: 4, pixels: pixels)
        let cutOut = try preparer.cutOut(png)
        #expect(try preparer.pixel(of: cutOut.png, x: 5, y: 5)[3] == 0)
        #expect(try preparer.pixel(of: cutOut.png, x: 50, y: 50) == [0, 0, 200, 255])
    }

    @Test("fit crops or pads to the ratio and scales up to the minimum short side", arguments: [
        (AspectFit.crop, 9, 16, 169, 300), (AspectFit.pad, 9, 16, 400, 712), (AspectFit.crop, 16, 9, 400, 225),
        (AspectFit.pad, 1, 1, 400, 400),
    ])
    func fit(mode: AspectFit, w: Int, h: Int, expectedWidth: Int, expectedHeight: Int) throws {
        let fitted = try preparer.fit(product, aspectWidth: w, aspectHeight: h, mode: mode, minimumShortSide: 0)
        #expect(fitted.width == expectedWidth)
        #expect(fitted.height == expectedHeight)
        #expect(!fitted.hasAlpha)
        if mode == .pad {
            // Padding is white.
            #expect(try preparer.pixel(of: fitted.png, x: 0, y: 0) == [255, 255, 255])
        }
        let upscaled = try preparer.fit(product, aspectWidth: w, aspectHeight: h, mode: mode, minimumShortSide: 720)
        #expect(min(upscaled.width, upscaled.height) >= 720)
        let ratio = Double(upscaled.width) / Double(upscaled.height)
        #expect(abs(ratio - Double(w) / Double(h)) < 0.02)
    }

    @Test("a PNG header claiming 100 000 × 100 000 pixels is refused before decoding")
    func decompressionBomb() throws {
        var png = PNGEncoder.encode(width: 1, height: 1, channels: 3, pixels: [0, 0, 0])
        // Patch IHDR width and height (bytes 16..<24) and its CRC (bytes 29..<33).
        let size: [UInt8] = [0x00, 0x01, 0x86, 0xA0]
        png.replaceSubrange(16..<20, with: size)
        png.replaceSubrange(20..<24, with: size)
        png.replaceSubrange(29..<33, with: crc32(Array(png[12..<29])))
        let error = #expect(throws: ImagePreparationError.self) { try preparer.inspect(png) }
        #expect(error?.code == .tooManyPixels)
        #expect(throws: ImagePreparationError.self) { try preparer.cutOut(png) }
    }

    @Test("limits: bytes, small images, undecodable input")
    func limits() throws {
        var limits = ImageLimits()
        limits.maxBytes = 100
        let large = #expect(throws: ImagePreparationError.self) { try VipsImagePreparer(limits: limits).inspect(product) }
        #expect(large?.code == .tooLarge)
        let tiny = PNGEncoder.pattern(width: 20, height: 20, red: 1, green: 1, blue: 1)
        let small = #expect(throws: ImagePreparationError.self) { try preparer.inspect(tiny) }
        #expect(small?.code == .tooSmall)
        let garbage = #expect(throws: ImagePreparationError.self) { try preparer.inspect(Array("not an image".utf8)) }
        #expect(garbage?.code == .undecodable)
    }

    private func crc32(_ bytes: [UInt8]) -> [UInt8] {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        return [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
    }
}
