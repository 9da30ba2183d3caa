import AssetForgeConfiguration
import Events
import Foundation
import Ledger
import Providers
import ProviderSimulator
import Testing

@testable import Pipeline

/// Claimed commands that a provider cannot take soon wait as small records in a queue per provider, not as runs
/// (each run keeps a task and its frames while it waits for a submission permit); a slow provider's queue does not
/// hold back commands for another.
@Suite("Pipeline: claimed commands queue per provider for their submission", .serialized)
struct SubmissionBacklogTests {
    @Test func aSlowProviderHasAtMostItsLimitOfRunsAndOthersGoOnMeanwhile() async throws {
        // Kling answers every request after 500 ms and takes one submission at a time: twelve videos queue.
        var slow = FaultProfile()
        slow.latency = LatencyDistribution(kind: .fixed, minMilliseconds: 500)
        let harness = try await PipelineHarness.make { $0.serviceFaults["kling"] = slow }
        let configuration = try await AssetForgeConfiguration.load(environment: harness.environment())
        var options = ProviderFleetOptions()
        var kling = ProviderWorkerConfiguration.defaults(
            for: .kling, settings: configuration.providers.settings(for: .kling))
        kling.maxConcurrentSubmissions = 1
        options.workers[.kling] = kling
        let parts = try await harness.runnerParts(fleetOptions: options)
        var settings = CommandScheduler.Settings(owner: "backlog-test")
        settings.startingPerProvider = 2
        settings.pollInterval = .milliseconds(100)
        let scheduler = CommandScheduler(
            ledger: parts.ledger, runner: parts.runner, settings: settings, logger: PipelineHarness.logger)
        let running = Task { await scheduler.run() }
        do {
            let planner = Planner()
            var videos: [String] = []
            for index in 0..<12 {
                let promoted = PipelineHarness.skuPromoted(
                    sku: "QUEUE-V\(index)", sceneImageURL: harness.sampleURL("lamp"))
                let event = try EventDecoder().decode(envelope: promoted, as: .skuPromoted)
                let commands = try await planner.commands(for: event, ledger: parts.ledger, now: Date())
                videos += commands.map(\.key)
                _ = try await parts.ledger.plan(commands, now: Date())
            }
            let listed = PipelineHarness.productListed(sku: "QUEUE-I", imageURL: harness.sampleURL("mug"), languages: ["en"])
            let imageCommands = try await planner.commands(
                for: try EventDecoder().decode(envelope: listed, as: .productListed), ledger: parts.ledger, now: Date())
            // Three images on Wanx and a copy on Qwen.
            let images = imageCommands.map(\.key)
            #expect(videos.count == 12 && images.count == 4)
            _ = try await parts.ledger.plan(imageCommands, now: Date())
            scheduler.wake()

            var mostStarting = 0, mostQueued = 0
            var videosLeftWhenImagesWerePublished: Int?
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                let backlog = scheduler.submissionBacklog(for: .kling)
                mostStarting = max(mostStarting, backlog.starting)
                mostQueued = max(mostQueued, backlog.queued)
                var publishedImages = 0, publishedVideos = 0
                for key in images where try await parts.ledger.entry(key)?.state == .published { publishedImages += 1 }
                for key in videos where try await parts.ledger.entry(key)?.state == .published { publishedVideos += 1 }
                if publishedImages == images.count, videosLeftWhenImagesWerePublished == nil {
                    videosLeftWhenImagesWerePublished = videos.count - publishedVideos
                }
                if publishedImages == images.count, publishedVideos == videos.count { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let states = try await harness.describeLedgerEntries(videos + images)
            for key in videos + images {
                #expect(try await parts.ledger.entry(key)?.state == .published, "\(states)")
            }
            #expect(mostStarting <= 2, "Kling had \(mostStarting) runs of unsubmitted commands at once")
            #expect(mostQueued >= 5, "the videos waited in the queue (at most \(mostQueued) at once)")
            #expect(
                (videosLeftWhenImagesWerePublished ?? 0) >= 2,
                "the images were published while videos still waited (\(videosLeftWhenImagesWerePublished ?? -1) left)")
            #expect(harness.simulator.stats()[.kling].tasksCreated == 12)
            let backlog = scheduler.submissionBacklog(for: .kling)
            #expect(backlog.queued == 0 && backlog.starting == 0)
        } catch {
            running.cancel()
            await running.value
            await parts.close()
            await harness.shutdown()
            throw error
        }
        running.cancel()
        await running.value
        await parts.close()
        await harness.shutdown()
    }
}
