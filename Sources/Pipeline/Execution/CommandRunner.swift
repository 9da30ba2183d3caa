import AssetForgeConfiguration
import AssetImaging
import EventIntake
import Events
import Foundation
import Ledger
import Logging
import NIOCore
import ObjectStorage
import Providers

/// Drives one claimed command through its steps, recording each step in the ledger before acting on the next:
/// submit → (task id persisted) → poll → result persisted → stored → outcome event recorded → published.
///
/// A step that cannot go on now (a provider unavailable, a dependency still being made, the broker down) gives the
/// command back with a time to try again; a failure that retrying would not mend ends it with `asset.failed`.
/// A command found in `submitting` (the process died during a submit request) is first looked up at the vendor
/// by its asset id where the vendor allows it (Kling's `external_task_id`), and only submitted again if not found.
struct CommandRunner: Sendable {
    let ledger: any LedgerStore
    let fleet: ProviderFleet
    let transfer: AssetTransfer
    let publisher: AssetPublisher
    let encoder: EventEncoder
    let planner: Planner
    let imageInspector: any ImagePreparer
    let topics: (ready: String, failed: String)
    let retry: RetryPolicy
    let logger: Logger
    /// Called when the runner planned new commands (a waiting promotion resolved).
    let onPlanned: @Sendable () -> Void

    /// When a step is retried and how many times a submission may be attempted.
    struct RetryPolicy: Sendable {
        /// Submissions allowed per command (a submit request whose answer was lost counts).
        var maxSubmissions = 3
        /// Delays before retrying a step: 2 s, doubling, at most 60 s.
        var backoff = RetryBackoff(initialDelay: .seconds(2), maximumDelay: .seconds(60), jitter: 0)
        /// How often a waiting command (dependency, scene image) checks again.
        var waitInterval: Duration = .seconds(2)
    }

    /// A step could not go on now: give the command back until `notBefore`.
    struct Postpone: Error {
        var notBefore: Date
        var reason: String
    }

    /// How a run of a command ended.
    enum RunOutcome: Sendable {
        /// The command no longer runs here: finished, postponed, handed back or taken over.
        case ended
        /// Its task is being polled with no Swift task waiting: the `onResult` given to the run gets the outcome,
        /// and ``resume(_:lease:with:onResult:)`` goes on from there. ``handBack(_:lease:watch:)`` stops it.
        case watching(ResultWatch)
    }

    /// What a watched task's outcome is handed to.
    typealias ResultHandler = @Sendable (Result<ProviderResult, ProviderError>) -> Void

    /// Runs `claimed` (with its lease) until it is finished or postponed, or its task is being polled.
    func run(_ claimed: LedgerEntry, onResult: @escaping ResultHandler) async -> RunOutcome {
        guard let lease = claimed.lease else { return .ended }
        return await drive(claimed, lease: lease, result: nil, onResult: onResult)
    }

    /// Goes on with the command `key`, held under `lease`, once the task it watched ended with `result`.
    func resume(
        _ key: String, lease: Lease, with result: Result<ProviderResult, ProviderError>,
        onResult: @escaping ResultHandler
    ) async -> RunOutcome {
        let entry: LedgerEntry
        do {
            guard let found = try await ledger.entry(key) else { return .ended }
            entry = found
        } catch {
            // The task is polled again (and found ended) when the command is claimed again.
            logger.warning(
                "cannot read a command whose task ended; trying again later",
                metadata: ["asset.id": "\(key)", "error": "\(error)"])
            try? await ledger.release(key, lease: lease, notBefore: Date().addingTimeInterval(backoff(1).seconds))
            return .ended
        }
        guard entry.lease?.owner == lease.owner, entry.lease?.version == lease.version else {
            log(entry, "lease lost; another owner continues", level: .notice, [:])
            return .ended
        }
        return await drive(entry, lease: lease, result: result, onResult: onResult)
    }

    /// The provider a claimed command has yet to be submitted to (its route's primary, whose submission permits it
    /// will wait for), or `nil` when it has been submitted already or no provider serves it.
    func submissionProvider(of entry: LedgerEntry) -> GenerationProvider? {
        switch entry.state {
        case .planned, .deferred, .submitting: break
        default: return nil
        }
        let kind: CommandKind
        switch entry.command.kind {
        case .marketingImage: kind = .sceneImage
        case .video: kind = .video
        case .copy: kind = .copy
        }
        return fleet.routes[kind]?.first
    }

