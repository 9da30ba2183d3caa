import Events
import Foundation
import KafkaTestSupport
import Ledger
import Testing

@Suite("Pipeline: events to assets against the real broker, the provider simulator and real HTTP", .serialized)
struct PipelineIntegrationTests {
    @Test func productsAndPromotionsBecomeAssetsAndAReplaySubmitsNothing() async throws {
        let harness = try await PipelineHarness.make()
        defer { Task { await harness.shutdown() } }
        let products = Int(ProcessInfo.processInfo.environment["ASSETFORGE_TEST_PRODUCTS"] ?? "") ?? 200
        let promotions = 20
        let languages: (Int) -> [String] = { $0 % 4 == 0 ? ["en", "de"] : ["en"] }
        var records: [(topic: String, key: String, value: [UInt8])] = []
        for index in 0..<products {
            let sku = "SKU-\(index)"
            records.append(
                (harness.topics.listed, sku,
                 PipelineHarness.productListed(
                    sku: sku, imageURL: harness.sampleURL(["mug", "lamp", "bottle"][index % 3]),
                    languages: languages(index))))
        }
        for index in 0..<promotions {
            records.append((harness.topics.promoted, "SKU-\(index)", PipelineHarness.skuPromoted(sku: "SKU-\(index)")))
        }
        try await harness.produce(records)
        let expected = products * 3 + (0..<products).map { languages($0).count }.reduce(0, +) + promotions

        let clock = ContinuousClock()
        let started = clock.now
        let first = try await harness.withService { _ in
            let events = try await harness.collect(within: .seconds(600)) { events in
                Set(events.map(\.id)).count >= expected
            }
            print("pipeline test: \(expected) assets in \(clock.now - started)")
            // Every URL works (while the service serves them) and its bytes match the published size and SHA-256.
            for asset in events.compactMap(\.ready) {
                let (bytes, _) = try await fetch(asset.url)
                #expect(bytes.count == asset.bytes, "\(asset.url)")
                #expect(sha256Hex(bytes) == asset.sha256, "\(asset.url)")
            }
            return events
        }
        let failures = first.compactMap(\.failed)
        #expect(failures.isEmpty, "unexpected failures: \(failures.prefix(3).map { "\($0.reason): \($0.message ?? "")" })")
        let ready = Dictionary(first.compactMap { event in event.ready.map { (event.id, $0) } }) { a, _ in a }
        #expect(ready.count == expected)

        // Per SKU: three images in three styles, one copy per language; one video per promoted SKU.
        let bySKU = Dictionary(grouping: ready.values, by: \.sku)
        for index in 0..<products {
            let assets = bySKU["SKU-\(index)"] ?? []
            let images = assets.filter { $0.kind == .marketingImage }
            #expect(Set(images.compactMap(\.variant)) == ["studio", "lifestyle", "festive"], "SKU-\(index)")
            #expect(images.allSatisfy { $0.contentType == "image/png" && ($0.width ?? 0) > 0 })
            let copies = assets.filter { $0.kind == .copy }
            #expect(copies.compactMap(\.locale).sorted() == languages(index).sorted(), "SKU-\(index)")
            #expect(copies.allSatisfy { ($0.text?.bullets?.count ?? 0) == 5 })
            let videos = assets.filter { $0.kind == .video }
            #expect(videos.count == (index < promotions ? 1 : 0), "SKU-\(index)")
            #expect(videos.allSatisfy { $0.contentType == "video/mp4" && ($0.durationSeconds ?? 0) > 0 })
        }

        // Each asset was paid for exactly once.
        let before = harness.simulator.stats().tasksPerIdempotencyKey
        #expect(Set(before.keys) == Set(ready.values.map(\.assetId)))
        let duplicated = before.filter { $0.value > 1 }.map(\.key).sorted()
        let duplicatedEntries = try await harness.describeLedgerEntries(duplicated)
        #expect(duplicated.isEmpty, "paid more than once: \(duplicatedEntries)")

        // Replay both topics from the start with a new group on the same ledger: nothing is submitted, the same
        // events are published again, byte for byte.
        let replayed = try await harness.withService(group: harness.group + ".replay") { _ in
            try await harness.collect(within: .seconds(300)) { events in events.count >= 2 * first.count }
        }
        #expect(harness.simulator.stats().tasksPerIdempotencyKey == before)
        let copies = Dictionary(grouping: replayed, by: \.id)
        #expect(Set(copies.keys) == Set(first.map(\.id)))
        for (id, events) in copies {
            #expect(events.count >= 2, "\(id) was not republished")
            #expect(Set(events.map(\.value)).count == 1, "\(id) was republished with different bytes")
        }
    }

    @Test func aRejectedInputFailsOnlyThatCommand() async throws {
        let harness = try await PipelineHarness.make()
        defer { Task { await harness.shutdown() } }
        let trigger = harness.simulator.configuration.moderationTrigger
        try await harness.produce([
            (harness.topics.listed, "POISON-1",
             PipelineHarness.productListed(
                sku: "POISON-1", imageURL: harness.sampleURL("mug"), languages: ["en", "fr"],
                description: "A mug. \(trigger)")),
            (harness.topics.listed, "FINE-1",
             PipelineHarness.productListed(sku: "FINE-1", imageURL: harness.sampleURL("lamp"), languages: ["en"])),
        ])
        let events = try await harness.withService { _ in
            try await harness.collect(within: .seconds(300)) { events in Set(events.map(\.id)).count >= 9 }
        }
        let failed = events.compactMap(\.failed)
        #expect(failed.count == 2)
        #expect(failed.allSatisfy { $0.sku == "POISON-1" && $0.kind == .copy && $0.reason == .contentModeration })
        let ready = events.compactMap(\.ready)
        #expect(ready.filter { $0.sku == "POISON-1" }.map(\.kind) == Array(repeating: .marketingImage, count: 3))
        #expect(ready.filter { $0.sku == "FINE-1" }.count == 4)
    }

    @Test func aSubmissionHeldByTheDailyBudgetIsRecordedAsDeferred() async throws {
        let harness = try await PipelineHarness.make()
        defer { Task { await harness.shutdown() } }
        try await harness.produce([
            (harness.topics.listed, "BUDGET-1",
             PipelineHarness.productListed(
                sku: "BUDGET-1", imageURL: harness.sampleURL("mug"), languages: ["en"]))
        ])
        let ledgerPath = harness.directory.appendingPathComponent("ledger.db").path
        // A cap below one image: every image waits for tomorrow's budget; the copy (Qwen) is not capped.
        let counts = try await harness.withService(environment: ["ASSETFORGE_WANX_DAILY_BUDGET_CNY": "0.01"]) { _ in
            let ledger = try await SQLiteLedgerStore.open(path: ledgerPath, logger: PipelineHarness.logger)
            var counts: [LedgerState: Int] = [:]
            try await waitUntil("three images deferred and the copy published", within: .seconds(60)) {
                counts = try await ledger.countsByState()
                return counts[.deferred] == 3 && counts[.published] == 1
            }
            await ledger.close()
            return counts
        }
        #expect(counts[.deferred] == 3)
        #expect(harness.simulator.stats()[.wanx].tasksCreated == 0)
    }
}
