import EventIntake
import Events
import Foundation
import Kafka
import Ledger
import Logging

/// The intake side of the pipeline: for each valid event, records its commands in the ledger, republishes the
/// outcome of commands that are already finished (a replay), and marks the record done.
///
/// The record is marked done once its commands are durably in the ledger and any republished events are
/// acknowledged, never when the assets are finished: work then runs from the ledger. Backpressure: while more than
/// `maxUnfinished` commands are unfinished, consumption pauses (the partitions are paused) until they drain.
public final class EventPlanner: Sendable {
    private let planner: Planner
    private let ledger: any LedgerStore
    private let publisher: AssetPublisher
    private let republishOnReplay: Bool
    private let maxUnfinished: Int
    private let consumer: KafkaConsumer?
    private let onPlanned: @Sendable () -> Void
    private let logger: Logger
    private let republisher: RepublishWindow
    /// Delays between attempts to record an event: 400 ms, doubling, at most 30 s.
    private static let retry = RetryBackoff(initialDelay: .milliseconds(400), maximumDelay: .seconds(30), jitter: 0)

    /// An intake handler.
    /// - Parameters:
    ///   - consumer: paused while too many commands are unfinished; `nil` to never pause.
    ///   - onPlanned: called after new commands were recorded (wakes the scheduler).
    public init(
        planner: Planner, ledger: any LedgerStore, publisher: AssetPublisher, republishOnReplay: Bool,
        maxUnfinished: Int, consumer: KafkaConsumer?, logger: Logger, onPlanned: @escaping @Sendable () -> Void
    ) {
        self.planner = planner
        self.ledger = ledger
        self.publisher = publisher
        self.republishOnReplay = republishOnReplay
        self.maxUnfinished = maxUnfinished
        self.consumer = consumer
        self.onPlanned = onPlanned
        self.logger = logger
        self.republisher = RepublishWindow(publisher: publisher, logger: logger)
    }

