import NIOCore
import Testing

@testable import ObjectStorage

/// ``PartReader`` splits a stream into parts and fills a finished part's buffer again instead of allocating one.
@Suite("Part reader")
struct PartReaderTests {
    /// Chunks of 1,000 bytes, 10 of them (bytes 0, 1, 2, … modulo 251).
    private struct Chunks: AsyncIteratorProtocol {
        var sent = 0
        mutating func next() async -> ByteBuffer? {
            guard sent < 10 else { return nil }
            defer { sent += 1 }
            return ByteBuffer(bytes: (0..<1_000).map { UInt8((sent * 1_000 + $0) % 251) })
        }
    }

    private static func address(_ buffer: ByteBuffer) -> UInt {
        buffer.withVeryUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
    }

    @Test func partsComeInTheRequestedSizeAndAReusedBufferIsFilledInPlace() async throws {
        var reader = PartReader(Chunks(), key: "k", maxSize: 1 << 20)
        var part = try #require(try await reader.read(upTo: 4_096))
        #expect(part.readableBytes == 4_096)
        var all = Array(part.readableBytesView)
        while true {
            let storage = Self.address(part)
            // Handed over, not copied: clearing a buffer that is still referenced elsewhere would allocate a new one.
            guard let next = try await reader.read(upTo: 4_096, reusing: consume part) else { break }
            #expect(Self.address(next) == storage, "the finished part's buffer is reused")
            all += next.readableBytesView
            part = next
        }
        #expect(all == (0..<10_000).map { UInt8($0 % 251) })
        #expect(reader.size == 10_000)
    }

    @Test func aPartBodyReadToTheEndNoLongerHoldsThePartsStorage() async throws {
        var part = ByteBuffer(bytes: (0..<600_000).map { UInt8($0 % 251) })
        let expected = Array(part.readableBytesView)
        let storage = Self.address(part)
        let body = PartUploadBody(part)
        var sent: [UInt8] = []
        var slices = 0
        for await slice in body {
            sent += slice.readableBytesView
            slices += 1
        }
        #expect(sent == expected)
        #expect(slices == 3, "256 KiB slices of 600,000 bytes")
        #expect(body.remainingBytes == 0)
        // The HTTP client may keep the finished request (and so the body) a while: the part's buffer must still be
        // the uploader's alone, so that clearing it for the next part fills the same storage.
        withExtendedLifetime(body) {
            part.clear(minimumCapacity: 600_000)
            #expect(Self.address(part) == storage)
        }
    }
}