    /// Stops polling a watched command's task and hands the command back, so that a restart continues at once.
    func handBack(_ key: String, lease: Lease, watch: ResultWatch) async {
        await fleet.cancel(watch)
        try? await ledger.release(key, lease: lease, notBefore: nil)
    }

    /// Drives `start` through its steps; `result` is the outcome of its task when it was being watched.
    ///
    /// Thousands of claimed commands wait at once for a submission permit, so what stays of a run while it waits is
    /// kept shallow: the submission's preparation and the other steps run in child tasks (a task keeps the async
    /// frames of its deepest call until it ends), and the error handling is a function of its own.
    private func drive(
        _ start: LedgerEntry, lease: Lease, result: Result<ProviderResult, ProviderError>?,
        onResult: @escaping ResultHandler
    ) async -> RunOutcome {
        var entry = start
        var result = result
        while !entry.state.isFinished {
            do {
                try Task.checkCancellation()
                switch entry.state {
                case .submitted:
                    if let delivered = result {
                        result = nil
                        entry = try await recordResult(entry, delivered, lease: lease)
                    } else {
                        switch try await watchResult(entry, lease: lease, onResult: onResult) {
                        case .watching(let watch): return .watching(watch)
                        case .next(let next): entry = next
                        }
                    }
                case .planned, .deferred, .submitting:
                    entry = try await submit(entry, lease: lease)
                default:
                    entry = try await ChildTask.run { [entry] in try await step(entry, lease: lease) }
                }
            } catch {
                return await giveBack(entry, lease: lease, after: error)
            }
        }
        return .ended
    }

    /// Ends a run whose step threw: postponed or failed (the command is released until it is due again), taken
    /// over, or shut down (handed back so that a restart continues at once).
    @inline(never)
    private func giveBack(_ entry: LedgerEntry, lease: Lease, after error: any Error) async -> RunOutcome {
        switch error {
        case let postpone as Postpone:
            log(entry, "postponed", level: .debug, ["reason": "\(URLRedaction.redact(postpone.reason))"])
            try? await ledger.release(entry.key, lease: lease, notBefore: postpone.notBefore)
        case let error as LedgerError where error.code == .leaseLost:
            log(entry, "lease lost; another owner continues", level: .notice, [:])
        case is CancellationError:
            try? await ledger.release(entry.key, lease: lease, notBefore: nil)
        default:
            if Task.isCancelled {
                try? await ledger.release(entry.key, lease: lease, notBefore: nil)
                return .ended
            }
            let delay = backoff(1)
            log(entry, "step failed; will retry", level: .warning,
                ["error": "\(URLRedaction.redact("\(error)"))", "retry.in": "\(delay)"])
            try? await ledger.release(entry.key, lease: lease, notBefore: Date().addingTimeInterval(delay.seconds))
        }
        return .ended
    }

    // MARK: Steps

    // The steps are never inlined into their callers: an async function's frame holds the values of everything
    // inlined into it, and thousands of commands wait in these frames at once.

    /// The steps after the task's result (store, record the outcome event, publish), run by `drive` in a child
    /// task; submitting and watching the task `drive` does itself.
    private func step(_ entry: LedgerEntry, lease: Lease) async throws -> LedgerEntry {
        switch entry.state {
        case .fetched:
            return try await store(entry, lease: lease)
        case .stored:
            return try await recordReady(entry, lease: lease)
        case .publishing:
            return try await publish(entry, lease: lease)
        case .planned, .deferred, .submitting, .submitted, .published, .failed, .resolved:
            return entry
        }
    }

    /// How a submission begins: finished at once (failed, resolved, a lost task adopted), or ready to go out.
    private enum SubmissionStart: Sendable {
        case finished(LedgerEntry)
        case ready(GenerationCommand)
    }

