import CRDKafka
import Synchronization

/// Collects the delivery reports of messages produced together and wakes the waiting sender once all arrived.
///
/// Each message's librdkafka `msg_opaque` points at one ``Slot``; the delivery-report callback completes it.
final class DeliveryBatch: Sendable {
    struct Slot {
        let batch: Unmanaged<DeliveryBatch>
        let index: Int
    }

    private struct State {
        var results: [Result<KafkaDeliveryReport, KafkaError>?]
        var remaining: Int
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>
    /// `Slot`s owned by this batch; stable addresses for librdkafka's opaque pointers.
    private let slots: DeliverySlotBuffer

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count, waiter: nil))
        slots = DeliverySlotBuffer(count: count)
        let reference = Unmanaged.passUnretained(self)
        for index in 0..<count {
            (slots.base + index).initialize(to: Slot(batch: reference, index: index))
        }
    }

    /// The opaque pointer to hand librdkafka for message `index`.
    func opaque(for index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(slots.base + index)
    }

    /// Records the outcome of message `index` (from the delivery callback, or at once when enqueueing failed).
    func complete(_ index: Int, with result: Result<KafkaDeliveryReport, KafkaError>) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.results[index] == nil else { return nil }
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits until every message has an outcome and returns them in order.
    func results() async -> [Result<KafkaDeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if state.remaining == 0 { return true }
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
        return state.withLock { state in state.results.map { $0 ?? .failure(KafkaError(code: .closed, message: "no report")) } }
    }

    /// Completes a slot from librdkafka's delivery report.
    static func deliver(_ message: UnsafePointer<rd_kafka_message_t>) {
        guard let opaque = message.pointee._private else { return }
        let slot = opaque.assumingMemoryBound(to: Slot.self).pointee
        let batch = slot.batch.takeUnretainedValue()
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR_NO_ERROR {
            batch.complete(slot.index, with: .success(KafkaDeliveryReport(partition: message.pointee.partition, offset: message.pointee.offset)))
        } else {
            let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
            batch.complete(slot.index, with: .failure(.rdKafka(err, "delivery to topic \(topic) failed", defaultCode: .deliveryFailed)))
        }
    }
}

/// Owns a buffer of `DeliveryBatch.Slot`s. `@unchecked Sendable`: written once at creation, then only read.
final class DeliverySlotBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<DeliveryBatch.Slot>
    let count: Int

    init(count: Int) {
        self.count = count
        base = UnsafeMutablePointer<DeliveryBatch.Slot>.allocate(capacity: max(count, 1))
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
