import Testing
@testable import Kafka

@Suite("ConsumerBuffer: bounded by messages and by bytes")
struct ConsumerBufferTests {
    private struct SizedMessage: BufferedMessage {
        let offset: Int64
        let byteCount: Int
    }

    private func message(_ offset: Int64, bytes: Int) -> SizedMessage {
        SizedMessage(offset: offset, byteCount: bytes + 3)
    }

    @Test func fullByCountAndDrainedAtHalf() {
        var buffer = ConsumerBuffer<SizedMessage>(maximumMessages: 4, maximumBytes: 1 << 20)
        for offset in 0..<3 { buffer.append(message(Int64(offset), bytes: 10)) }
        #expect(!buffer.isFull)
        buffer.append(message(3, bytes: 10))
        #expect(buffer.isFull)
        _ = buffer.popFirst()
        #expect(!buffer.isHalfDrained)
        _ = buffer.popFirst()
        #expect(buffer.isHalfDrained)
    }

    @Test func fullByBytesWhateverTheCount() {
        var buffer = ConsumerBuffer<SizedMessage>(maximumMessages: 1000, maximumBytes: 1000)
        buffer.append(message(0, bytes: 600))
        #expect(!buffer.isFull)
        buffer.append(message(1, bytes: 600))
        #expect(buffer.isFull, "1,206 bytes reach the 1,000-byte bound with two messages")
        #expect(buffer.popFirst()?.offset == 0)
        #expect(!buffer.isHalfDrained, "603 bytes left is more than half")
        #expect(buffer.removeAll { $0.offset == 1 }.map(\.offset) == [1])
        #expect(buffer.isEmpty && buffer.isHalfDrained)
    }
}