    // `submit` keeps only what it needs while it waits for the vendor (claimed commands wait here for a submission
    // permit, thousands at once, in the run's own task): what comes before the request runs in a child task, and
    // what comes after it in functions of their own.
    @inline(never)
    private func submit(_ entry: LedgerEntry, lease: Lease) async throws -> LedgerEntry {
        let command: GenerationCommand
        switch try await ChildTask.run({ [entry] in try await submissionStart(entry, lease: lease) }) {
        case .finished(let next): return next
        case .ready(let ready): command = ready
        }
        // Persist the attempt right before the request goes out (after slot, rate limit and input preparation):
        // a crash from there until the task id is recorded is visible as `submitting`, and nothing before it is.
        let marked = Locked<LedgerEntry?>(nil)
        let ledger = self.ledger
        let key = entry.key
        let task: SubmittedTask
        do {
            task = try await fleet.submit(command, assetID: key) {
                guard marked.value == nil else { return }
                var marking = LedgerUpdate(state: .submitting)
                marking.addAttempts = 1
                marked.set(try await ledger.update(key, lease: lease, marking, now: Date()))
            }
        } catch {
            return try await submissionFailed(error, entry: entry, current: marked.value ?? entry, lease: lease)
        }
        return try await submissionAccepted(task, entry: entry, current: marked.value ?? entry, lease: lease)
    }

    /// The command to submit for `entry`, or the entry's next state when there is nothing to submit.
    @inline(never)
    private func submissionStart(_ entry: LedgerEntry, lease: Lease) async throws -> SubmissionStart {
        let specification: CommandSpecification
        do {
            specification = try CommandSpecification.decode(entry.command.specification)
        } catch {
            return .finished(
                try await fail(entry, lease: lease, reason: "unreadable-command", message: "\(error)"))
        }
        let command: GenerationCommand
        switch specification {
        case .awaitingSceneImage(let waiting):
            return .finished(try await resolve(entry, waiting, lease: lease))
        case .marketingImage(let image):
            guard let url = URL(string: image.sourceImageURL) else {
                return .finished(
                    try await fail(entry, lease: lease, reason: .sourceImageUnreachable, message: "bad URL"))
            }
            command = .sceneImage(
                SceneImageCommand(
                    productImage: .url(url), prompt: image.prompt, negativePrompt: image.negativePrompt, count: 1,
                    width: image.width, height: image.height))
        case .copy(let copy):
            command = .copy(
                CopyCommand(
                    productName: copy.productName, attributes: copy.attributes, language: copy.language,
                    tone: copy.tone))
        case .video(let video):
            let image: ImageSource
            if let url = video.imageURL {
                guard let parsed = URL(string: url) else {
                    return .finished(
                        try await fail(entry, lease: lease, reason: .sourceImageUnreachable, message: "bad URL"))
                }
                image = .url(parsed)
            } else if let scene = video.sceneAssetID {
                switch try await sceneImage(scene, for: entry) {
                case .bytes(let bytes): image = .bytes(bytes)
                case .failed(let why):
                    return .finished(try await fail(entry, lease: lease, reason: .noSceneImage, message: why))
                }
            } else {
                return .finished(
                    try await fail(entry, lease: lease, reason: .noSceneImage, message: "the video has no image"))
            }
            let ratio = video.aspectRatio.split(separator: ":").compactMap { Int($0) }
            command = .video(
                VideoCommand(
                    image: image, prompt: video.prompt, durationSeconds: video.durationSeconds,
                    aspectRatio: ratio.count == 2 && ratio[0] > 0 && ratio[1] > 0
                        ? AspectRatio(ratio[0], ratio[1]) : .portrait,
                    mode: video.tier == "pro" ? .professional : .standard))
        }

        if await fleet.enabledProviders(for: command.kind).isEmpty {
            let names = (fleet.routes[command.kind] ?? []).map { "\($0) (\($0.vendor))" }.joined(separator: ", ")
            return .finished(
                try await fail(
                    entry, lease: lease, reason: "no-provider-configured",
                    message: "no provider for \(command.kind) is enabled: give one of \(names) its credentials"))
        }
        if entry.state == .submitting, let found = await findLostTask(command, assetID: entry.key) {
            // The process died while the submit request was unanswered, and the vendor has the task: adopt it.
            log(entry, "found the task of an unanswered submission; not submitting again", level: .notice,
                ["provider": "\(found.provider)", "task.id": "\(found.taskID)"])
            return .finished(
                try await recordSubmitted(
                    entry, task: found, progress: CommandProgress.decode(entry.progress), lease: lease))
        }
        guard entry.attempts < retry.maxSubmissions else {
            return .finished(
                try await fail(
                    entry, lease: lease, reason: .retriesExhausted,
                    message: "\(entry.attempts) submissions were made without a usable answer"))
        }
        return .ready(command)
    }

