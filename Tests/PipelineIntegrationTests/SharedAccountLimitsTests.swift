import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import KafkaTestSupport
import Ledger
import Pipeline
import PostgresTestSupport
import ProviderSimulator
import Providers
import Testing

/// Provider workers of two instances on one PostgreSQL ledger against the provider simulator: the vendor account's
/// limits hold for both together. Needs `ASSETFORGE_TEST_POSTGRES_URL` and fails without it.
@Suite("Vendor-account limits shared by instances on one PostgreSQL ledger", .serialized)
struct SharedAccountLimitsTests {
    @Test func twoInstancesTogetherStayWithinTheKlingLimit() async throws {
        let harness = try await PipelineHarness.make(taskSeconds: 1)
        defer { Task { await harness.shutdown() } }
        let configuration = try await AssetForgeConfiguration.load(environment: harness.environment())
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = http.shutdown() }
        try await PostgresTestDatabase.withFresh(logger: PipelineHarness.logger) { database in
            let (stores, fleets) = try await Self.twoInstances(
                on: database, configuration: configuration, http: http
            ) { options in
                var kling = ProviderWorkerConfiguration.defaults(
                    for: .kling, settings: configuration.providers.settings(for: .kling))
                kling.maxInFlight = 2  // each instance alone would allow 2, so 4 together without sharing
                kling.videoPolling = PollingSchedule(
                    firstPoll: .milliseconds(200), interval: .milliseconds(200), maxInterval: .milliseconds(300))
                options.workers[.kling] = kling
            }
            let image = try #require(URL(string: harness.sampleURL("lamp")))
            let fleetsToUse = fleets
            let results = try await withThrowingTaskGroup(of: ProviderResult.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let fleet = fleetsToUse[index % 2]
                        let video = VideoCommand(image: .url(image), prompt: "orbit \(index)")
                        let task = try await fleet.submit(.video(video), assetID: "shared-limit-\(index)")
                        return try await fleet.awaitResult(task)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 8)
            #expect(results.allSatisfy { $0.task.provider == .kling })
            let kling = harness.simulator.stats()[.kling]
            #expect(kling.tasksCreated == 8)
            #expect(kling.maxTasksInFlight <= 2, "Kling saw \(kling.maxTasksInFlight) tasks at once across both instances")
            #expect(kling.maxTasksInFlight == 2, "both instances' slots were used")
            // Every slot was given back.
            try await waitUntil("the shared slots to be freed", within: .seconds(10)) {
                try await stores[0].slotsHeld(provider: "kling", now: Date()) == 0
            }
            for store in stores { await store.close() }
        }
    }

    @Test func twoInstancesTogetherStayWithinTheDailyBudget() async throws {
        let harness = try await PipelineHarness.make(taskSeconds: 0.3)
        defer { Task { await harness.shutdown() } }
        let configuration = try await AssetForgeConfiguration.load(environment: harness.environment())
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = http.shutdown() }
        try await PostgresTestDatabase.withFresh(logger: PipelineHarness.logger) { database in
            let cap = Decimal(string: "0.5") ?? 0
            let (stores, fleets) = try await Self.twoInstances(
                on: database, configuration: configuration, http: http
            ) { options in
                options.routes = [.textToImage: [.wanx]]
                var wanx = ProviderWorkerConfiguration.defaults(
                    for: .wanx, settings: configuration.providers.settings(for: .wanx))
                // 0.14 CNY an image: three fit in 0.5 CNY a day, for both instances together.
                wanx.dailyBudgetCNY = cap
                wanx.maxBudgetWait = .milliseconds(300)
                wanx.budgetRecheckInterval = .milliseconds(100)
                wanx.imagePolling = PollingSchedule(
                    firstPoll: .milliseconds(200), interval: .milliseconds(200), maxInterval: .milliseconds(300))
                options.workers[.wanx] = wanx
            }
            // One image at a time, alternating instances, so that each finishes (and books its cost) before the next.
            var made = 0, refused = 0
            for index in 0..<6 {
                let fleet = fleets[index % 2]
                do {
                    let task = try await fleet.submit(
                        .textToImage(TextToImageCommand(prompt: "teapot \(index)")), assetID: "budget-\(index)")
                    _ = try await fleet.awaitResult(task)
                    made += 1
                } catch {
                    #expect((error as? ProviderError)?.code == .budgetExhausted, "\(error)")
                    refused += 1
                }
            }
            #expect(made == 3 && refused == 3, "made \(made), refused \(refused)")
            #expect(harness.simulator.stats()[.wanx].tasksCreated == 3)
            let day = ISO8601DateFormatter.shanghaiDay(Date())
            try await waitUntil("the spend to be booked", within: .seconds(10)) {
                try await stores[0].spent(provider: "wanx", day: day) > 0.4
            }
            #expect(try await stores[1].spent(provider: "wanx", day: day) <= cap)
            for store in stores { await store.close() }
        }
    }
}

