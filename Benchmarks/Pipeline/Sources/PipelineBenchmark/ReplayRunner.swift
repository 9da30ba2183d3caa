import CRelayLoop
import EventIntake
import Events
import Foundation
import Kafka
import Ledger
import Logging
import Pipeline
import Synchronization

/// Times the replay of the already-published events: AssetForge's intake path, and the C relay loop.
struct ReplayRunner {
    let brokers: String
    let inputTopic: String
    let ledgerPath: String
    let events: Int
    let envelopes: [LedgerEnvelope]
    let scratch: URL
    let logger: Logger

    /// AssetForge: the real ``EventIntake`` + ``EventPlanner`` (republish on replay) over the production-settings
    /// ledger, in a fresh group. Timed from the first delivery until every record's republished outcomes are
    /// acknowledged (so it is marked done) and the final commit returned.
    func assetForge(group: String) async throws -> RunMeasurement {
        let ledger = try await SQLiteLedgerStore.open(path: ledgerPath, logger: logger)
        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(bootstrapServers: [brokers]), logger: logger)
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: [brokers], groupID: group)
        consumerConfiguration.offsetReset = .earliest
        consumerConfiguration.sessionTimeout = .seconds(6)
        let consumer = try await KafkaConsumer.connect(
            configuration: consumerConfiguration, topics: [inputTopic], logger: logger)
        let eventPlanner = EventPlanner(
            planner: Planner(), ledger: ledger, publisher: AssetPublisher(producer: producer), republishOnReplay: true,
            maxUnfinished: 10_000, consumer: consumer, logger: logger, onPlanned: {})
        var intakeConfiguration = EventIntakeConfiguration()
        intakeConfiguration.topics = [inputTopic: .productListed]
        intakeConfiguration.deadLetterTopic = inputTopic + ".dlq"
        let progress = HandledCounter(target: events)
        let intake = EventIntake(
            consumer: consumer, deadLetterProducer: producer,
            archive: FileDeadLetterArchive(directory: scratch.appending(path: "dlq")),
            configuration: intakeConfiguration, logger: logger,
            handler: { delivery in
                progress.starting()
                try await eventPlanner.handle(delivery)
                progress.handled()
            })
        let intakeTask = Task { try await intake.run() }
        defer { intakeTask.cancel() }
        guard await progress.waitForAll(timeout: .seconds(600)) else {
            throw BenchmarkFailure("AssetForge handled \(progress.count) of \(events) events within 600 s")
        }
        let drainBound = Duration.seconds(120)
        let drainStart = ContinuousClock.now
        await eventPlanner.finishRepublishing(within: drainBound)
        guard ContinuousClock.now - drainStart < drainBound else {
            throw BenchmarkFailure("republished outcomes were not all acknowledged within \(drainBound)")
        }
        try await consumer.commit()
        let end = ContinuousClock.now
        let endCPU = ProcessCPU.seconds()
        guard let (start, startCPU) = progress.start else {
            throw BenchmarkFailure("no delivery was timed")
        }
        intakeTask.cancel()
        _ = await intakeTask.result
        try? await consumer.close()
        await producer.close()
        await ledger.close()
        let seconds = (end - start).seconds
        return RunMeasurement(
            events: events, produced: envelopes.count, seconds: seconds, cpuSeconds: endCPU - startCPU)
    }

    /// The C relay loop: consume one, produce the same 4 envelopes' bytes, store the offset once acknowledged.
    func cLoop(group: String) async throws -> RunMeasurement {
        let (status, result) = await Task.detached { [brokers, inputTopic, events, envelopes] in
            Self.relay(brokers: brokers, inputTopic: inputTopic, group: group, events: events, envelopes: envelopes)
        }.value
        var failure = result
        let error = withUnsafeBytes(of: &failure.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard status == 0 else { throw BenchmarkFailure("C relay: \(error)") }
        guard result.consumed == events, result.failed == 0, result.delivered == envelopes.count,
            result.stored == events
        else {
            throw BenchmarkFailure(
                "C relay: consumed \(result.consumed), delivered \(result.delivered), failed \(result.failed), "
                    + "stored \(result.stored)")
        }
        return RunMeasurement(
            events: events, produced: Int(result.delivered), seconds: result.seconds, cpuSeconds: result.cpu_seconds)
    }

    /// Runs `crl_relay` (blocking) over copies of the envelopes' keys and values.
    private static func relay(
        brokers: String, inputTopic: String, group: String, events: Int, envelopes: [LedgerEnvelope]
    ) -> (Int32, crl_result) {
        let keys = envelopes.map { copy($0.key) }
        let values = envelopes.map { copy($0.value) }
        defer {
            for pointer in keys + values { pointer.deallocate() }
        }
        var keyLengths = envelopes.map(\.key.count)
        var valueLengths = envelopes.map(\.value.count)
        var keyPointers = keys.map { UnsafePointer($0) as UnsafePointer<UInt8>? }
        var valuePointers = values.map { UnsafePointer($0) as UnsafePointer<UInt8>? }
        let outputTopic = envelopes.first?.topic ?? ""
        let fanout = Int32(envelopes.count / max(events, 1))
        var result = crl_result()
        let status = keyPointers.withUnsafeMutableBufferPointer { keyBuffer in
            valuePointers.withUnsafeMutableBufferPointer { valueBuffer in
                keyLengths.withUnsafeMutableBufferPointer { keyLengthBuffer in
                    valueLengths.withUnsafeMutableBufferPointer { valueLengthBuffer in
                        var payloads = crl_payloads(
                            keys: UnsafePointer(keyBuffer.baseAddress), key_lengths: keyLengthBuffer.baseAddress,
                            values: UnsafePointer(valueBuffer.baseAddress),
                            value_lengths: valueLengthBuffer.baseAddress, count: keyBuffer.count)
                        return crl_relay(
                            brokers, inputTopic, group, outputTopic, Int64(events), fanout, &payloads, 30_000,
                            &result)
                    }
                }
            }
        }
        return (status, result)
    }

    private static func copy(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8> {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        pointer.initialize(from: bytes, count: bytes.count)
        return pointer
    }
}