    /// After a submission that failed: tries again later when nothing usable was accepted, else fails the asset.
    /// `entry` is the command as claimed, `current` as last recorded (marked `submitting` once the request went out).
    @inline(never)
    private func submissionFailed(
        _ error: ProviderError, entry: LedgerEntry, current: LedgerEntry, lease: Lease
    ) async throws -> LedgerEntry {
        if Task.isCancelled { throw CancellationError() }
        if error.code == .cancelled {
            throw Postpone(notBefore: Date().addingTimeInterval(backoff(1).seconds), reason: error.message)
        }
        var progress = CommandProgress.decode(entry.progress)
        progress.providersTried.append(contentsOf: [error.provider?.rawValue].compactMap { $0 })
        if error.isRetryable || error.allowsFallback || error.code == .budgetExhausted {
            // Nothing usable was accepted: try again later, within the submission allowance. A budget cap that
            // refused it shows as `deferred` meanwhile.
            var back = LedgerUpdate(state: error.code == .budgetExhausted ? .deferred : .planned)
            back.progress = progress.encoded()
            back.notBefore = Date().addingTimeInterval(backoff(max(1, current.attempts)).seconds)
            back.release = true
            _ = try await ledger.update(entry.key, lease: lease, back, now: Date())
            throw Postpone(notBefore: back.notBefore ?? Date(), reason: error.code.description)
        }
        return try await fail(
            current, lease: lease, reason: AssetFailureReason(error.code), message: error.message, progress: progress)
    }

    /// After a submission the vendor accepted: records the task id, or gives the task up when that fails.
    @inline(never)
    private func submissionAccepted(
        _ task: SubmittedTask, entry: LedgerEntry, current: LedgerEntry, lease: Lease
    ) async throws -> LedgerEntry {
        do {
            return try await recordSubmitted(
                current, task: task, progress: CommandProgress.decode(entry.progress), lease: lease)
        } catch {
            // The vendor has the task but the ledger does not: this process will never poll it, so its slot and
            // budget reservation are freed now (kept, they would stay taken for as long as the process runs).
            // Whoever continues the command finds the task by our id where the vendor allows it, else submits again.
            await fleet.abandon(task)
            log(entry, "a submitted task could not be recorded; leaving it to whoever continues the command",
                level: .warning,
                ["provider": "\(task.provider)", "task.id": "\(task.taskID)", "error": "\(error)"])
            throw error
        }
    }

    /// Records the task id. A paid task whose id is not recorded may be paid again, so a failing write is tried
    /// again a few times (not when the lease was lost: the new owner's state must not be overwritten).
    @inline(never)
    private func recordSubmitted(
        _ entry: LedgerEntry, task: SubmittedTask, progress: CommandProgress, lease: Lease
    ) async throws -> LedgerEntry {
        var progress = progress
        progress.task = task
        if progress.providersTried.last != task.provider.rawValue { progress.providersTried.append(task.provider.rawValue) }
        var update = LedgerUpdate(state: .submitted)
        update.provider = task.provider.rawValue
        update.providerTaskID = task.taskID
        update.progress = progress.encoded()
        var attempt = 1
        while true {
            let failure: LedgerError
            do {
                return try await ledger.update(entry.key, lease: lease, update, now: Date())
            } catch {
                failure = error
            }
            guard failure.code != .leaseLost, attempt < Self.recordAttempts else { throw failure }
            log(entry, "cannot record the submitted task; trying again", level: .warning,
                ["task.id": "\(task.taskID)", "error": "\(failure)", "attempt": "\(attempt)"])
            try await Task.sleep(for: .milliseconds(125 << attempt))
            attempt += 1
        }
    }

    /// Writes of a submitted task's id attempted before it is given up (250 ms, 500 ms, 1 s apart).
    private static let recordAttempts = 4

    @inline(never)
    private func findLostTask(_ command: GenerationCommand, assetID: String) async -> SubmittedTask? {
        for provider in fleet.routes[command.kind] ?? [] {
            guard let worker = fleet.worker(provider) else { continue }
            if let task = try? await worker.findTask(assetID: assetID, command: command) { return task }
        }
        return nil
    }

