import Events
import Foundation
import Ledger
import Logging
import Pipeline

/// Seeds a ledger as if every event had been processed: plans each event's commands with the real ``Planner``, then
/// drives every command through the executor's states to `published`, with an `asset.ready` envelope made by
/// ``EventEncoder`` exactly as the executor records it.
///
/// Works on any ``LedgerStore``; the caller opens it. An SQLite ledger is best seeded with `synchronous=OFF` (see
/// ``SQLiteLedgerStore/open(path:synchronous:logger:)``): with the production FULL, each of the 7 transactions per
/// command costs one fsync (~4 ms here). The measured replay reopens the file with the production settings.
struct LedgerSeeder {
    let readyTopic: String
    let logger: Logger

    /// Seeds `events` into `ledger`: every command planned and published.
    func seed(_ events: [AnyEvent], into ledger: any LedgerStore) async throws {
        let planner = Planner()
        let encoder = EventEncoder(source: "urn:assetforge")
        let started = ContinuousClock.now
        var planned = 0
        for batch in stride(from: 0, to: events.count, by: 1_000) {
            var commands: [LedgerCommand] = []
            for event in events[batch..<min(batch + 1_000, events.count)] {
                commands += try await planner.commands(for: event, ledger: ledger, now: Date())
            }
            planned += try await ledger.plan(commands, now: Date()).filter(\.created).count
        }
        print(String(format: "planned %d commands in %.1f s", planned, (ContinuousClock.now - started).seconds))
        var published = 0
        while true {
            let claimed = try await ledger.claim(
                owner: "seeder", limit: 1_000, leaseDuration: .seconds(600), now: Date())
            if claimed.isEmpty { break }
            // Concurrent chains keep SQLite's one connection busy (it still runs one statement at a time) and use
            // PostgreSQL's pool.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for entry in claimed {
                    group.addTask { try await drive(entry, ledger: ledger, encoder: encoder) }
                }
                try await group.waitForAll()
            }
            published += claimed.count
            if published % 40_000 < 1_000 {
                let elapsed = (ContinuousClock.now - started).seconds
                print(String(format: "published %d commands, %.1f s", published, elapsed))
            }
        }
    }

    /// The envelopes recorded in `ledger` for `events`, in order (4 per event).
    func envelopes(for events: [AnyEvent], in ledger: any LedgerStore) async throws -> [LedgerEnvelope] {
        let planner = Planner()
        var envelopes: [LedgerEnvelope] = []
        for event in events {
            for command in try await planner.commands(for: event, ledger: ledger, now: Date()) {
                guard let entry = try await ledger.entry(command.key), entry.state == .published,
                    let envelope = entry.envelope
                else { throw BenchmarkFailure("command \(command.key) is not published after seeding") }
                envelopes.append(envelope)
            }
        }
        return envelopes
    }

    /// submitting → submitted → fetched → stored → publishing (envelope) → published, as the executor does.
    private func drive(_ entry: LedgerEntry, ledger: any LedgerStore, encoder: EventEncoder) async throws {
        guard let lease = entry.lease else { throw BenchmarkFailure("claimed entry without a lease") }
        let command = entry.command
        let key = command.key
        let provider = command.kind == .copy ? "dashscope" : "volcengine"
        let model = command.kind == .copy ? "qwen-plus" : "seedream-3.0"
        let taskID = "task-" + key.prefix(24)
        let finished = Date()
        var submitting = LedgerUpdate(state: .submitting)
        submitting.addAttempts = 1
        _ = try await ledger.update(key, lease: lease, submitting, now: Date())
        var submitted = LedgerUpdate(state: .submitted)
        submitted.provider = provider
        submitted.providerTaskID = taskID
        submitted.progress = progress(provider: provider, taskID: taskID, result: false)
        _ = try await ledger.update(key, lease: lease, submitted, now: Date())
        var fetched = LedgerUpdate(state: .fetched)
        fetched.progress = progress(provider: provider, taskID: taskID, result: true)
        fetched.costCNY = command.kind == .copy ? Decimal(string: "0.0040") : Decimal(string: "0.2000")
        _ = try await ledger.update(key, lease: lease, fetched, now: Date())
        let isCopy = command.kind == .copy
        let contentType = isCopy ? "application/json" : "image/png"
        let objectKey = "assets/\(command.sku)/\(command.kind.rawValue)/\(key).\(isCopy ? "json" : "png")"
        let bytes: Int64 = isCopy ? 1_180 : 1_843_215
        let sha256 = String(key.reversed())
        var stored = LedgerUpdate(state: .stored)
        stored.stored = StoredResult(
            url: "http://127.0.0.1:8080/\(objectKey)", objectKey: objectKey, sha256: sha256, bytes: bytes,
            contentType: contentType)
        let afterStore = try await ledger.update(key, lease: lease, stored, now: Date())
        guard let result = afterStore.stored else { throw BenchmarkFailure("no stored result for \(key)") }
        let copy = CopyText(
            title: "Nordic Stoneware Coffee Mug, 350 ml, Matte White",
            description: "A matte stoneware mug with a glossy food-safe inside and a thick rim that keeps coffee hot. "
                + "Dishwasher and microwave safe.",
            bullets: ["350 ml stoneware", "Matte white glaze", "Dishwasher and microwave safe"],
            keywords: ["coffee mug", "stoneware mug", "nordic mug"])
        let ready = AssetReady(
            assetId: key, sku: command.sku, kind: command.kind, variant: command.variant, locale: command.locale,
            url: result.url, contentType: result.contentType, bytes: Int(result.bytes), sha256: result.sha256,
            width: isCopy ? nil : 1328, height: isCopy ? nil : 1328, text: isCopy ? copy : nil, provider: provider,
            model: model, providerTaskId: taskID, cost: Cost(amount: isCopy ? 0.004 : 0.2, currency: "CNY"),
            sourceEvent: command.sourceEvent, generatedAt: Timestamp(finished))
        let encoded = try encoder.encode(ready, time: finished)
        var publishing = LedgerUpdate(state: .publishing)
        publishing.envelope = LedgerEnvelope(
            topic: readyTopic, eventID: encoded.id, key: encoded.key, value: encoded.value)
        _ = try await ledger.update(key, lease: lease, publishing, now: Date())
        _ = try await ledger.update(key, lease: lease, LedgerUpdate(state: .published), now: Date())
    }

    /// A progress record of the executor's shape and size (its type is internal to the pipeline).
    private func progress(provider: String, taskID: String, result: Bool) -> [UInt8] {
        var text = #"{"providersTried":["\#(provider)"],"task":{"provider":"\#(provider)","taskID":"\#(taskID)","#
            + #""submittedAt":"2026-11-26T12:00:00Z"}"#
        if result {
            text.removeLast()
            text += #","result":{"costCNY":0.2,"finishedAt":"2026-11-26T12:00:20Z","model":"seedream-3.0","#
                + #""output":{"urls":["https://provider.example/results/\#(taskID).png"]},"#
                + #""provider":"\#(provider)"},"width":1328,"height":1328}"#
        }
        return Array(text.utf8)
    }
}
