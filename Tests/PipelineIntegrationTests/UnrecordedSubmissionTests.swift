import AssetForgeConfiguration
import AssetImaging
import AsyncHTTPClient
import Events
import Foundation
import Kafka
import KafkaTestSupport
import Ledger
import ObjectStorage
import Providers
import ProviderSimulator
import SafeFetch
import Testing

@testable import Pipeline

/// A process whose lease ran out while its submit request was open cannot record the task it was given: the new
/// owner's state wins. It must then free the task's slot, or the slot stays taken for as long as the process runs
/// (enough such slots and the vendor account has none left: the pipeline stalls).
@Suite("Pipeline: a submitted task that cannot be recorded frees its slot", .serialized)
struct UnrecordedSubmissionTests {
    @Test func aRunnerWhoseLeaseWasTakenOverDuringTheSubmitFreesTheSlot() async throws {
        // Wanx answers every API request after 4 s; the successor takes the command over while that request is open.
        var slow = FaultProfile()
        slow.latency = LatencyDistribution(kind: .fixed, minMilliseconds: 4_000)
        let harness = try await PipelineHarness.make { $0.serviceFaults["wanx"] = slow }
        let parts = try await harness.runnerParts()
        let ledger = parts.ledger, fleet = parts.fleet
        do {
            let runner = parts.runner {}

            let listed = PipelineHarness.productListed(
                sku: "UNREC-1", imageURL: harness.sampleURL("mug"), languages: ["en"])
            let event = try EventDecoder().decode(envelope: listed, as: .productListed)
            let command = try #require(
                try await Planner().commands(for: event, ledger: ledger, now: Date())
                    .first { $0.kind == .marketingImage })
            _ = try await ledger.plan([command], now: Date())
            let claimed = try #require(
                try await ledger.claim(key: command.key, owner: "runner", leaseDuration: .seconds(60), now: Date()))

            let run = Task { await runner.run(claimed) { _ in } }
            // Once the submit request is open (however long preparing the input took on a busy machine), another
            // owner claims the command at a moment past the runner's lease, as a successor would after it ran out.
            var takeover: LedgerEntry?
            let deadline = ContinuousClock.now + .seconds(60)
            while takeover == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                guard harness.simulator.stats()[.wanx].submitsReceived > 0 else { continue }
                takeover = try await ledger.claim(
                    key: command.key, owner: "successor", leaseDuration: .seconds(60), now: Date().addingTimeInterval(61))
            }
            #expect(takeover != nil, "the runner's lease ran out")
            _ = await run.value

            let wanx = harness.simulator.stats()[.wanx]
            #expect(wanx.tasksCreated == 1, "the runner's submission reached the vendor")
            let entry = try #require(try await ledger.entry(command.key))
            #expect(entry.state == .submitting, "the old owner did not record its task over the successor's lease")
            #expect(entry.providerTaskID == nil)
            #expect(entry.lease?.owner == "successor")
            let status = try #require(await fleet.worker(.wanx)?.status)
            #expect(status.inFlight == 0, "the task nobody will poll here holds no slot")
        } catch {
            await parts.close()
            await harness.shutdown()
            throw error
        }
        await parts.close()
        await harness.shutdown()
    }
}