    private enum SceneImage {
        case bytes([UInt8])
        case failed(String)
    }

    /// The stored scene image a video is made from; postpones while it is being made (up to the wait bound).
    @inline(never)
    private func sceneImage(_ key: String, for entry: LedgerEntry) async throws -> SceneImage {
        guard let scene = try await ledger.entry(key) else {
            return .failed("the scene image \(key) is not in the ledger")
        }
        switch scene.state {
        case .published:
            guard let stored = scene.stored else { return .failed("the scene image \(key) has no stored object") }
            let buffer = try await transfer.store.get(stored.objectKey, maxBytes: 64 << 20)
            return .bytes(Array(buffer.readableBytesView))
        case .failed, .resolved:
            return .failed("the scene image \(key) failed: \(scene.failureReason ?? "unknown")")
        default:
            if Date() > entry.plannedAt.addingTimeInterval(planner.sceneImageWait.seconds) {
                return .failed("the scene image \(key) was not ready within \(planner.sceneImageWait)")
            }
            throw Postpone(notBefore: Date().addingTimeInterval(retry.waitInterval.seconds), reason: "scene image")
        }
    }

    /// A promotion that waited for a scene image: plan its video once one is known, or fail at the deadline.
    @inline(never)
    private func resolve(
        _ entry: LedgerEntry, _ waiting: CommandSpecification.AwaitingSceneImage, lease: Lease
    ) async throws -> LedgerEntry {
        if let scene = try await ledger.latest(sku: entry.command.sku, role: Recipe.sceneImageRole) {
            let video = planner.resolve(
                waiting, sku: entry.command.sku, scene: scene.key, sourceEvent: entry.command.sourceEvent)
            _ = try await ledger.plan([video], now: Date())
            var update = LedgerUpdate(state: .resolved)
            update.resolvedTo = video.key
            let resolved = try await ledger.update(entry.key, lease: lease, update, now: Date())
            log(entry, "the promotion's scene image is known; its video is planned", level: .info,
                ["video.asset.id": "\(video.key)", "scene.asset.id": "\(scene.key)"])
            onPlanned()
            return resolved
        }
        if Date() >= waiting.deadline {
            return try await fail(
                entry, lease: lease, reason: .noSceneImage,
                message: "no scene image for \(entry.command.sku) was generated or given by the deadline")
        }
        throw Postpone(notBefore: Date().addingTimeInterval(retry.waitInterval.seconds * 2), reason: "no scene image yet")
    }

    /// How watching a submitted command's task began: it is being polled, or the command went on without it.
    private enum WatchStart {
        case watching(ResultWatch)
        case next(LedgerEntry)
    }

    @inline(never)
    private func watchResult(
        _ entry: LedgerEntry, lease: Lease, onResult: @escaping ResultHandler
    ) async throws -> WatchStart {
        let progress = CommandProgress.decode(entry.progress)
        guard let task = progress.task else {
            return .next(try await fail(entry, lease: lease, reason: "unreadable-command", message: "no task recorded"))
        }
        do {
            return .watching(try await fleet.watch(task, onResult: onResult))
        } catch {
            return .next(try await resultFailed(error, entry: entry, progress: progress, lease: lease))
        }
    }

    /// Records the outcome of the command's task: its result, or what its failure means for the command.
    @inline(never)
    private func recordResult(
        _ entry: LedgerEntry, _ outcome: Result<ProviderResult, ProviderError>, lease: Lease
    ) async throws -> LedgerEntry {
        var progress = CommandProgress.decode(entry.progress)
        let result: ProviderResult
        switch outcome {
        case .success(let value): result = value
        case .failure(let error): return try await resultFailed(error, entry: entry, progress: progress, lease: lease)
        }
        progress.result = result
        var update = LedgerUpdate(state: .fetched)
        update.progress = progress.encoded()
        update.costCNY = result.costCNY
        return try await ledger.update(entry.key, lease: lease, update, now: Date())
    }

