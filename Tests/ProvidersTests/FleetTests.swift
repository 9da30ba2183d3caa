import AssetForgeConfiguration
import AssetImaging
import Foundation
import ProviderSimulator
@testable import Providers
import Synchronization
import Testing

@Suite("Provider workers and fleet", .timeLimit(.minutes(5)))
struct FleetTests {
    @Test("scene image: cut-out, submit, poll, fetch on Wanx, costed from the price table")
    func sceneImage() async throws {
        try await Harness.run { h in
            let fleet = h.fleet()
            let persisted = Mutex<SubmittedTask?>(nil)
            let result = try await fleet.generate(
                .sceneImage(SceneImageCommand(productImage: h.sample("blue-mug"), prompt: "on a wooden table")), assetID: "asset-1"
            ) { task in persisted.withLock { $0 = task } }
            #expect(persisted.withLock { $0?.taskID } == result.task.taskID)
            #expect(result.provider == .wanx)
            #expect(result.fallbackFrom == nil)
            #expect(result.costCNY == Decimal(string: "0.08"))
            let png = try await fleet.download(try #require(result.urls.first))
            #expect(Array(png.prefix(8)) == pngSignature)
            let status = await fleet.worker(.wanx)!.status
            #expect(status.inFlight == 0)
            #expect(status.spentTodayCNY == Decimal(string: "0.08"))
            #expect(h.simulator.stats().tasksPerIdempotencyKey == ["asset-1": 1])
        }
    }

    @Test("video: Kling at the requested ratio and length; Hailuo as backup reports 6 s for 5 s")
    func video() async throws {
        try await Harness.run { h in
            let fleet = h.fleet()
            let command = GenerationCommand.video(
                VideoCommand(image: h.sample("lamp", width: 640, height: 480), prompt: "slow orbit", durationSeconds: 5))
            let kling = try await fleet.generate(command, assetID: "v-1")
            #expect(kling.provider == .kling)
            #expect(kling.durationSeconds == 5)
            #expect(kling.costCNY == Decimal(string: "1.00"))
            await fleet.worker(.kling)!.setEnabled(false)
            let hailuo = try await fleet.generate(command, assetID: "v-2")
            #expect(hailuo.provider == .hailuo)
            #expect(hailuo.fallbackFrom == .kling)
            #expect(hailuo.durationSeconds == 6)
            #expect(hailuo.costCNY == Decimal(string: "2.00"))
            let video = try await fleet.download(try #require(hailuo.urls.first))
            #expect(String(decoding: video[4..<8], as: UTF8.self) == "ftyp")
        }
    }

    @Test("copy: Qwen answers at once; the result carries the copy and its token cost")
    func copy() async throws {
        try await Harness.run { h in
            let fleet = h.fleet()
            let task = try await fleet.submit(.copy(CopyCommand(productName: "Tea Kettle", language: "fr")), assetID: "c-1")
            #expect(task.completedOutput?.copy != nil)
            let result = try await fleet.awaitResult(task)
            #expect(result.output.copy?.bullets.count == 5)
            #expect(result.costCNY > 0)
        }
    }

    @Test("resume: a task persisted by one fleet is finished by a fresh one (after a crash)")
    func resume() async throws {
        try await Harness.run(taskSeconds: 0.5) { h in
            let first = h.fleet()
            let task = try await first.submit(
                .textToImage(TextToImageCommand(prompt: "a red kettle")), assetID: "r-1")
            let data = try JSONEncoder().encode(task)
            // "Crash": the first fleet is dropped without awaiting; a new one resumes from the persisted task.
            let restored = try JSONDecoder().decode(SubmittedTask.self, from: data)
            let second = h.fleet()
            let result = try await second.resume(restored)
            #expect(result.task.taskID == task.taskID)
            #expect(result.urls.count == 1)
            #expect(h.simulator.stats()[.wanx].tasksCreated == 1)
            #expect(await second.worker(.wanx)!.status.inFlight == 0)

            // Kling can also be found by our id when the crash came before the task id was persisted.
            let video = GenerationCommand.video(VideoCommand(image: h.sample("vase"), prompt: "turn"))
            let submitted = try await first.submit(video, assetID: "r-2")
            let found = try await second.worker(.kling)!.findTask(assetID: "r-2", command: video)
            #expect(found?.taskID == submitted.taskID)
            let finished = try await second.resume(try #require(found))
            #expect(finished.durationSeconds == 5)
        }
    }

    @Test("budget: at the cap new submissions are deferred (event + wait) and go ahead when the cap is raised")
    func budgetDeferral() async throws {
        try await Harness.run(taskSeconds: 0.1) { h in
            var wanx = Harness.fastWorker()
            wanx.dailyBudgetCNY = Decimal(string: "0.10")
            let fleet = h.fleet(workers: [.wanx: wanx])
            let events = Mutex<[ProviderEvent]>([])
            let listener = Task {
                for await event in fleet.events { events.withLock { $0.append(event) } }
            }
            let command = GenerationCommand.sceneImage(SceneImageCommand(productImage: h.sample("cup"), prompt: "garden"))
            let first = try await fleet.generate(command, assetID: "b-1")
            #expect(first.costCNY == Decimal(string: "0.08"))
            let second = Task { try await fleet.generate(command, assetID: "b-2") }
            #expect(
                try await waitFor {
                    events.withLock { $0.contains(.deferred(assetID: "b-2", provider: .wanx, spentCNY: Decimal(string: "0.08")!, capCNY: Decimal(string: "0.10")!)) }
                })
            #expect(await fleet.worker(.wanx)!.status.deferred == 1)
            #expect(h.simulator.stats()[.wanx].tasksCreated == 1)
            await fleet.worker(.wanx)!.setDailyBudget(Decimal(string: "1.00"))
            let result = try await second.value
            #expect(result.provider == .wanx)
            #expect(events.withLock { $0.contains(.resumed(assetID: "b-2", provider: .wanx)) })

            // A cap below one task's price fails at once; a bounded wait fails with budget-exhausted.
            await fleet.worker(.wanx)!.setDailyBudget(Decimal(string: "0.01"))
            let never = await #expect(throws: ProviderError.self) { _ = try await fleet.worker(.wanx)!.submit(command, assetID: "b-3") }
            #expect(never?.code == .budgetExhausted)
            listener.cancel()
        }
        try await Harness.run(taskSeconds: 0.1) { h in
            var wanx = Harness.fastWorker()
            wanx.dailyBudgetCNY = Decimal(string: "0.08")
            wanx.maxBudgetWait = .milliseconds(200)
            let fleet = h.fleet(workers: [.wanx: wanx])
            let command = GenerationCommand.textToImage(TextToImageCommand(prompt: "x"))
            _ = try await fleet.worker(.wanx)!.submit(
                .sceneImage(SceneImageCommand(productImage: h.sample("a"), prompt: "p")), assetID: "held")
            let waited = await #expect(throws: ProviderError.self) { _ = try await fleet.worker(.wanx)!.submit(command, assetID: "b-4") }
            #expect(waited?.code == .budgetExhausted)
        }
    }

    @Test(
        "budget: with more waiting submissions than permits, every one is deferred (a deferred one gives its permit back)",
        .timeLimit(.minutes(1)))
    func budgetDeferralBeyondThePermits() async throws {
        try await Harness.run(taskSeconds: 0.1) { h in
            var wanx = Harness.fastWorker()
            wanx.dailyBudgetCNY = Decimal(string: "0.10")
            wanx.maxConcurrentSubmissions = 1
            let fleet = h.fleet(workers: [.wanx: wanx])
            let command = GenerationCommand.sceneImage(SceneImageCommand(productImage: h.sample("cup"), prompt: "garden"))
            _ = try await fleet.generate(command, assetID: "p-0")
            let waiting = (1...4).map { index in Task { try await fleet.generate(command, assetID: "p-\(index)") } }
            #expect(try await waitFor { await fleet.worker(.wanx)!.status.deferred == 4 })
            #expect(h.simulator.stats()[.wanx].tasksCreated == 1)
            await fleet.worker(.wanx)!.setDailyBudget(Decimal(string: "1.00"))
            for task in waiting { #expect(try await task.value.provider == .wanx) }
            #expect(h.simulator.stats()[.wanx].tasksCreated == 5)
            #expect(await fleet.worker(.wanx)!.status.deferred == 0)
        }
    }

    @Test("breaker and fallback: with Wanx down images complete on Jimeng; when Wanx recovers traffic returns")
    func breakerAndFallback() async throws {
        try await Harness.run(taskSeconds: 0.1, { $0.serviceFaults["wanx"] = { var f = FaultProfile(); f.unavailable = true; return f }() }) { h in
            var wanx = Harness.fastWorker()
            wanx.breaker.openDuration = .seconds(6)
            let fleet = h.fleet(workers: [.wanx: wanx])
            let events = Mutex<[ProviderEvent]>([])
            let listener = Task { for await event in fleet.events { events.withLock { $0.append(event) } } }
            let command = { (index: Int) in
                GenerationCommand.sceneImage(SceneImageCommand(productImage: h.sample("item-\(index % 3)"), prompt: "studio"))
            }
            var results: [ProviderResult] = []
            let loopStarted = ContinuousClock.now
            for index in 0..<8 {
                results.append(try await fleet.generate(command(index), assetID: "down-\(index)"))
            }
            let loopTime = ContinuousClock.now - loopStarted
            #expect(results.allSatisfy { $0.provider == .jimeng && $0.fallbackFrom == .wanx })
            #expect(results.allSatisfy { $0.task.fallbackReason != nil })
            // Open (or, on a slow machine, already half-open and probing).
            #expect(await fleet.worker(.wanx)!.status.breaker != .closed)
            // Once open, the breaker keeps traffic away from Wanx: only the first submission's attempts reached it,
            // plus one probe for each open period that ended during the loop (none unless the machine is slow).
            let wanxAttempts = h.simulator.stats()[.wanx].unavailable
            let openPeriodsEnded = Int(loopTime / wanx.breaker.openDuration)
            #expect(
                wanxAttempts <= wanx.breaker.failureThreshold + 2 + openPeriodsEnded,
                "\(wanxAttempts) attempts reached Wanx in \(loopTime)")

            h.simulator.configure { $0.serviceFaults = [:] }
            // Half-open after the open period: the next submission is a probe.
            let probing = try await waitFor(timeout: .seconds(10)) { await fleet.worker(.wanx)!.isAcceptingSubmissions }
            #expect(probing)
            let recovered = try await fleet.generate(command(99), assetID: "up-1")
            #expect(recovered.provider == .wanx)
            #expect(recovered.fallbackFrom == nil)
            #expect(await fleet.worker(.wanx)!.status.breaker == .closed)
            let more = try await fleet.generate(command(100), assetID: "up-2")
            #expect(more.provider == .wanx)
            listener.cancel()
            let seen = events.withLock { $0 }
            #expect(seen.contains(.breakerChanged(provider: .wanx, from: .closed, to: .open)))
            #expect(seen.contains(.breakerChanged(provider: .wanx, from: .halfOpen, to: .closed)))
            #expect(seen.contains { if case .fallback(_, .wanx, .jimeng, _) = $0 { true } else { false } })
        }
    }

    @Test("a throttled submission waits as long as Retry-After asks, then gives up with retries-exhausted")
    func retryAfter() async throws {
        try await Harness.run({ configuration in
            configuration.faults.rateLimitRate = 1
            configuration.faults.retryAfterSeconds = 1
        }) { h in
            var wanx = Harness.fastWorker()
            wanx.retry.maxAttempts = 3
            let fleet = h.fleet(workers: [.wanx: wanx])
            let start = ContinuousClock.now
            let error = await #expect(throws: ProviderError.self) {
                _ = try await fleet.worker(.wanx)!.submit(.textToImage(TextToImageCommand(prompt: "x")), assetID: "t-1")
            }
            #expect(error?.code == .retriesExhausted)
            #expect(error?.httpStatus == 429)
            // Two waits of at least the 1 s the vendor asked for (the computed backoff is ~10–40 ms).
            #expect(ContinuousClock.now - start >= .seconds(2))
            #expect(h.simulator.stats()[.wanx].rateLimited == 3)
            #expect(await fleet.worker(.wanx)!.status.breaker == .closed, "throttling is not a provider fault")
        }
    }

    @Test("input errors do not fall back and are not retried")
    func permanentErrors() async throws {
        try await Harness.run { h in
            let fleet = h.fleet()
            let moderated = await #expect(throws: ProviderError.self) {
                _ = try await fleet.generate(.textToImage(TextToImageCommand(prompt: "FORBIDDEN")), assetID: "m-1")
            }
            #expect(moderated?.code == .contentModeration)
            let badInput = await #expect(throws: ProviderError.self) {
                _ = try await fleet.generate(
                    .sceneImage(SceneImageCommand(productImage: .bytes(Array("not a picture".utf8)), prompt: "p")), assetID: "m-2")
            }
            #expect(badInput?.code == .inputPreparationFailed)
            let stats = h.simulator.stats()
            #expect(stats[.wanx].submitsReceived == 1)
            #expect(stats[.jimeng].submitsReceived == 0)
            #expect(await fleet.worker(.wanx)!.status.retries == 0)
        }
    }

    @Test("submissions wait for a permit before they start: at most maxConcurrentSubmissions prepare at once")
    func submissionPermits() async throws {
        try await Harness.run(taskSeconds: 0.1) { h in
            var wanx = Harness.fastWorker(maxInFlight: 8)
            wanx.maxConcurrentSubmissions = 2
            let preparer = ConcurrencyCountingPreparer()
            let fleet = h.fleet(workers: [.wanx: wanx], preparer: preparer)
            try await withThrowingTaskGroup(of: ProviderResult.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await fleet.generate(
                            .sceneImage(SceneImageCommand(productImage: h.sample("item-\(index % 3)"), prompt: "desk")),
                            assetID: "permit-\(index)")
                    }
                }
                var done = 0
                for try await result in group where result.provider == .wanx { done += 1 }
                #expect(done == 10)
            }
            #expect(preparer.calls.withLock { $0 } == 10)
            // Not asserted to be exactly 2: preparations run on NIO's shared blocking pool (sized to the cores), which
            // other suites running at once may hold, so that even two permitted ones need not overlap.
            #expect((1...2).contains(preparer.mostAtOnce.withLock { $0 }))
            #expect(await fleet.worker(.wanx)!.status.inFlight == 0)
        }
    }

    @Test("a permit taken for a disabled primary is given back: every submission falls back", .timeLimit(.minutes(1)))
    func permitOfADisabledPrimary() async throws {
        try await Harness.run(taskSeconds: 0.1) { h in
            var wanx = Harness.fastWorker()
            wanx.maxConcurrentSubmissions = 1
            wanx.enabled = false
            let fleet = h.fleet(workers: [.wanx: wanx])
            for index in 0..<4 {
                let result = try await fleet.generate(
                    .textToImage(TextToImageCommand(prompt: "shot \(index)")), assetID: "disabled-\(index)")
                #expect(result.provider == .jimeng)
                #expect(result.fallbackFrom == .wanx)
            }
        }
    }

    @Test("watched tasks: each outcome is handed on once with no task waiting; a cancelled watch frees its slot")
    func watchedTasks() async throws {
        try await Harness.run(taskSeconds: 0.3) { h in
            let fleet = h.fleet(workers: [.wanx: Harness.fastWorker(maxInFlight: 6)])
            let outcomes = Mutex<[String: [Result<ProviderResult, ProviderError>]]>([:])
            for index in 0..<6 {
                let task = try await fleet.submit(
                    .textToImage(TextToImageCommand(prompt: "kettle \(index)")), assetID: "w-\(index)")
                let watch = try await fleet.watch(task) { outcome in
                    outcomes.withLock { $0["w-\(index)", default: []].append(outcome) }
                }
                #expect(watch.provider == .wanx)
            }
            #expect(try await waitFor { outcomes.withLock { $0.count } == 6 })
            for index in 0..<6 {
                let delivered = outcomes.withLock { $0["w-\(index)"] ?? [] }
                #expect(delivered.count == 1)
                let result = try #require(try delivered.first?.get())
                #expect(result.task.assetID == "w-\(index)")
                #expect(result.urls.count == 1)
                #expect(result.costCNY > 0)
            }
            let worker = try #require(fleet.worker(.wanx))
            #expect(await worker.status.inFlight == 0)
            #expect(await worker.status.succeeded == 6)

            // Cancelled before its first poll: `cancelled` once, the slot free, nothing handed on later.
            let task = try await fleet.submit(.textToImage(TextToImageCommand(prompt: "vase")), assetID: "w-cancel")
            #expect(await worker.status.inFlight == 1)
            let watch = try await fleet.watch(task) { outcome in
                outcomes.withLock { $0["w-cancel", default: []].append(outcome) }
            }
            await fleet.cancel(watch)
            #expect(await worker.status.inFlight == 0)
            try await Task.sleep(for: .milliseconds(600))
            let cancelled = outcomes.withLock { $0["w-cancel"] ?? [] }
            #expect(cancelled.count == 1)
            if case .failure(let error)? = cancelled.first {
                #expect(error.code == .cancelled)
            } else {
                Issue.record("a cancelled watch reported \(cancelled)")
            }
            // Cancelling again, or a watch that ended, does nothing.
            await fleet.cancel(watch)
            #expect(outcomes.withLock { $0["w-cancel"]?.count } == 1)
            #expect(await worker.status.inFlight == 0)

            // A task answered at once (Qwen) is handed on at once.
            let copy = try await fleet.submit(.copy(CopyCommand(productName: "Mug", language: "de")), assetID: "w-copy")
            _ = try await fleet.watch(copy) { outcome in outcomes.withLock { $0["w-copy", default: []].append(outcome) } }
            #expect(try outcomes.withLock { $0["w-copy"] }?.first?.get().output.copy != nil)
        }
    }

    @Test("stuck tasks end with task-timed-out and free their slot")
    func stuckTask() async throws {
        try await Harness.run(taskSeconds: 0.1, { $0.faults.stuckTaskRate = 1 }) { h in
            var wanx = Harness.fastWorker(maxInFlight: 1)
            wanx.imageTaskTimeout = .milliseconds(600)
            let fleet = h.fleet(workers: [.wanx: wanx])
            let error = await #expect(throws: ProviderError.self) {
                _ = try await fleet.generate(.textToImage(TextToImageCommand(prompt: "x")), assetID: "s-1")
            }
            #expect(error?.code == .taskTimedOut)
            #expect(await fleet.worker(.wanx)!.status.inFlight == 0)
        }
    }

    @Test(
        "1,000 image commands under 20 % 429, 5 % 5xx, 5 % failed tasks, 2 % malformed bodies all end, within the limits",
        .timeLimit(.minutes(3)))
    func faultSoak() async throws {
        try await Harness.run(taskSeconds: 0.05, { configuration in
            configuration.seed = 2024
            configuration.faults.rateLimitRate = 0.20
            configuration.faults.serverErrorRate = 0.05
            configuration.faults.failedTaskRate = 0.05
            configuration.faults.malformedBodyRate = 0.02
            configuration.resultImageMaxSide = 32
        }) { h in
            let limits: [GenerationProvider: Int] = [.wanx: 12, .jimeng: 6]
            var workers: [GenerationProvider: ProviderWorkerConfiguration] = [:]
            for (provider, maxInFlight) in limits {
                var worker = Harness.fastWorker(maxInFlight: maxInFlight, submitsPerSecond: 2000)
                worker.imagePolling = PollingSchedule(
                    firstPoll: .milliseconds(50), interval: .milliseconds(20), maxInterval: .milliseconds(60))
                worker.retry.maxAttempts = 8
                workers[provider] = worker
            }
            let fleet = h.fleet(workers: workers)
            let outcomes = try await withThrowingTaskGroup(of: Result<ProviderResult, ProviderError>.self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let command: GenerationCommand =
                            index % 10 == 0
                            ? .sceneImage(SceneImageCommand(productImage: .bytes(productPhoto(width: 96, height: 96)), prompt: "desk"))
                            : .textToImage(TextToImageCommand(prompt: "product shot \(index)"))
                        do {
                            return .success(try await fleet.generate(command, assetID: "soak-\(index)"))
                        } catch {
                            return .failure(ProviderError.wrap(error, provider: .wanx))
                        }
                    }
                }
                var outcomes: [Result<ProviderResult, ProviderError>] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            #expect(outcomes.count == 1000)
            let stable: Set<String> = ["task-failed", "content-moderation", "retries-exhausted", "provider-unavailable"]
            var reasons: [String: Int] = [:]
            var ready = 0
            for outcome in outcomes {
                switch outcome {
                case .success(let result):
                    ready += 1
                    #expect(!result.urls.isEmpty)
                case .failure(let error):
                    reasons[error.code.description, default: 0] += 1
                }
            }
            #expect(Set(reasons.keys).isSubset(of: stable), "\(reasons)")
            #expect(ready >= 900, "ready \(ready), failures \(reasons)")
            let stats = h.simulator.stats()
            for (provider, maxInFlight) in limits {
                let service = SimulatedService(rawValue: provider.rawValue)!
                #expect(stats[service].maxTasksInFlight <= maxInFlight, "\(provider): \(stats[service].maxTasksInFlight)")
                #expect(await fleet.worker(provider)!.status.maxObservedInFlight <= maxInFlight)
                // A submission whose answer was unreadable keeps its slot parked for the orphan hold (2 × the first
                // poll, 100 ms here) after its command ended; a leaked slot never comes back.
                #expect(try await waitFor(timeout: .seconds(2)) { await fleet.worker(provider)!.status.inFlight == 0 })
            }
            #expect(stats[.wanx].rateLimited > 100)
            // Duplicates come only from submissions whose answer was cut short after the task was created.
            #expect(stats.duplicateIdempotencyKeys.count <= stats[.wanx].malformed + stats[.jimeng].malformed)
            print("soak: ready \(ready), failed \(reasons), wanx \(stats[.wanx].tasksCreated) tasks, jimeng \(stats[.jimeng].tasksCreated)")
        }
    }
}

