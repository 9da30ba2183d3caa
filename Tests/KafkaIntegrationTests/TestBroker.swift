import Foundation
import Kafka
import KafkaTestSupport

extension KafkaConsumer {
    /// Reads exactly `count` messages, bounded in time.
    func take(_ count: Int, within bound: Duration = .seconds(30)) async throws -> [KafkaConsumerMessage] {
        try await KafkaTestSupport.within(bound, "\(count) messages") {
            var result: [KafkaConsumerMessage] = []
            guard count > 0 else { return result }
            for try await message in self.messages {
                result.append(message)
                if result.count == count { break }
            }
            return result
        }
    }

    /// Asserts that no message arrives for `quiet`.
    func expectNoMessage(for quiet: Duration) async throws -> KafkaConsumerMessage? {
        do {
            return try await KafkaTestSupport.within(quiet, "silence") {
                for try await message in self.messages { return message }
                return nil
            }
        } catch is TimedOut {
            return nil
        }
    }

    /// Waits until this member holds exactly `count` partitions.
    func waitForAssignment(count: Int, within bound: Duration = .seconds(40)) async throws {
        try await KafkaTestSupport.within(bound, "an assignment of \(count) partitions") {
            while self.assignment().count != count {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

func message(_ topic: String, _ index: Int, partition: Int32? = nil, size: Int = 0) -> KafkaProducerMessage {
    var value = Array("message-\(index)".utf8)
    if size > value.count { value += Array(repeating: UInt8(ascii: "x"), count: size - value.count) }
    return KafkaProducerMessage(topic: topic, partition: partition, key: "key-\(index)", value: value)
}
