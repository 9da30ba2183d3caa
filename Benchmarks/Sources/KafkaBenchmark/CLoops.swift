import CKafkaLoops
import Foundation

/// librdkafka's own produce and consume loops (the C target `CKafkaLoops`), run on a dedicated thread because
/// they block.
enum CLoops {
    static func produce(brokers: String, topic: String, messages: Int, payloads: PayloadPool) async -> Measurement {
        await onThread(named: "c-produce-loop") {
            var result = ckl_result()
            let status = payloads.withCPayloads { pool in
                ckl_produce(brokers, topic, pool, Int64(messages), &result)
            }
            return measurement(result, status: status, expected: messages)
        }
    }

    static func consume(brokers: String, topic: String, group: String, messages: Int, idleTimeout: Duration) async
        -> Measurement
    {
        await onThread(named: "c-consume-loop") {
            var result = ckl_result()
            let status = ckl_consume(
                brokers, topic, group, Int64(messages), Int32(clamping: idleTimeout.components.seconds * 1000), &result)
            return measurement(result, status: status, expected: messages)
        }
    }

    private static func measurement(_ result: ckl_result, status: Int32, expected: Int) -> Measurement {
        var result = result
        let error =
            status == 0
            ? nil
            : withUnsafeBytes(of: &result.error) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
        return Measurement(
            messages: Int(result.messages), expected: expected, seconds: result.seconds, cpuSeconds: result.cpu_seconds,
            error: error)
    }

    private static func onThread<T: Sendable>(named name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = name
            thread.start()
        }
    }
}