    /// After the task could not be polled to a result: polls it again later while it may still end well (it is
    /// never submitted again), else fails the asset.
    @inline(never)
    private func resultFailed(
        _ error: ProviderError, entry: LedgerEntry, progress: CommandProgress, lease: Lease
    ) async throws -> LedgerEntry {
        if Task.isCancelled || error.code == .cancelled { throw CancellationError() }
        if error.isRetryable && error.code != .taskFailed && error.code != .taskTimedOut {
            throw Postpone(notBefore: Date().addingTimeInterval(backoff(1).seconds), reason: error.code.description)
        }
        return try await fail(
            entry, lease: lease, reason: AssetFailureReason(error.code), message: error.message, progress: progress)
    }

    @inline(never)
    private func store(_ entry: LedgerEntry, lease: Lease) async throws -> LedgerEntry {
        var progress = CommandProgress.decode(entry.progress)
        guard let result = progress.result else {
            return try await fail(entry, lease: lease, reason: "unreadable-command", message: "no result recorded")
        }
        let bytes: [UInt8]
        let accepting: Set<AssetContentType>
        switch entry.command.kind {
        case .copy:
            guard let copy = result.output.copy else {
                return try await fail(entry, lease: lease, reason: "malformed-output", message: "no copy in the result")
            }
            bytes = Self.copyJSON(CopyText(copy))
            accepting = [.json]
        case .marketingImage, .video:
            if let inline = result.output.inlineImages.first {
                bytes = inline
            } else if let url = result.output.urls.first {
                do {
                    bytes = try await fleet.download(url)
                } catch {
                    if error.isRetryable {
                        throw Postpone(notBefore: Date().addingTimeInterval(backoff(1).seconds), reason: "download")
                    }
                    return try await fail(
                        entry, lease: lease, reason: "result-unavailable", message: error.message, progress: progress)
                }
            } else {
                return try await fail(entry, lease: lease, reason: "malformed-output", message: "the result has no file")
            }
            accepting = entry.command.kind == .video ? [.mp4, .quickTime] : [.png, .jpeg, .webp]
        }
        if entry.command.kind == .marketingImage, let info = try? imageInspector.inspect(bytes) {
            progress.width = info.width
            progress.height = info.height
        }
        let stored: StoredAsset
        do {
            stored = try await transfer.store(
                SingleBufferBody(bytes: bytes), expectedSize: Int64(bytes.count),
                sku: entry.command.sku, kind: entry.command.kind.rawValue, assetId: entry.key, accepting: accepting)
        } catch let error as ObjectStorageError where error.code == .unrecognizedContent {
            return try await fail(entry, lease: lease, reason: "malformed-output", message: error.description)
        }
        var update = LedgerUpdate(state: .stored)
        update.progress = progress.encoded()
        update.stored = StoredResult(
            url: stored.url.absoluteString, objectKey: stored.object.key, sha256: stored.object.sha256,
            bytes: stored.object.size, contentType: stored.object.contentType)
        return try await ledger.update(entry.key, lease: lease, update, now: Date())
    }

    @inline(never)
    private func recordReady(_ entry: LedgerEntry, lease: Lease) async throws -> LedgerEntry {
        let progress = CommandProgress.decode(entry.progress)
        guard let stored = entry.stored, let result = progress.result else {
            return try await fail(entry, lease: lease, reason: "unreadable-command", message: "no stored result")
        }
        let command = entry.command
        var duration: Double?
        if command.kind == .video {
            if case .video(let video)? = try? CommandSpecification.decode(command.specification) {
                duration = result.output.durationSeconds ?? Double(video.durationSeconds)
            } else {
                duration = result.output.durationSeconds ?? 5
            }
        }
        let ready = AssetReady(
            assetId: command.key, sku: command.sku, kind: command.kind, variant: command.variant,
            locale: command.locale, url: stored.url, contentType: stored.contentType, bytes: Int(stored.bytes),
            sha256: stored.sha256, width: progress.width, height: progress.height, durationSeconds: duration,
            text: result.output.copy.map(CopyText.init), provider: result.provider.rawValue, model: result.model,
            providerTaskId: result.task.taskID.isEmpty ? nil : result.task.taskID,
            cost: Cost(amount: NSDecimalNumber(decimal: result.costCNY).doubleValue, currency: "CNY"),
            sourceEvent: command.sourceEvent, generatedAt: Timestamp(result.finishedAt))
        let encoded = try encoder.encode(ready, time: result.finishedAt)
        var update = LedgerUpdate(state: .publishing)
        update.envelope = LedgerEnvelope(topic: topics.ready, eventID: encoded.id, key: encoded.key, value: encoded.value)
        return try await ledger.update(entry.key, lease: lease, update, now: Date())
    }

