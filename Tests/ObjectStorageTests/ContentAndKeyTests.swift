import Foundation
import Testing

@testable import ObjectStorage

@Suite struct ContentSniffingTests {
    static let cases: [(String, [UInt8], AssetContentType?)] = [
        ("png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], .png),
        ("jpeg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], .jpeg),
        ("gif89a", Array("GIF89a\u{1}\u{0}".utf8), .gif),
        ("gif87a", Array("GIF87a".utf8), .gif),
        ("webp", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8), .webp),
        ("riff wave", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVEfmt ".utf8), nil),
        ("mp4", [0, 0, 0, 0x20] + Array("ftypisom".utf8) + [0, 0, 2, 0], .mp4),
        ("mov", [0, 0, 0, 0x14] + Array("ftypqt  ".utf8) + [0, 0, 2, 0], .quickTime),
        ("json object", Array("  \n{\"a\":1}".utf8), .json),
        ("json array with BOM", [0xEF, 0xBB, 0xBF] + Array("[1]".utf8), .json),
        ("html", Array("<!doctype html>".utf8), nil),
        ("empty", [], nil),
        ("short png prefix", [0x89, 0x50], nil),
    ]

    @Test("magic bytes", arguments: cases.indices)
    func sniff(index: Int) {
        let (name, bytes, expected) = Self.cases[index]
        #expect(AssetContentType.sniff(bytes) == expected, "\(name)")
    }

    @Test func extensions() {
        #expect(AssetContentType.forFileExtension("jpeg") == .jpeg)
        #expect(AssetContentType.forFileExtension("MP4") == .mp4)
        #expect(AssetContentType.forFileExtension("exe") == nil)
    }
}

@Suite struct AssetObjectKeyTests {
    static let id = String(repeating: "ab", count: 32)

    @Test func deterministic() throws {
        let first = try AssetObjectKey(sku: "MUG-001", kind: "marketing-image", assetId: Self.id, contentType: .png)
        let second = try assetObjectKey(sku: "MUG-001", kind: "marketing-image", assetId: Self.id, fileExtension: "png")
        #expect(first.key == "assets/MUG-001/marketing-image/\(Self.id).png")
        #expect(first.key == second)
    }

    @Test(
        "rejects unsafe components",
        arguments: [
            ("..", "video", id, "mp4"), ("a/b", "video", id, "mp4"), ("", "video", id, "mp4"),
            ("sku", "Video", id, "mp4"), ("sku", "video-", id, "mp4"), ("sku", "video", "ABC", "mp4"),
            ("sku", "video", String(repeating: "A", count: 64), "mp4"), ("sku", "video", id, "m.p4"),
            ("sku", "video", id, ""), (String(repeating: "s", count: 65), "video", id, "mp4"),
        ])
    func rejects(sku: String, kind: String, assetId: String, ext: String) {
        #expect {
            try AssetObjectKey(sku: sku, kind: kind, assetId: assetId, fileExtension: ext)
        } throws: { error in
            (error as? ObjectStorageError)?.code == .invalidKey
        }
    }

    @Test func fullKeyValidation() throws {
        try validateObjectKey("prefix/assets/a/b.png")
        for bad in ["", "/a", "a//b", "a/../b", "a/", "a\u{1}b"] {
            #expect(throws: ObjectStorageError.self) { try validateObjectKey(bad) }
        }
    }
}

@Suite struct CRC64Tests {
    @Test func checkValue() {
        var crc = CRC64ECMA()
        crc.update(Array("123456789".utf8))
        #expect(crc.value == 0x995D_C9BB_DF19_39FA)
    }

    @Test func incremental() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var whole = CRC64ECMA()
        whole.update(data)
        var pieces = CRC64ECMA()
        pieces.update(data[..<1234])
        data[1234...].withUnsafeBytes { pieces.update($0) }
        #expect(whole.value == pieces.value)
        #expect(CRC64ECMA().value == 0)
    }
}