    /// Waits until the republished outcomes in flight are acknowledged (so their records are marked done), at most
    /// `bound`; then gives up on the rest (their records are replayed after a restart).
    public func finishRepublishing(within bound: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.republisher.drain() }
            group.addTask { try? await Task.sleep(for: bound) }
            await group.next()
            republisher.stop()
            group.cancelAll()
        }
    }

    /// Handles several deliveries (the ``EventIntake`` batch handler), in order. A replayed `product.listed` event
    /// whose every command is recorded is answered from the recorded outcomes, read once for the whole batch, without
    /// building its commands (the common case of a backfill); the batch's republished outcomes go to the producer
    /// together. Other events have their commands built and recorded one by one. Never fails a delivery: transient
    /// ledger or broker failures are retried here; only cancellation ends the retries.
    public func handle(_ deliveries: [IntakeDelivery]) async throws -> [IntakeFailure] {
        let keys = deliveries.map { delivery -> [String] in
            guard case .productListed(let listed) = delivery.event else { return [] }
            return planner.keys(for: listed)
        }
        let allKeys = keys.flatMap { $0 }
        // The outcome of allKeys[i] is recorded[i]: the keys of deliveries[n] start at the sum of the counts before.
        var recorded: [RecordedOutcome?]
        if allKeys.isEmpty {
            recorded = []
        } else {
            let first = deliveries[0].event.reference.id
            recorded = try await retrying(first) { try await ledger.recordedOutcomes(inOrderOf: allKeys) }
        }
        var replays: [RepublishWindow.Replay] = []
        replays.reserveCapacity(deliveries.count)
        var end = 0
        for index in deliveries.indices {
            let keys = keys[index]
            let positions = end..<(end + keys.count)
            end += keys.count
            // Read in place (an element read through the array would be copied whole, envelope and all).
            let (complete, needsTarget) = recorded.withUnsafeBufferPointer { outcomes in
                var needsTarget = false
                for position in positions {
                    guard let state = outcomes[position]?.state else { return (false, false) }
                    if state == .resolved { needsTarget = true }
                }
                return (true, needsTarget)
            }
            guard !keys.isEmpty, complete else {
                try Task.checkCancellation()
                // The replays so far go first: planning may wait (backpressure), and they need not.
                await republisher.republish(replays)
                replays.removeAll()
                try await retrying(deliveries[index].event.reference.id) { try await plan(deliveries[index]) }
                continue
            }
            var envelopes: [LedgerEnvelope] = []
            if republishOnReplay {
                if needsTarget {
                    // A resolved command is answered by the outcome of the key it was resolved to.
                    let outcomes = recorded[positions].compactMap { $0 }
                    envelopes = try await retrying(deliveries[index].event.reference.id) {
                        var envelopes: [LedgerEnvelope] = []
                        for outcome in outcomes {
                            if let envelope = try await envelopeToRepublish(outcome) { envelopes.append(envelope) }
                        }
                        return envelopes
                    }
                } else {
                    // Finished commands are answered from the batch's read; each outcome is moved out, not copied.
                    envelopes.reserveCapacity(keys.count)
                    for position in positions {
                        guard let outcome = recorded[position].take(),
                            outcome.state == .published || outcome.state == .failed, let envelope = outcome.envelope
                        else { continue }
                        envelopes.append(envelope)
                    }
                }
            }
            if envelopes.isEmpty {
                deliveries[index].markDone()
            } else {
                replays.append(RepublishWindow.Replay(envelopes: envelopes, delivery: deliveries[index]))
            }
            logHandled(deliveries[index], commands: keys.count, new: 0, republished: envelopes.count)
        }
        await republisher.republish(replays)
        return []
    }

    /// Runs `body` until it succeeds, waiting between attempts; only cancellation ends the retries.
    private func retrying<T>(_ eventID: String, _ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                attempt += 1
                let delay = Self.retry.delay(afterAttempt: attempt)
                logger.error(
                    "cannot record the event's commands; retrying",
                    metadata: ["event.id": "\(eventID)", "error": "\(error)", "retry.in": "\(delay)"])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// Builds the delivery's commands and records them; republishes the outcomes of those already finished.
    private func plan(_ delivery: IntakeDelivery) async throws {
        let commands = try await planner.commands(for: delivery.event, ledger: ledger, now: Date())
        let outcomes = try await ledger.plan(commands, now: Date())
        let created = outcomes.filter(\.created).count
        if created > 0 { onPlanned() }
        var republish: [LedgerEnvelope] = []
        if republishOnReplay {
            for outcome in outcomes where !outcome.created {
                let entry = outcome.entry
                let recorded = RecordedOutcome(
                    key: entry.key, state: entry.state, resolvedTo: entry.resolvedTo, envelope: entry.envelope)
                if let envelope = try await envelopeToRepublish(recorded) { republish.append(envelope) }
            }
        }
        await finish(delivery, republishing: republish)
        logHandled(delivery, commands: commands.count, new: created, republished: republish.count)
        if created > 0 { try await applyBackpressure() }
    }

    private func logHandled(_ delivery: IntakeDelivery, commands: Int, new: Int, republished: Int) {
        logger.debug(
            "event planned",
            metadata: [
                "event.id": "\(delivery.event.reference.id)", "event.type": "\(delivery.event.type)",
                "sku": "\(delivery.event.sku)", "commands": "\(commands)", "new": "\(new)",
                "republished": "\(republished)",
            ])
    }

    /// The outcome event to republish for a recorded command: its own, or that of the key it was resolved to, once
    /// the command has finished (published or failed); `nil` while it is unfinished.
    private func envelopeToRepublish(_ outcome: RecordedOutcome) async throws -> LedgerEnvelope? {
        var outcome = outcome
        if outcome.state == .resolved, let target = outcome.resolvedTo,
            let resolved = try await ledger.recordedOutcomes(keys: [target])[target]
        {
            outcome = resolved
        }
        guard outcome.state == .published || outcome.state == .failed else { return nil }
        return outcome.envelope
    }

    /// Marks `delivery` done, after the broker has acknowledged the copies of `republish` when there are any.
    private func finish(_ delivery: IntakeDelivery, republishing republish: [LedgerEnvelope]) async {
        if republish.isEmpty {
            delivery.markDone()
        } else {
            // Marked done in the background once the broker has the copies: replays run at the broker's pace.
            await republisher.republish([RepublishWindow.Replay(envelopes: republish, delivery: delivery)])
        }
    }

    /// Pauses consumption while too many commands are unfinished.
    private func applyBackpressure() async throws {
        guard try await ledger.unfinishedCount() >= maxUnfinished else { return }
        logger.notice("too many unfinished commands; pausing consumption", metadata: ["bound": "\(maxUnfinished)"])
        try? await consumer?.pause()
        defer { logger.notice("unfinished commands drained; resuming consumption") }
        while try await ledger.unfinishedCount() >= maxUnfinished {
            try await Task.sleep(for: .milliseconds(500))
        }
        try? await consumer?.resume()
    }
}
