import AssetForgeConfiguration
import AsyncHTTPClient
import Events
import Foundation
import KafkaTestSupport
import Ledger
import Logging
import Pipeline
import Providers
import Testing

/// `kill -9` at seeded random moments while events are in progress: every asset is still published, and no
/// idempotency key is paid twice except where the process died with a submit request unanswered.
@Suite("Pipeline crash recovery (kill -9, real processes)", .serialized)
struct CrashRecoveryTests {
    @Test func killNineTenTimesLosesNothingAndPaysOnce() async throws {
        let harness = try await PipelineHarness.make(taskSeconds: 1.5)
        defer { Task { await harness.shutdown() } }
        var environment = try harness.environment()
        environment["ASSETFORGE_LOG_LEVEL"] = "info"
        environment["ASSETFORGE_LEDGER_LEASE_SECONDS"] = "3"
        environment["ASSETFORGE_POLL_INTERVAL_MS"] = "200"
        for name in ["WANX", "QWEN", "KLING", "HAILUO", "JIMENG"] {
            environment["ASSETFORGE_\(name)_MAX_IN_FLIGHT"] = "8"
            environment["ASSETFORGE_\(name)_SUBMITS_PER_SECOND"] = "20"
            environment["ASSETFORGE_\(name)_SUBMIT_BURST"] = "10"
            environment["ASSETFORGE_\(name)_FIRST_POLL_SECONDS"] = "0.5"
            environment["ASSETFORGE_\(name)_POLL_INTERVAL_SECONDS"] = "0.5"
            environment["ASSETFORGE_\(name)_MAX_POLL_INTERVAL_SECONDS"] = "1"
        }
        // 80 products (3 images + 1 copy each) and 20 promotions (a video each, from the generated scene image).
        var records: [(topic: String, key: String, value: [UInt8])] = []
        for index in 0..<80 {
            records.append(
                (harness.topics.listed, "CR-\(index)",
                 PipelineHarness.productListed(sku: "CR-\(index)", imageURL: harness.sampleURL("mug"), languages: ["en"])))
        }
        for index in 0..<20 {
            records.append((harness.topics.promoted, "CR-\(index)", PipelineHarness.skuPromoted(sku: "CR-\(index)")))
        }
        try await harness.produce(records)
        let expected = 80 * 4 + 20

        var generator = SeededGenerator(seed: 20261126)
        var logs = ""
        for round in 1...10 {
            let process = try AssetForgeProcess(environment: environment)
            try await process.waitUntilAssigned()
            let delay = Duration.milliseconds(Int.random(in: 300...4000, using: &generator))
            try await Task.sleep(for: delay)
            guard process.isRunning else { throw AssetForgeProcess.Exited(output: process.output) }
            process.kill()
            logs += process.output
            print("crash test: round \(round), killed after \(delay)")
        }
        let last = try AssetForgeProcess(environment: environment)
        let events = try await harness.collect(within: .seconds(900)) { events in
            Set(events.map(\.id)).count >= expected
        }
        let status = try await last.terminate()
        #expect(status == 0, "graceful shutdown exit status; log:\n\(last.output.suffix(2000))")

        let ready = Set(events.compactMap(\.ready).map(\.assetId))
        let failed = events.compactMap(\.failed)
        #expect(failed.isEmpty, "failures: \(failed.prefix(3).map { "\($0.reason) \($0.message ?? "")" })")
        #expect(ready.count == expected)
        let stats = harness.simulator.stats()
        #expect(Set(stats.tasksPerIdempotencyKey.keys) == ready)
        // A repeat is admissible only where a process died with the submit request unanswered: the ledger then
        // holds the command with two submissions counted (the first marked right before the request went out).
        // Kling's lost submissions are found again by external_task_id instead of being repeated.
        let ledger = try await SQLiteLedgerStore.open(
            path: harness.directory.appendingPathComponent("ledger.db").path, logger: PipelineHarness.logger)
        let repeated = stats.tasksPerIdempotencyKey.filter { $0.value > 1 }
        for key in repeated.keys {
            let entry = try #require(try await ledger.entry(key))
            #expect(entry.attempts >= 2, "\(key) was submitted \(repeated[key] ?? 0) times in \(entry.attempts) attempts")
            #expect(entry.provider != "kling", "\(key): a Kling task must be found by external_task_id, not repeated")
        }
        let resumed = try await ledger.countsByState()
        await ledger.close()
        logs += last.output
        let adopted = logs.components(separatedBy: "found the task of an unanswered submission").count - 1
        print(
            "crash test: \(ready.count) assets, \(repeated.count) keys submitted twice, \(adopted) lost submissions "
                + "adopted by external_task_id, final states \(resumed.filter { $0.value > 0 })")
    }
}

/// A small deterministic generator (SplitMix64), so the kill moments repeat from run to run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The window of a submission whose answer was lost is closed where the vendor lets us name the task.
@Suite("Pipeline: a lost Kling submission is found, not repeated", .serialized)
struct LostSubmissionTests {
    @Test func aCommandLeftSubmittingIsAdoptedByExternalTaskID() async throws {
        let harness = try await PipelineHarness.make()
        defer { Task { await harness.shutdown() } }
        let sceneURL = harness.sampleURL("lamp")
        let promotion = PipelineHarness.skuPromoted(sku: "LOST-1", sceneImageURL: sceneURL)
        guard case .skuPromoted(let event) = try EventDecoder().decode(envelope: promotion, as: .skuPromoted) else {
            Issue.record("not a promotion")
            return
        }
        let command = Planner().command(for: event, scene: nil, now: Date())

        // A previous process recorded `submitting`, sent the request (Kling created the task, named by our key)
        // and died before the answer was recorded; its lease runs out a second later.
        let configuration = try await AssetForgeConfiguration.load(environment: harness.environment())
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let fleet = ProviderFleet.live(providers: configuration.providers, httpClient: http, logger: PipelineHarness.logger)
        let video = VideoCommand(image: .url(try #require(URL(string: sceneURL))), prompt: "orbit")
        let lost = try await fleet.submit(.video(video), assetID: command.key)
        try await http.shutdown()
        #expect(lost.provider == .kling)
        let ledger = try await SQLiteLedgerStore.open(
            path: harness.directory.appendingPathComponent("ledger.db").path, logger: PipelineHarness.logger)
        _ = try await ledger.plan([command], now: Date())
        let claimed = try #require(
            try await ledger.claim(key: command.key, owner: "dead-process", leaseDuration: .seconds(1), now: Date()))
        var marking = LedgerUpdate(state: .submitting)
        marking.addAttempts = 1
        _ = try await ledger.update(command.key, lease: try #require(claimed.lease), marking, now: Date())
        await ledger.close()

        try await harness.produce([(harness.topics.promoted, "LOST-1", promotion)])
        let events = try await harness.withService { _ in
            try await harness.collect(within: .seconds(120)) { events in !events.isEmpty }
        }
        let ready = try #require(events.first?.ready)
        #expect(ready.assetId == command.key)
        #expect(ready.providerTaskId == lost.taskID, "the lost task was adopted")
        #expect(harness.simulator.stats().tasksPerIdempotencyKey[command.key] == 1, "and not submitted again")
        #expect(harness.simulator.stats()[.kling].tasksCreated == 1)
    }
}
