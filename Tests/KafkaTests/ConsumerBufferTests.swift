import Testing
@testable import Kafka

@Suite("ConsumerBuffer: bounded by messages and by bytes")
struct ConsumerBufferTests {
    private func message(_ offset: Int64, bytes: Int) -> KafkaConsumerMessage {
        KafkaConsumerMessage(
            topic: "t", partition: 0, offset: offset, key: [1, 2], value: Array(repeating: 0, count: bytes),
            headers: [KafkaHeader(key: "h", value: [9])], timestamp: nil, assignmentGeneration: 1)
    }

    @Test func fullByCountAndDrainedAtHalf() {
        var buffer = ConsumerBuffer(maximumMessages: 4, maximumBytes: 1 << 20)
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
        var buffer = ConsumerBuffer(maximumMessages: 1000, maximumBytes: 1000)
        buffer.append(message(0, bytes: 600))
        #expect(!buffer.isFull)
        buffer.append(message(1, bytes: 600))
        #expect(buffer.isFull, "1,206 bytes (values, keys and headers) reach the 1,000-byte bound with two messages")
        #expect(buffer.popFirst()?.offset == 0)
        #expect(!buffer.isHalfDrained, "603 bytes left is more than half")
        buffer.removeAll { $0.offset == 1 }
        #expect(buffer.isEmpty && buffer.isHalfDrained)
    }
}
