import AssetForgeConfiguration
import CRelayLoop
import Foundation
import Kafka
import Ledger
import Logging

/// Times the replay of the already-published events: AssetForge's intake path, and the C relay loop.
struct ReplayRunner {
    let brokers: String
    let inputTopic: String
    let partitions: Int
    let ledger: LedgerLocation
    let events: Int
    let envelopes: [LedgerEnvelope]
    let scratch: URL
    let logger: Logger

    /// AssetForge: `instances` × the real ``EventIntake`` + ``EventPlanner`` (republish on replay) over the
    /// production-settings ledger, each with its own clients and ledger store (``ReplayInstance``), in this process,
    /// all in one fresh group. Once the group has spread the partitions evenly over them, timed from the start of
    /// the intakes (records fetched meanwhile wait in the consumers' buffers) until every record's republished
    /// outcomes are acknowledged (so it is marked done) and every instance's final commit returned. The run fails if a partition moves while it is timed.
    func assetForge(group: String, instances count: Int = 1) async throws -> RunMeasurement {
        let progress = HandledCounter(target: events)
        var instances: [ReplayInstance] = []
        do {
            for _ in 0..<count {
                instances.append(
                    try await ReplayInstance.connect(
                        brokers: brokers, inputTopic: inputTopic, group: group, ledger: ledger, scratch: scratch,
                        progress: progress, logger: logger))
            }
        } catch {
            for instance in instances { await instance.close() }
            throw error
        }
        let rebalances = RebalanceWatch()
        let watchers = instances.map { rebalances.watch($0.consumer) }
        var running: [Task<Void, any Error>] = []
        do {
            try await waitForEvenAssignment(instances.map(\.consumer))
            rebalances.arm()
            ProfilerControl.enable()
            progress.starting()
            running = instances.map { instance in Task { try await instance.intake.run() } }
            let measurement = try await timeReplay(instances, progress: progress)
            ProfilerControl.disable()
            let moved = rebalances.moved
            guard moved.isEmpty else {
                throw BenchmarkFailure("partitions moved while the run was timed: \(moved)")
            }
            await stop(running, watchers, instances)
            return measurement
        } catch {
            await stop(running, watchers, instances)
            throw error
        }
    }

    /// Waits until all records were handled, the republished outcomes acknowledged and the offsets committed.
    private func timeReplay(_ instances: [ReplayInstance], progress: HandledCounter) async throws -> RunMeasurement {
        guard await progress.waitForAll(timeout: .seconds(600)) else {
            throw BenchmarkFailure("AssetForge handled \(progress.count) of \(events) events within 600 s")
        }
        let drainBound = Duration.seconds(120)
        let drainStart = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for instance in instances {
                group.addTask { await instance.eventPlanner.finishRepublishing(within: drainBound) }
            }
        }
        guard ContinuousClock.now - drainStart < drainBound else {
            throw BenchmarkFailure("republished outcomes were not all acknowledged within \(drainBound)")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for instance in instances {
                group.addTask { try await instance.consumer.commit() }
            }
            try await group.waitForAll()
        }
        let end = ContinuousClock.now
        let endCPU = ProcessCPU.seconds()
        let endMachine = MachineCPU.now()
        guard let (start, startCPU, startMachine) = progress.start else {
            throw BenchmarkFailure("no delivery was timed")
        }
        return RunMeasurement(
            events: events, produced: envelopes.count, seconds: (end - start).seconds, cpuSeconds: endCPU - startCPU,
            machineBusy: endMachine.busyFraction(since: startMachine))
    }

    /// Waits (at most 60 s) until the group has given each partition of the input topic to exactly one of
    /// `consumers`, evenly, and that assignment has held for half a second.
    private func waitForEvenAssignment(_ consumers: [KafkaConsumer]) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        var evenSince: ContinuousClock.Instant?
        var sizes: [Int] = []
        while ContinuousClock.now < deadline {
            let assignments = consumers.map { $0.assignment().filter { $0.topic == inputTopic } }
            sizes = assignments.map(\.count)
            let covered = Set(assignments.joined()).count == partitions && sizes.reduce(0, +) == partitions
            if covered, let largest = sizes.max(), let smallest = sizes.min(), largest - smallest <= 1 {
                let since = evenSince ?? ContinuousClock.now
                evenSince = since
                if ContinuousClock.now - since >= .milliseconds(500) { return }
            } else {
                evenSince = nil
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchmarkFailure("the group did not spread \(partitions) partitions evenly within 60 s: \(sizes)")
    }

    private func stop(
        _ running: [Task<Void, any Error>], _ watchers: [Task<Void, Never>], _ instances: [ReplayInstance]
    ) async {
        for task in running { task.cancel() }
        for task in running { _ = await task.result }
        for watcher in watchers { watcher.cancel() }
        for instance in instances { await instance.close() }
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
