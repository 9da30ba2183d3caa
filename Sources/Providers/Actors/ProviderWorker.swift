import AssetForgeConfiguration
import DequeModule
import Foundation
import Logging

/// One provider's worker: it owns that provider's limits — tasks in flight, submission rate, polling cadence,
/// retries with backoff, a circuit breaker and the daily budget — and drives a ``ProviderBackend`` through
/// submit → poll → fetch.
///
/// The steps are separate so the pipeline can persist between them: ``submit(_:assetID:)`` returns a
/// ``SubmittedTask`` (persist it), ``awaitResult(_:)`` polls it to the end and costs it, and after a restart
/// ``resume(_:)`` (the same as `awaitResult`) continues polling a persisted task; ``watch(_:onResult:)`` does the
/// same without a waiting Swift task, handing the outcome to a callback. A slot is held from submission until the
/// result (or error); call ``abandon(_:)`` for a task you will not await.
///
/// Every task being polled is a record in one poll schedule (`PollSchedule`) with one timer: a task waiting
/// minutes for its video costs that record, not a suspended task.
///
/// Logger metadata keys: `provider`, `asset.id`, `task.id`, `reason`.
public actor ProviderWorker {
    /// The provider.
    public nonisolated let provider: GenerationProvider
    /// Its HTTP steps.
    public nonisolated let backend: any ProviderBackend
    /// The configuration the worker was made with; ``setEnabled(_:)`` changes its `enabled`.
    private(set) var configuration: ProviderWorkerConfiguration
    private let prices: PriceTable
    private let events: AsyncStream<ProviderEvent>.Continuation?
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let clock = ContinuousClock()

    /// Tasks in flight (one permit each, from submission to result).
    private var slots: PermitQueue
    /// Submissions being prepared and sent: the prepared input (a re-encoded image) exists only while one is held.
    private var sending: PermitQueue
    private var maxObservedInFlight = 0
    private var holders: Set<String> = []
    /// Submissions whose slot was left to a possibly created task after an ambiguous answer.
    private var parkedSubmissions: Set<String> = []
    private var reservations: [String: Decimal] = [:]
    /// Limits shared with other instances, if any.
    private let shared: (any SharedAccountLimits)?
    /// Reservation ids in ``shared`` by local reservation key.
    private var sharedReservations: [String: String] = [:]
    private var bucket: TokenBucket
    /// Paces task queries (``ProviderWorkerConfiguration/queriesPerSecond``), when limited.
    private var queryBucket: TokenBucket?
    private var breaker: CircuitBreaker
    private var budget: BudgetLedger
    /// Tasks in flight being polled, with when each is next due.
    private var polls = PollSchedule()
    /// The task that starts the polls that come due, and when it does; replaced when a poll comes due sooner.
    private var pollTimer: (task: Task<Void, Never>, firesAt: ContinuousClock.Instant)?
    /// Tells a replaced timer's late firing from the current one's.
    private var pollTimerGeneration: UInt64 = 0
    /// The polls under way, by watch.
    private var pollsUnderWay: [UInt64: Task<Void, Never>] = [:]
    private var random = SystemRandomNumberGenerator()
    private var submitted = 0, succeeded = 0, failed = 0, retries = 0, deferredNow = 0

    /// A worker.
    ///
    /// - Parameters:
    ///   - prices: the price table; the prices set in the configuration's ``ProviderWorkerConfiguration/prices``
    ///     replace its per-model prices for this worker.
    ///   - events: where deferrals, breaker changes and task outcomes are reported (optional); submission outcomes
    ///     are reported by ``ProviderFleet``.
    ///   - shared: limits shared with other instances using the same vendor account (see ``SharedAccountLimits``).
    ///   - now: the wall clock for the budget day and task ages (for tests).
    public init(
        backend: any ProviderBackend, configuration: ProviderWorkerConfiguration, prices: PriceTable = PriceTable(),
        events: AsyncStream<ProviderEvent>.Continuation? = nil, shared: (any SharedAccountLimits)? = nil,
        logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.provider = backend.provider
        self.backend = backend
        self.configuration = configuration
        self.prices = prices.applying(configuration.prices)
        self.events = events
        self.shared = shared
        var logger = logger
        logger[metadataKey: "provider"] = "\(backend.provider)"
        self.logger = logger
        self.now = now
        self.bucket = TokenBucket(
            rate: configuration.submitsPerSecond, burst: configuration.submitBurst, now: ContinuousClock.now)
        self.queryBucket = configuration.queriesPerSecond.map {
            TokenBucket(rate: $0, burst: max(1, Int($0)), now: ContinuousClock.now)
        }
        self.breaker = CircuitBreaker(configuration: configuration.breaker)
        self.slots = PermitQueue(permits: configuration.maxInFlight)
        self.sending = PermitQueue(permits: configuration.maxConcurrentSubmissions)
        self.budget = BudgetLedger(cap: configuration.dailyBudgetCNY, timeZone: configuration.budgetTimeZone)
    }

    // MARK: Public API

    /// Whether a submission would be accepted now (enabled and breaker not open).
    public var isAcceptingSubmissions: Bool {
        configuration.enabled && breaker.wouldAdmit(at: clock.now)
    }

    /// Whether submissions are accepted at all (credentials configured, not switched off).
    public var isEnabled: Bool { configuration.enabled }

    /// Counters and state.
    public var status: ProviderWorkerStatus {
        var breaker = self.breaker
        breaker.refresh(at: clock.now)
        var budget = self.budget
        budget.roll(at: now())
        return ProviderWorkerStatus(
            inFlight: slots.taken, waiting: slots.waiting, maxObservedInFlight: maxObservedInFlight, breaker: breaker.state,
            spentTodayCNY: budget.spent, reservedCNY: budget.reserved, submitted: submitted, succeeded: succeeded,
            failed: failed, retries: retries, deferred: deferredNow)
    }

    /// Changes the daily cap (e.g. raised by an operator); waiting submissions see it at their next check.
    public func setDailyBudget(_ capCNY: Decimal?) { budget.cap = capCNY }

    /// Enables or disables the provider (disabled: submissions fail with `provider-unavailable`).
    public func setEnabled(_ enabled: Bool) { configuration.enabled = enabled }

    /// Submits `command` for `assetID` (also the idempotency key). Waits for budget (reporting `deferred`), a slot
    /// and a submission token; prepares the input; submits with retries.
    ///
    /// - Throws: ``ProviderError``; `provider-unavailable` at once when disabled or the breaker is open.
    /// - Parameter beforeSending: called right before each submit request goes out, after budget, slot, rate
    ///   token and input preparation (persist "a request is in flight" there); if it throws, nothing is sent and
    ///   the submission fails with `cancelled`.
    public func submit(
        _ command: GenerationCommand, assetID: String,
        beforeSending: @escaping @Sendable () async throws -> Void = {}
    ) async throws(ProviderError) -> SubmittedTask {
        try await submit(command, assetID: assetID, beforeSending: beforeSending, permitTaken: false)
    }

    /// Waits for a submission permit (one of ``ProviderWorkerConfiguration/maxConcurrentSubmissions``) and keeps it
    /// for a following ``submit(_:assetID:beforeSending:permitTaken:)`` with `permitTaken: true`, which gives it
    /// back. Lets a caller wait for its turn in a shallow frame before going deep into a submission.
    func takeSubmissionPermit() async throws(ProviderError) {
        try await takePermit(.sending, waitingFor: "a submission to finish")
    }

    /// ``submit(_:assetID:beforeSending:)``; with `permitTaken`, the submission permit is already held (taken with
    /// ``takeSubmissionPermit()``) and is given back when the submission ends, whatever its outcome.
    func submit(
        _ command: GenerationCommand, assetID: String, beforeSending: @escaping @Sendable () async throws -> Void,
        permitTaken: Bool
    ) async throws(ProviderError) -> SubmittedTask {
        do {
            let task = try await performSubmit(
                command, assetID: assetID, beforeSending: beforeSending, permitTaken: permitTaken)
            submitted += 1
            return task
        } catch {
            // No `.failed` event here: the fleet may still fall back; it reports the final outcome.
            failed += 1
            logger.info(
                "submission failed", metadata: ["asset.id": "\(assetID)", "reason": "\(error.code)"])
            throw error
        }
    }

    /// Polls `task` until it ends, fetches and costs its result, and frees its slot.
    ///
    /// Thousands of tasks wait here at once: the task waits on a continuation while the worker's poll schedule
    /// (one timer for all its tasks) polls it; cancelling the calling task stops the polling and frees the slot.
    public func awaitResult(_ task: SubmittedTask) async throws(ProviderError) -> ProviderResult {
        if !holders.contains(task.taskID), task.completedOutput == nil {
            try await adoptSlot(of: task)
        }
        if let completed = task.completedOutput { return recordSuccess(of: task, completed) }
        let id = polls.makeID()
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProviderResult, any Error>) in
                    startPolling(task, id: id) { continuation.resume(with: $0.mapError { $0 }) }
                }
            } onCancel: {
                Task { await self.stopPolling(id) }
            }
        } catch {
            throw ProviderError.wrap(error, provider: provider)
        }
    }

    /// Polls `task` until it ends, fetches and costs its result, frees its slot and then hands the outcome to
    /// `onResult`, without a Swift task waiting meanwhile: the way to wait for thousands of long tasks at once.
    ///
    /// Returns once the task is being polled (after taking a slot for a task persisted before a restart, which may
    /// wait); ``cancel(_:)`` stops the polling, frees the slot and hands `onResult` a `cancelled` error.
    /// - Throws: ``ProviderError`` when no slot could be taken (`cancelled`); `onResult` is not called then.
    public func watch(
        _ task: SubmittedTask, onResult: @escaping @Sendable (Result<ProviderResult, ProviderError>) -> Void
    ) async throws(ProviderError) -> ResultWatch {
        if !holders.contains(task.taskID), task.completedOutput == nil {
            try await adoptSlot(of: task)
        }
        let id = polls.makeID()
        if let completed = task.completedOutput {
            onResult(.success(recordSuccess(of: task, completed)))
        } else {
            startPolling(task, id: id, onResult: onResult)
        }
        return ResultWatch(provider: provider, id: id)
    }

    /// Stops polling a watched task (see ``watch(_:onResult:)``); nothing happens when it has ended already.
    public func cancel(_ watch: ResultWatch) {
        stopPolling(watch.id)
    }

    /// A task persisted before a restart: it occupies a slot again while we poll it.
    @inline(never)
    private func adoptSlot(of task: SubmittedTask) async throws(ProviderError) {
        try await acquireSlot(for: task.assetID)
        holders.insert(task.taskID)
        reserve(task.reservedCNY, for: task.taskID)
        await reserveShared(task.reservedCNY, for: task.taskID)
    }

    @inline(never)
    private func recordSuccess(of task: SubmittedTask, _ output: ProviderOutput) -> ProviderResult {
        let cost = prices.cost(of: output)
        finish(task, cost: cost)
        succeeded += 1
        events?.yield(.finished(assetID: task.assetID, provider: provider, taskID: task.taskID, costCNY: cost))
        return ProviderResult(task: task, output: output, costCNY: cost, finishedAt: now())
    }

    @inline(never)
    private func recordFailure(of task: SubmittedTask, _ error: ProviderError) {
        finish(task, cost: nil)
        failed += 1
        logger.info(
            "task failed",
            metadata: ["asset.id": "\(task.assetID)", "task.id": "\(task.taskID)", "reason": "\(error.code)"])
        events?.yield(.failed(assetID: task.assetID, provider: provider, reason: error.code.description))
    }

    /// Continues polling a task persisted before a restart (same as ``awaitResult(_:)``).
    public func resume(_ task: SubmittedTask) async throws(ProviderError) -> ProviderResult {
        try await awaitResult(task)
    }

    /// The task the vendor holds for `assetID`, if it can be looked up by our id (Kling's `external_task_id`);
    /// use it to resume when the crash came between the submit call and persisting its answer.
    public func findTask(assetID: String, command: GenerationCommand) async throws(ProviderError) -> SubmittedTask? {
        let id: String?
        do {
            id = try await withRetries(step: "find", assetID: assetID, gateOnBreaker: false, deadline: nil) { _ in
                try await self.backend.findTask(assetID: assetID)
            }
        }
        guard let id else { return nil }
        let description = backend.describe(command)
        return SubmittedTask(
            assetID: assetID, provider: provider, taskID: id, kind: command.kind, model: description.model,
            variant: description.variant, durationSeconds: description.durationSeconds,
            imageCount: description.imageCount, submittedAt: now(), reservedCNY: estimate(command))
    }

    /// Frees the slot and budget reservation of a task that will not be awaited.
    public func abandon(_ task: SubmittedTask) { finish(task, cost: nil) }

    // MARK: Submission

    private func performSubmit(
        _ command: GenerationCommand, assetID: String, beforeSending: @escaping @Sendable () async throws -> Void,
        permitTaken: Bool
    ) async throws(ProviderError) -> SubmittedTask {
        var holdsPermit = permitTaken
        defer { if holdsPermit { sending.release() } }
        guard configuration.enabled else {
            throw ProviderError(.providerUnavailable, provider: provider, message: "\(provider) is disabled")
        }
        guard backend.supports(command.kind) else {
            throw ProviderError(.unsupportedCommand, provider: provider, message: "\(provider) does not do \(command.kind)")
        }
        guard admitThroughBreaker() else {
            throw ProviderError(.providerUnavailable, provider: provider, message: "circuit breaker is open")
        }
        let description = backend.describe(command)
        let amount = estimate(command)
        let key = "pending:\(assetID):\(UUID().uuidString)"
        do {
            // A permit taken early (by the fleet) is given back while the submission is deferred: a deferred
            // submission must not keep the others from their turn, nor from being deferred (and reported) too.
            // It is taken again below once the budget allows.
            try await reserveBudget(amount, key: key, assetID: assetID) {
                if holdsPermit {
                    sending.release()
                    holdsPermit = false
                }
            }
        } catch {
            breaker.releaseProbe()
            throw error
        }
        // Submissions go through a few at a time, since prepared inputs are large (a re-encoded image, base64 in the
        // body). The permit is held from before the slot to the end of the submission (retries included): taking
        // the two always in that order, and never waiting for a permit while holding a slot, no two submissions
        // can wait for each other.
        if !holdsPermit {
            do {
                try await takePermit(.sending, waitingFor: "a submission to finish")
                holdsPermit = true
            } catch {
                release(reservation: key)
                breaker.releaseProbe()
                throw error
            }
        }
        do {
            try await acquireSlot(for: assetID)
        } catch {
            release(reservation: key)
            breaker.releaseProbe()
            throw error
        }
        do throws(ProviderError) {
            let prepared: PreparedSubmission
            do {
                let backend = self.backend
                prepared = try await ChildTask.run { try await backend.prepare(command, assetID: assetID) }
            } catch {
                throw ProviderError.wrap(error, provider: provider)
            }
            let hold = orphanHold(for: command.kind)
            let outcome = try await withRetries(step: "submit", assetID: assetID, gateOnBreaker: true, deadline: nil) {
                attempt in
                try await self.takeSlotBackIfParked(key, assetID: assetID)
                try await self.waitForSubmitToken()
                do {
                    try await beforeSending()
                } catch {
                    throw ProviderError(
                        .cancelled, provider: self.provider, message: "stopped before sending the submission: \(error)")
                }
                do {
                    let backend = self.backend
                    return try await ChildTask.run {
                        try await backend.submit(prepared, assetID: assetID, isRetry: attempt > 1)
                    }
                } catch let error as ProviderError where error.isAmbiguousSubmission {
                    // The vendor may have created a task whose id we never saw: it keeps this slot for a while,
                    // and the next attempt takes a fresh one, so the vendor never sees more than maxInFlight tasks.
                    await self.parkSlot(key, assetID: assetID, for: hold)
                    throw error
                }
            }
            breaker.releaseProbe()
            var task = SubmittedTask(
                assetID: assetID, provider: provider, taskID: "", kind: command.kind, model: description.model,
                variant: description.variant, durationSeconds: description.durationSeconds,
                imageCount: description.imageCount, submittedAt: now(), reservedCNY: amount)
            switch outcome {
            case .task(let id):
                task.taskID = id
                holders.insert(id)
                moveReservation(from: key, to: id)
            case .completed(let id, let output):
                task.taskID = id
                task.model = output.model
                task.completedOutput = output
                // Nothing to poll: the slot is free at once; the cost is booked by awaitResult.
                moveReservation(from: key, to: id)
                releaseSlot(of: assetID)
            }
            logger.debug("submitted", metadata: ["asset.id": "\(assetID)", "task.id": "\(task.taskID)"])
            return task
        } catch {
            if parkedSubmissions.remove(key) == nil { releaseSlot(of: assetID) }
            release(reservation: key)
            breaker.releaseProbe()
            throw error
        }
    }

    /// How long a slot stays taken by a task an ambiguous submission may have created.
    private func orphanHold(for kind: CommandKind) -> Duration {
        if let hold = configuration.orphanSlotHold { return hold }
        let typical = kind.isVideo ? configuration.videoPolling.firstPoll : configuration.imagePolling.firstPoll
        return typical * 2
    }

    private func parkSlot(_ key: String, assetID: String, for hold: Duration) async {
        guard parkedSubmissions.insert(key).inserted else { return }
        // The shared slot goes on under another name, so that the next attempt can take one for the asset.
        var holder = assetID
        if let shared {
            let parked = "\(assetID)~parked~\(UUID().uuidString)"
            do {
                try await shared.renameSlot(provider: provider, holder: assetID, to: parked)
                holder = parked
            } catch {
                logger.warning(
                    "cannot set a shared slot aside for a possibly created task",
                    metadata: ["asset.id": "\(assetID)", "error": "\(error)"])
            }
        }
        Task {
            try? await Task.sleep(for: hold)
            self.releaseSlot(of: holder)
        }
    }

    private func takeSlotBackIfParked(_ key: String, assetID: String) async throws(ProviderError) {
        guard parkedSubmissions.contains(key) else { return }
        try await acquireSlot(for: assetID)
        parkedSubmissions.remove(key)
    }

    private func estimate(_ command: GenerationCommand) -> Decimal {
        let description = backend.describe(command)
        return prices.estimate(
            model: description.model, kind: command.kind, count: description.imageCount,
            videoSeconds: description.durationSeconds ?? 0, variant: description.variant)
    }

    private func admitThroughBreaker() -> Bool {
        let before = breaker.state
        let admitted = breaker.admitSubmission(at: clock.now)
        reportBreaker(from: before)
        return admitted
    }

    private func waitForQueryToken() async throws(ProviderError) {
        guard var queries = queryBucket else { return }
        let wait = queries.reserve(at: clock.now)
        queryBucket = queries
        if wait > .zero { try await sleep(for: wait) }
    }

    private func waitForSubmitToken() async throws(ProviderError) {
        let wait = bucket.reserve(at: clock.now)
        if wait > .zero { try await sleep(for: wait) }
    }

    // MARK: Budget

    /// Reserves `amount` for the submission, waiting (deferred, reported once) while the daily cap holds;
    /// `whenDeferred` runs when the wait starts.
    private func reserveBudget(
        _ amount: Decimal, key: String, assetID: String, whenDeferred: () -> Void = {}
    ) async throws(ProviderError) {
        budget.roll(at: now())
        if budget.neverFits(amount) {
            throw ProviderError(
                .budgetExhausted, provider: provider,
                message: "the daily budget \(budget.cap ?? 0) CNY is below this task's \(amount) CNY")
        }
        var deferredAt: ContinuousClock.Instant?
        while !(await takeBudget(amount, key: key)) {
            if deferredAt == nil {
                deferredAt = clock.now
                deferredNow += 1
                whenDeferred()
                logger.warning(
                    "daily budget reached; submission deferred",
                    metadata: [
                        "asset.id": "\(assetID)", "spent.cny": "\(budget.spent)", "reserved.cny": "\(budget.reserved)",
                        "cap.cny": "\(budget.cap ?? 0)",
                    ])
                events?.yield(.deferred(assetID: assetID, provider: provider, spentCNY: budget.spent, capCNY: budget.cap ?? 0))
            }
            if let limit = configuration.maxBudgetWait, let deferredAt, clock.now - deferredAt >= limit {
                deferredNow -= 1
                throw ProviderError(
                    .budgetExhausted, provider: provider, message: "no budget for this task within \(limit)")
            }
            let untilTomorrow = Duration.seconds(budget.secondsUntilNextDay(from: now()))
            do {
                try await sleep(for: min(configuration.budgetRecheckInterval, untilTomorrow))
            } catch {
                deferredNow -= 1
                throw error
            }
            budget.roll(at: now())
        }
        if deferredAt != nil {
            deferredNow -= 1
            logger.notice("budget available again; deferred submission goes ahead", metadata: ["asset.id": "\(assetID)"])
            events?.yield(.resumed(assetID: assetID, provider: provider))
        }
    }

    /// Reserves `amount` under `key` if it fits the day's cap: this process's alone, or with shared limits, the
    /// spend and reservations of every instance. Returns whether it did.
    private func takeBudget(_ amount: Decimal, key: String) async -> Bool {
        guard let shared, let cap = budget.cap else {
            guard budget.fits(amount) else { return false }
            reserve(amount, for: key)
            return true
        }
        let id = UUID().uuidString
        do {
            let taken = try await shared.reserveSpend(
                provider: provider, day: budget.dayKey(at: now()), reservation: id, amount: amount, cap: cap)
            guard taken else { return false }
        } catch {
            logger.warning("cannot reserve from the shared budget; asking again later", metadata: ["error": "\(error)"])
            return false
        }
        reserve(amount, for: key)
        sharedReservations[key] = id
        return true
    }

    /// Records `amount` as reserved in the shared budget whatever the cap (a task already running).
    private func reserveShared(_ amount: Decimal, for key: String) async {
        guard let shared, budget.cap != nil else { return }
        let id = UUID().uuidString
        do {
            if try await shared.reserveSpend(
                provider: provider, day: budget.dayKey(at: now()), reservation: id, amount: amount, cap: nil)
            {
                sharedReservations[key] = id
            }
        } catch {
            logger.warning("cannot record a running task in the shared budget", metadata: ["error": "\(error)"])
        }
    }

    /// Ends a shared reservation (if any) and books `actual` in the shared spend, in the background.
    private func settleShared(reservation: String?, actual: Decimal?) {
        guard let shared, reservation != nil || actual != nil else { return }
        let provider = self.provider, day = budget.dayKey(at: now()), logger = self.logger
        Task {
            do {
                try await shared.settleSpend(provider: provider, day: day, reservation: reservation, actual: actual)
            } catch {
                logger.error(
                    "cannot book a task's cost in the shared budget; other instances will not count it",
                    metadata: ["error": "\(error)", "cost.cny": "\(actual ?? 0)"])
            }
        }
    }

    private func reserve(_ amount: Decimal, for key: String) {
        guard reservations[key] == nil else { return }
        reservations[key] = amount
        budget.reserve(amount)
    }

    private func release(reservation key: String) {
        if let amount = reservations.removeValue(forKey: key) { budget.release(amount) }
        if let id = sharedReservations.removeValue(forKey: key) { settleShared(reservation: id, actual: nil) }
    }

    private func moveReservation(from old: String, to new: String) {
        if let amount = reservations.removeValue(forKey: old) { reservations[new] = amount }
        if let id = sharedReservations.removeValue(forKey: old) { sharedReservations[new] = id }
    }

    /// Ends a task: frees its slot (once) and books its cost (or drops its reservation).
    private func finish(_ task: SubmittedTask, cost: Decimal?) {
        if holders.remove(task.taskID) != nil { releaseSlot(of: task.assetID) }
        settleShared(reservation: sharedReservations.removeValue(forKey: task.taskID), actual: cost)
        let reserved = reservations.removeValue(forKey: task.taskID)
        if let cost {
            budget.commit(reserved: reserved ?? 0, actual: cost, at: now())
        } else if let reserved {
            budget.release(reserved)
        }
    }

    // MARK: Slots

    /// Takes a slot for `holder` (an asset id): one of this process's, then, with shared limits, one of the
    /// account's.
    private func acquireSlot(for holder: String) async throws(ProviderError) {
        try await acquireLocalSlot()
        guard let shared else { return }
        let waitingSince = clock.now
        var nextNotice = waitingSince.advanced(by: .seconds(120))
        while true {
            do {
                if try await shared.takeSlot(provider: provider, holder: holder, limit: configuration.maxInFlight) {
                    return
                }
                if clock.now >= nextNotice {
                    nextNotice = clock.now.advanced(by: .seconds(120))
                    logger.notice(
                        "still waiting for a shared slot: every slot of the vendor account is held by some instance",
                        metadata: [
                            "asset.id": "\(holder)", "waited": "\(waitingSince.duration(to: clock.now))",
                            "limit": "\(configuration.maxInFlight)",
                        ])
                }
            } catch {
                logger.warning(
                    "cannot take a shared slot; asking again", metadata: ["asset.id": "\(holder)", "error": "\(error)"])
            }
            do {
                try await clock.sleep(for: configuration.sharedSlotRecheck)
            } catch {
                releaseLocalSlot()
                throw ProviderError(.cancelled, provider: provider, message: "cancelled while waiting for a slot")
            }
        }
    }

    /// Frees the slot of `holder`; with shared limits the account's slot first, then this process's.
    private func releaseSlot(of holder: String) {
        guard let shared else {
            releaseLocalSlot()
            return
        }
        let provider = self.provider, logger = self.logger
        Task {
            do {
                try await shared.releaseSlot(provider: provider, holder: holder)
            } catch {
                logger.warning(
                    "cannot free a shared slot; it frees itself when it expires",
                    metadata: ["asset.id": "\(holder)", "error": "\(error)"])
            }
            self.releaseLocalSlot()
        }
    }

    private func acquireLocalSlot() async throws(ProviderError) {
        try await takePermit(.slots, waitingFor: "a slot")
        maxObservedInFlight = max(maxObservedInFlight, slots.taken)
    }

    private func releaseLocalSlot() {
        // A waiter gets the slot straight away.
        slots.release()
    }

    /// The worker's waiting lines.
    private enum Line {
        case slots, sending
    }

    private func withLine<T>(_ line: Line, _ body: (inout PermitQueue) -> T) -> T {
        switch line {
        case .slots: return body(&slots)
        case .sending: return body(&sending)
        }
    }

    /// Takes a permit of `line`, waiting in it when none is free.
    private func takePermit(_ line: Line, waitingFor what: String) async throws(ProviderError) {
        let cancelled = ProviderError(.cancelled, provider: provider, message: "cancelled while waiting for \(what)")
        if Task.isCancelled { throw cancelled }
        if withLine(line, { $0.tryTake() }) { return }
        let ticket = withLine(line) { $0.ticket() }
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    withLine(line) { $0.enqueue(continuation, ticket: ticket) }
                }
            } onCancel: {
                Task { await self.cancelWaiting(line, ticket: ticket) }
            }
        } catch {
            throw cancelled
        }
    }

    private func cancelWaiting(_ line: Line, ticket: UInt64) {
        withLine(line) { $0.cancel(ticket) }
    }

    // MARK: Polling

    /// What one poll found: the task's output (fetched), or that it is still running.
    private enum PollStep: Sendable {
        case done(ProviderOutput)
        case pending(vendorStatus: String)
    }

    /// When to poll `task`: the deadline its timeout sets, and the first wait (counted from its submission).
    private struct PollPlan {
        var schedule: PollingSchedule
        var timeout: Duration
        var deadline: ContinuousClock.Instant
        var firstWait: Duration
    }

    @inline(never)
    private func pollPlan(for task: SubmittedTask) -> PollPlan {
        let schedule = task.kind.isVideo ? configuration.videoPolling : configuration.imagePolling
        let timeout = task.kind.isVideo ? configuration.videoTaskTimeout : configuration.imageTaskTimeout
        let age = max(0, now().timeIntervalSince(task.submittedAt))
        let remaining = max(0, timeout.seconds - age)
        return PollPlan(
            schedule: schedule, timeout: timeout, deadline: clock.now + .seconds(remaining),
            firstWait: .seconds(min(max(0, schedule.firstPoll.seconds - age), remaining)))
    }

    /// Puts `task` in the poll schedule under `id`, first due when its plan says.
    private func startPolling(
        _ task: SubmittedTask, id: UInt64, onResult: @escaping @Sendable (Result<ProviderResult, ProviderError>) -> Void
    ) {
        let plan = pollPlan(for: task)
        let watch = PollSchedule.Watch(
            task: task, deadline: plan.deadline, timeout: plan.timeout, interval: plan.schedule.interval,
            onResult: onResult)
        polls.add(watch, id: id, due: clock.now + plan.firstWait)
        armPollTimer()
    }

    /// Ends the watch `id` with `cancelled`, freeing its task's slot; a poll under way is cancelled.
    private func stopPolling(_ id: UInt64) {
        guard let watch = polls[id] else { return }
        pollsUnderWay.removeValue(forKey: id)?.cancel()
        endWatch(
            id, .failure(ProviderError(.cancelled, provider: provider, message: "cancelled while polling \(watch.task.taskID)")))
        armPollTimer()
    }

    /// Takes the watch `id` out of the schedule, books its task's outcome (freeing the slot) and hands it on.
    private func endWatch(_ id: UInt64, _ outcome: Result<ProviderOutput, ProviderError>) {
        guard let watch = polls.remove(id) else { return }
        switch outcome {
        case .success(let output):
            watch.onResult(.success(recordSuccess(of: watch.task, output)))
        case .failure(let error):
            recordFailure(of: watch.task, error)
            watch.onResult(.failure(error))
        }
    }

    /// Makes the poll timer fire when the next watch is due (or stops it when none is waiting).
    private func armPollTimer() {
        guard let next = polls.nextDue() else {
            pollTimer?.task.cancel()
            pollTimer = nil
            return
        }
        if let timer = pollTimer, timer.firesAt <= next { return }
        pollTimer?.task.cancel()
        pollTimerGeneration &+= 1
        let generation = pollTimerGeneration, clock = self.clock
        let task = Task {
            do {
                try await clock.sleep(until: next, tolerance: nil)
            } catch {
                return
            }
            self.pollTimerFired(generation)
        }
        pollTimer = (task, next)
    }

    /// Starts a poll of every watch due now, each in a task of its own, and sets the timer for the next.
    private func pollTimerFired(_ generation: UInt64) {
        guard generation == pollTimerGeneration else { return }
        pollTimer = nil
        for id in polls.takeDue(at: clock.now) {
            pollsUnderWay[id] = Task { await self.pollWatched(id) }
        }
        armPollTimer()
    }

    /// One poll of the watch `id`: hands on its outcome when the task ended, else makes it due again after its
    /// interval (growing by the schedule's multiplier), or fails it when that would pass its deadline.
    private func pollWatched(_ id: UInt64) async {
        guard let polled = polls[id] else { return }
        let step: Result<PollStep, ProviderError>
        do {
            step = .success(try await pollOnce(polled.task, deadline: polled.deadline))
        } catch {
            step = .failure(error)
        }
        pollsUnderWay[id] = nil
        // Cancelled meanwhile: the cancellation was reported.
        guard var watch = polls[id] else { return }
        switch step {
        case .success(.done(let output)):
            endWatch(id, .success(output))
        case .success(.pending(let vendorStatus)):
            guard clock.now + watch.interval <= watch.deadline else {
                endWatch(
                    id,
                    .failure(
                        ProviderError(
                            .taskTimedOut, provider: provider,
                            message: "task \(watch.task.taskID) still \(vendorStatus) after \(watch.timeout)")))
                return
            }
            let schedule = watch.task.kind.isVideo ? configuration.videoPolling : configuration.imagePolling
            let due = clock.now + watch.interval
            watch.interval = min(schedule.maxInterval, .seconds(watch.interval.seconds * schedule.multiplier))
            polls[id] = watch
            polls.reschedule(id, at: due)
            armPollTimer()
        case .failure(let error):
            endWatch(id, .failure(error))
        }
    }

    /// One poll of `task` (with retries), and the result's fetch once it succeeded. Runs in a task of its own.
    private func pollOnce(_ task: SubmittedTask, deadline: ContinuousClock.Instant) async throws(ProviderError)
        -> PollStep
    {
        let snapshot = try await withRetries(step: "poll", assetID: task.assetID, gateOnBreaker: false, deadline: deadline) {
            _ in
            try await self.waitForQueryToken()
            return try await self.backend.poll(task)
        }
        switch snapshot.state {
        case .succeeded:
            let output = try await withRetries(step: "fetch", assetID: task.assetID, gateOnBreaker: false, deadline: deadline) {
                _ in
                try await self.backend.fetchResult(task, snapshot: snapshot)
            }
            return .done(output)
        case .failed:
            throw snapshot.failure
                ?? ProviderError(.taskFailed, provider: provider, message: "task ended \(snapshot.vendorStatus)")
        case .queued, .running:
            return .pending(vendorStatus: snapshot.vendorStatus)
        }
    }

    // MARK: Retries and breaker

    private func withRetries<T: Sendable>(
        step: String, assetID: String, gateOnBreaker: Bool, deadline: ContinuousClock.Instant?,
        _ operation: @Sendable (Int) async throws -> T
    ) async throws(ProviderError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            if gateOnBreaker, attempt > 1 {
                breaker.refresh(at: clock.now)
                if breaker.state == .open {
                    throw ProviderError(
                        .providerUnavailable, provider: provider, message: "circuit breaker opened during \(step)")
                }
            }
            let error: ProviderError
            do {
                let value = try await operation(attempt)
                noteHealthy()
                return value
            } catch let caught {
                error = ProviderError.wrap(caught, provider: provider)
            }
            if error.isProviderFault {
                noteFault()
            } else if [.providerRejectedInput, .contentModeration, .taskNotFound].contains(error.code) {
                noteHealthy()
            }
            guard error.isRetryable, !Task.isCancelled else { throw error }
            guard attempt < configuration.retry.maxAttempts else {
                throw ProviderError(
                    .retriesExhausted, provider: provider,
                    message: "\(step) failed \(attempt) times; last: \(error.code): \(error.message)",
                    httpStatus: error.httpStatus, vendorCode: error.vendorCode)
            }
            let delay = configuration.retry.delay(afterAttempt: attempt, retryAfter: error.retryAfter, random: &random)
            if let deadline, clock.now + delay > deadline {
                throw ProviderError(.taskTimedOut, provider: provider, message: "\(step) still failing at the task deadline: \(error)")
            }
            retries += 1
            logger.debug(
                "retrying",
                metadata: [
                    "asset.id": "\(assetID)", "step": "\(step)", "attempt": "\(attempt)", "reason": "\(error.code)",
                    "delay": "\(delay)",
                ])
            try await sleep(for: delay)
        }
    }

    private func noteHealthy() {
        let before = breaker.state
        breaker.recordSuccess()
        reportBreaker(from: before)
    }

    private func noteFault() {
        let before = breaker.state
        breaker.recordFailure(at: clock.now)
        reportBreaker(from: before)
    }

    private func reportBreaker(from before: CircuitBreaker.State) {
        let after = breaker.state
        guard after != before else { return }
        logger.notice("circuit breaker \(before.rawValue) → \(after.rawValue)")
        events?.yield(.breakerChanged(provider: provider, from: before, to: after))
    }

    private func sleep(for duration: Duration) async throws(ProviderError) {
        do {
            try await clock.sleep(for: duration)
        } catch {
            throw ProviderError(.cancelled, provider: provider, message: "cancelled")
        }
    }
}

extension ProviderError {
    /// Whether a failed submission may nevertheless have created a task (the answer was lost or unreadable).
    var isAmbiguousSubmission: Bool { [.malformedResponse, .timedOut, .transport].contains(code) }

    /// `error` as a ``ProviderError`` (cancellation and unexpected errors included).
    static func wrap(_ error: any Error, provider: GenerationProvider) -> ProviderError {
        if let error = error as? ProviderError { return error }
        if error is CancellationError { return ProviderError(.cancelled, provider: provider, message: "cancelled") }
        return ProviderError(.transport, provider: provider, message: "\(error)")
    }
}