    @inline(never)
    private func publish(_ entry: LedgerEntry, lease: Lease) async throws -> LedgerEntry {
        guard let envelope = entry.envelope else {
            return try await fail(entry, lease: lease, reason: "unreadable-command", message: "no envelope recorded")
        }
        try await publisher.publish(envelope)
        let final: LedgerState = entry.failureReason == nil ? .published : .failed
        let done = try await ledger.update(entry.key, lease: lease, LedgerUpdate(state: final), now: Date())
        // The object key, not the URL: a presigned URL's query string is a credential and never goes to logs.
        log(done, final == .published ? "asset ready" : "asset failed", level: .info,
            ["object": "\(entry.stored?.objectKey ?? "")", "reason": "\(entry.failureReason ?? "")"])
        return done
    }

    // MARK: Failure

    // Never inlined (nor the other helpers the steps await): each call site would add the whole body's values to the
    // caller's async frame, which a command keeps while it waits for a submission permit.
    @inline(never)
    private func fail(
        _ entry: LedgerEntry, lease: Lease, reason: String, message: String, progress: CommandProgress? = nil
    ) async throws -> LedgerEntry {
        try await fail(entry, lease: lease, reason: AssetFailureReason(rawValue: reason), message: message,
                       progress: progress)
    }

    /// Records the `asset.failed` event; the publish step sends it.
    @inline(never)
    private func fail(
        _ entry: LedgerEntry, lease: Lease, reason: AssetFailureReason, message: String,
        progress: CommandProgress? = nil
    ) async throws -> LedgerEntry {
        let command = entry.command
        let progress = progress ?? CommandProgress.decode(entry.progress)
        let message = URLRedaction.redact(message)
        let failed = AssetFailed(
            assetId: command.key, sku: command.sku, kind: command.kind, variant: command.variant,
            locale: command.locale, reason: reason, message: String(message.prefix(2000)), attempts: entry.attempts,
            providersTried: progress.providersTried.isEmpty ? nil : progress.providersTried,
            sourceEvent: command.sourceEvent)
        let encoded = try encoder.encode(failed, time: Date())
        var update = LedgerUpdate(state: .publishing)
        update.failureReason = reason.rawValue
        update.failureMessage = String(message.prefix(2000))
        update.envelope = LedgerEnvelope(topic: topics.failed, eventID: encoded.id, key: encoded.key, value: encoded.value)
        log(entry, "giving up on the asset", level: .warning, ["reason": "\(reason)", "detail": "\(message)"])
        return try await ledger.update(entry.key, lease: lease, update, now: Date())
    }

    // MARK: Helpers

    private func backoff(_ failures: Int) -> Duration {
        retry.backoff.delay(afterAttempt: failures)
    }

    private func log(_ entry: LedgerEntry, _ message: Logger.Message, level: Logger.Level, _ extra: Logger.Metadata) {
        var metadata: Logger.Metadata = [
            "asset.id": "\(entry.key)", "sku": "\(entry.command.sku)", "kind": "\(entry.command.kind)",
            "state": "\(entry.state)",
        ]
        metadata.merge(extra) { $1 }
        logger.log(level: level, message, metadata: metadata)
    }

    /// Copy as stored: the `CopyText` JSON with sorted keys.
    static func copyJSON(_ text: CopyText) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(text))) ?? []
    }
}

extension AssetFailureReason {
    /// The failure reason for a provider error code (the codes are kebab-case already).
    init(_ code: ProviderError.Code) {
        switch code {
        case .inputPreparationFailed: self = .sourceImageUnreachable
        case .retriesExhausted, .providerUnavailable: self = .retriesExhausted
        default: self.init(rawValue: code.description)
        }
    }
}

extension CopyText {
    /// The contract's copy from Qwen's SEO copy.
    init(_ copy: SEOCopy) {
        self.init(title: copy.title, description: copy.description, bullets: copy.bullets, keywords: copy.keywords)
    }
}