func waitFor(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

@Suite("Task-query pacing", .timeLimit(.minutes(2)))
struct QueryPacingTests {
    @Test("a worker's task queries stay within its queries-per-second limit (DashScope allows 20 per account)")
    func queriesArePaced() async throws {
        try await Harness.run(taskSeconds: 2) { h in
            var wanx = Harness.fastWorker(maxInFlight: 16)
            wanx.imagePolling = PollingSchedule(
                firstPoll: .milliseconds(10), interval: .milliseconds(10), maxInterval: .milliseconds(10))
            wanx.queriesPerSecond = 10
            let fleet = h.fleet(workers: [.wanx: wanx])
            let clock = ContinuousClock()
            let started = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        _ = try await fleet.generate(
                            .sceneImage(SceneImageCommand(productImage: h.sample("mug"), prompt: "on a table")),
                            assetID: "paced-\(index)")
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let queries = h.simulator.stats()[.wanx].queries
            // Unpaced, eight tasks polled every 10 ms for ~2 s would query ~1,600 times.
            #expect(queries >= 8, "every task was polled")
            #expect(Double(queries) <= 10 * seconds + 10 + 2, "\(queries) queries in \(elapsed)")
        }
    }

    @Test("Wanx is limited to DashScope's 20 task queries per second by default; others are not limited")
    func defaultLimits() {
        #expect(ProviderWorkerConfiguration.defaults(for: .wanx).queriesPerSecond == 20)
        #expect(ProviderWorkerConfiguration.defaults(for: .kling).queriesPerSecond == nil)
    }
}

/// The real preparer, slowed down a little, counting how many preparations run at once.
final class ConcurrencyCountingPreparer: ImagePreparer {
    let inner = VipsImagePreparer()
    let running = Mutex(0)
    let mostAtOnce = Mutex(0)
    let calls = Mutex(0)

    private func counting<T>(_ body: () throws(ImagePreparationError) -> T) throws(ImagePreparationError) -> T {
        let now = running.withLock { running in
            running += 1
            return running
        }
        mostAtOnce.withLock { $0 = max($0, now) }
        calls.withLock { $0 += 1 }
        defer { running.withLock { $0 -= 1 } }
        Thread.sleep(forTimeInterval: 0.05)
        return try body()
    }

    func inspect(_ image: [UInt8]) throws(ImagePreparationError) -> ImageInfo { try inner.inspect(image) }

    func cutOut(_ image: [UInt8]) throws(ImagePreparationError) -> PreparedImage {
        try counting { () throws(ImagePreparationError) in try inner.cutOut(image) }
    }

    func fit(_ image: [UInt8], aspectWidth: Int, aspectHeight: Int, mode: AspectFit, minimumShortSide: Int)
        throws(ImagePreparationError) -> PreparedImage
    {
        try counting { () throws(ImagePreparationError) in
            try inner.fit(
                image, aspectWidth: aspectWidth, aspectHeight: aspectHeight, mode: mode, minimumShortSide: minimumShortSide)
        }
    }
}
