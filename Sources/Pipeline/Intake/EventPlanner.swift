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

    /// Handles one delivery (an ``EventIntake`` handler). Transient ledger or broker failures are retried here,
    /// so the record is never dead-lettered for them; only cancellation ends the retries.
    public func handle(_ delivery: IntakeDelivery) async throws {
        try await retrying(delivery.event.reference.id) { try await process(delivery) }
    }

    /// Handles several deliveries (the ``EventIntake`` batch handler), in order: replayed `product.listed` events
    /// whose every command is recorded are answered from one ledger read for the whole batch, and their outcomes
    /// republished in one batch; the others are handled one by one as ``handle(_:)-(IntakeDelivery)`` does.
    /// Never fails a delivery: transient failures are retried; only cancellation ends the retries.
    public func handle(_ deliveries: [IntakeDelivery]) async throws -> [IntakeFailure] {
        let keys = deliveries.map { delivery -> [String] in
            guard case .productListed(let listed) = delivery.event else { return [] }
            return planner.keys(for: listed)
        }
        let allKeys = keys.flatMap { $0 }
        let recorded: [String: RecordedOutcome]
        if allKeys.isEmpty {
            recorded = [:]
        } else {
            let first = deliveries[0].event.reference.id
            recorded = try await retrying(first) { try await ledger.recordedOutcomes(keys: allKeys) }
        }
        var replays: [RepublishWindow.Replay] = []
        for (delivery, keys) in zip(deliveries, keys) {
            guard let outcomes = Self.replayable(keys, recorded) else {
                try Task.checkCancellation()
                // The replays so far go first: planning may wait (backpressure), and they need not.
                await republisher.republish(replays)
                replays.removeAll()
                if keys.isEmpty || keys.contains(where: { recorded[$0] != nil }) {
                    try await handle(delivery)
                } else {
                    // Nothing of it recorded yet: plan it without reading its keys again.
                    try await retrying(delivery.event.reference.id) { try await plan(delivery) }
                }
                continue
            }
            let envelopes = republishOnReplay ? outcomes.compactMap(Self.finishedEnvelope) : []
            if envelopes.isEmpty {
                delivery.markDone()
            } else {
                replays.append(RepublishWindow.Replay(envelopes: envelopes, delivery: delivery))
            }
            logHandled(delivery, commands: keys.count, new: 0, republished: envelopes.count)
        }
        await republisher.republish(replays)
        return []
    }

    /// The recorded outcomes of `keys` when a replay can be answered from them alone: every key recorded, none
    /// resolved to another key (that needs another read); nil otherwise.
    private static func replayable(_ keys: [String], _ recorded: [String: RecordedOutcome]) -> [RecordedOutcome]? {
        guard !keys.isEmpty else { return nil }
        var outcomes: [RecordedOutcome] = []
        outcomes.reserveCapacity(keys.count)
        for key in keys {
            guard let outcome = recorded[key], outcome.state != .resolved else { return nil }
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// The envelope to republish of an outcome that is not resolved to another key: its own once finished.
    private static func finishedEnvelope(_ outcome: RecordedOutcome) -> LedgerEnvelope? {
        guard outcome.state == .published || outcome.state == .failed else { return nil }
        return outcome.envelope
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

    private func process(_ delivery: IntakeDelivery) async throws {
        if case .productListed(let listed) = delivery.event, try await replay(keys: planner.keys(for: listed), delivery) {
            return
        }
        try await plan(delivery)
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

    /// Handles a replayed delivery whose every key is already recorded from the recorded outcomes alone, without
    /// building its commands (the common case of a backfill). Returns false, having done nothing, when a key is new.
    private func replay(keys: [String], _ delivery: IntakeDelivery) async throws -> Bool {
        guard !keys.isEmpty else { return false }
        let recorded = try await ledger.recordedOutcomes(keys: keys)
        guard keys.allSatisfy({ recorded[$0] != nil }) else { return false }
        var republish: [LedgerEnvelope] = []
        if republishOnReplay {
            for key in keys {
                if let outcome = recorded[key], let envelope = try await envelopeToRepublish(outcome) {
                    republish.append(envelope)
                }
            }
        }
        await finish(delivery, republishing: republish)
        logHandled(delivery, commands: keys.count, new: 0, republished: republish.count)
        return true
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
        return Self.finishedEnvelope(outcome)
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
