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
    }

    /// Handles one delivery (the ``EventIntake`` handler). Transient ledger or broker failures are retried here,
    /// so the record is never dead-lettered for them; only cancellation ends the retries.
    public func handle(_ delivery: IntakeDelivery) async throws {
        var attempt = 0
        while true {
            do {
                try await process(delivery)
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                attempt += 1
                let delay = Duration.milliseconds(min(200 * (1 << min(attempt, 8)), 30_000))
                logger.error(
                    "cannot record the event's commands; retrying",
                    metadata: [
                        "event.id": "\(delivery.event.reference.id)", "error": "\(error)", "retry.in": "\(delay)",
                    ])
                try await Task.sleep(for: delay)
            }
        }
    }

    private func process(_ delivery: IntakeDelivery) async throws {
        let commands = try await planner.commands(for: delivery.event, ledger: ledger, now: Date())
        let outcomes = try await ledger.plan(commands, now: Date())
        let created = outcomes.filter(\.created).count
        if created > 0 { onPlanned() }
        var republish: [LedgerEnvelope] = []
        if republishOnReplay {
            for outcome in outcomes where !outcome.created {
                var entry = outcome.entry
                if entry.state == .resolved, let target = entry.resolvedTo, let resolved = try await ledger.entry(target) {
                    entry = resolved
                }
                if entry.state == .published || entry.state == .failed, let envelope = entry.envelope {
                    republish.append(envelope)
                }
            }
        }
        let failures = await publisher.publish(republish)
        if let failure = failures.first { throw failure }
        delivery.markDone()
        logger.debug(
            "event planned",
            metadata: [
                "event.id": "\(delivery.event.reference.id)", "event.type": "\(delivery.event.type)",
                "sku": "\(delivery.event.sku)", "commands": "\(commands.count)", "new": "\(created)",
                "republished": "\(republish.count)",
            ])
        if created > 0 { try await applyBackpressure() }
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