extension SharedAccountLimitsTests {
    /// Two instances on `database`: a ledger store each and a live fleet each, with `configure`d options and the
    /// instance's ``PostgresAccountLimits``.
    @Test func anInstanceRenewsOnlyWhatItKnowsItHolds() async throws {
        try await PostgresTestDatabase.withFresh(logger: PipelineHarness.logger) { database in
            let location = try LedgerLocation(parsing: try database.url())
            let store = try #require(
                try await LedgerOpener.open(location, logger: PipelineHarness.logger) as? PostgresLedgerStore)
            let limits = PostgresAccountLimits(
                store: store, owner: "instance-a", holdDuration: .seconds(30), logger: PipelineHarness.logger)
            #expect(try await limits.takeSlot(provider: .kling, holder: "asset-1", limit: 4))
            #expect(try await limits.takeSlot(provider: .kling, holder: "asset-2", limit: 4))
            try await limits.renameSlot(provider: .kling, holder: "asset-2", to: "asset-2~parked")
            #expect(try await limits.reserveSpend(
                provider: .kling, day: "2026-11-26", reservation: "r-1", amount: 1, cap: nil))
            #expect(limits.heldCounts == (slots: 2, reservations: 1))
            try await limits.renewHolds()
            try await limits.releaseSlot(provider: .kling, holder: "asset-1")
            try await limits.settleSpend(provider: .kling, day: "2026-11-26", reservation: "r-1", actual: 1)
            #expect(limits.heldCounts == (slots: 1, reservations: 0))
            #expect(try await store.slotsHeld(provider: "kling", now: Date()) == 1)

            // A release that fails (here: the ledger is closed) still forgets the slot, so that it is no longer
            // renewed and lapses instead of staying held while the instance runs.
            await store.close()
            await #expect(throws: (any Error).self) {
                try await limits.releaseSlot(provider: .kling, holder: "asset-2~parked")
            }
            #expect(limits.heldCounts == (slots: 0, reservations: 0))
        }
    }

    static func twoInstances(
        on database: PostgresTestDatabase, configuration: AssetForgeConfiguration, http: HTTPClient,
        configure: (inout ProviderFleetOptions) -> Void
    ) async throws -> (stores: [PostgresLedgerStore], fleets: [ProviderFleet]) {
        let location = try LedgerLocation(parsing: try database.url())
        var stores: [PostgresLedgerStore] = []
        var fleets: [ProviderFleet] = []
        for instance in ["instance-a", "instance-b"] {
            let store = try #require(
                try await LedgerOpener.open(location, logger: PipelineHarness.logger) as? PostgresLedgerStore)
            stores.append(store)
            var options = ProviderFleetOptions()
            configure(&options)
            options.sharedLimits = PostgresAccountLimits(
                store: store, owner: instance, holdDuration: .seconds(30), logger: PipelineHarness.logger)
            fleets.append(
                ProviderFleet.live(
                    providers: configuration.providers, httpClient: http, options: options,
                    logger: PipelineHarness.logger))
        }
        return (stores, fleets)
    }
}

extension ISO8601DateFormatter {
    /// The billing day (Asia/Shanghai) of `date` as `yyyy-MM-dd`.
    static func shanghaiDay(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.formatOptions = [.withFullDate, .withDashSeparatorInDate]
        return formatter.string(from: date)
    }
}
