import AssetForgeConfiguration
import DequeModule
import Foundation
import Ledger
import Logging
import Providers
import Synchronization

/// Claims unfinished commands from the ledger and runs each with a ``CommandRunner``, keeping their leases alive.
///
/// Claims happen when ``wake()`` is called (new commands planned, a command finished) and at least every
/// ``Settings/pollInterval`` (postponed commands come due, leases of dead processes expire). Leases are renewed
/// every third of ``Settings/leaseDuration``; a command whose lease could not be renewed is left to whoever holds it
/// now (the ledger's fencing refuses the old owner's next write). A lease of this process that expired before its
/// renewal and comes back in a claim keeps its version, so the command running here goes on undisturbed.
///
/// A command whose task the provider is running is not held by a Swift task: its run ends with the task being
/// watched (``ProviderFleet/watch(_:onResult:)``), it stays here with its lease, and the task's outcome starts a new
/// run that goes on from it. On cancellation every command is handed back (a watched one's polling stopped), so a
/// restart continues at once.
public final class CommandScheduler: Sendable {
    /// Timing and capacity.
    public struct Settings: Sendable {
        /// This process's owner name in leases.
        public var owner: String
        /// How long a claim lasts without renewal.
        public var leaseDuration: Duration = .seconds(30)
        /// How often the ledger is asked for due commands when nothing wakes the scheduler.
        public var pollInterval: Duration = .seconds(1)
        /// Commands run at once (provider workers bound real in-flight work; waiting commands are cheap).
        public var maxActive = 10_000
        /// Runs at once, per provider, of claimed commands yet to be submitted to it. A run waiting for one of the
        /// provider's submission permits keeps a task; the other claimed commands wait as small records, first
        /// claimed first, until one of those runs ends (its command submitted, postponed or failed).
        public var startingPerProvider = 64

        /// Settings for `owner`.
        public init(owner: String) {
            self.owner = owner
        }

        /// A unique owner name: host, process id and a random suffix.
        public static func uniqueOwner() -> String {
            let host = ProcessInfo.processInfo.hostName
            return "\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
        }
    }

    private let ledger: any LedgerStore
    private let runner: CommandRunner
    private let settings: Settings
    private let logger: Logger
    private let signals: AsyncStream<Signal>
    private let signal: AsyncStream<Signal>.Continuation
    /// A claim is asked for and not yet begun (wake-ups coalesce into one).
    private let claimPending = Atomic<Bool>(false)
    /// Commands of this process, running, queued or with their task being polled, and the leases they hold.
    private let active = Mutex<[String: Running]>([:])
    /// Claimed commands waiting for their provider to take submissions, and the runs under way per provider.
    private let backlog = Mutex(SubmissionBacklog())

    /// Claimed commands yet to be submitted, by the provider they wait for.
    private struct SubmissionBacklog {
        /// Not started yet, first claimed first.
        var queued: [GenerationProvider: Deque<LedgerEntry>] = [:]
        /// Runs under way of commands not yet submitted when they started.
        var starting: [GenerationProvider: Int] = [:]
    }

    /// What the run loop acts on.
    private enum Signal: Sendable {
        /// Look for claimable commands.
        case claim
        /// The task a command watched ended.
        case result(key: String, Result<ProviderResult, ProviderError>)
    }

    /// A command of this process.
    private struct Running {
        var lease: Lease
        /// Set while its task is polled and no run of it is under way.
        var watch: ResultWatch?
        /// Counts the runs of the command, so that a run's late report is told from the current one's.
        var run = 0
    }

    init(ledger: any LedgerStore, runner: (_ onPlanned: @escaping @Sendable () -> Void) -> CommandRunner,
         settings: Settings, logger: Logger) {
        self.ledger = ledger
        self.settings = settings
        self.logger = logger
        (signals, signal) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .unbounded)
        let continuation = signal
        self.runner = runner { continuation.yield(.claim) }
    }

    /// Asks the scheduler to look for claimable commands now.
    public func wake() {
        if !claimPending.exchange(true, ordering: .acquiringAndReleasing) { signal.yield(.claim) }
    }

    /// The lease a command of this process holds, if it runs here.
    public func lease(for key: String) -> Lease? { active.withLock { $0[key]?.lease } }

    /// The number of commands this process is running (those whose task is being polled included).
    public var activeCount: Int { active.withLock { $0.count } }

    /// Claimed commands for `provider` not started yet, and runs under way of commands yet to be submitted to it.
    func submissionBacklog(for provider: GenerationProvider) -> (queued: Int, starting: Int) {
        backlog.withLock { ($0.queued[provider]?.count ?? 0, $0.starting[provider] ?? 0) }
    }

    /// Runs until cancelled; then hands every command back.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.renewLeases() }
            group.addTask { await self.tick() }
            wake()
            for await next in signals {
                if Task.isCancelled { break }
                switch next {
                case .claim:
                    claimPending.store(false, ordering: .releasing)
                    startQueued(in: &group)
                    await claimAndStart(in: &group)
                case .result(let key, let result):
                    let resumed = active.withLock { running -> (Lease, Int)? in
                        guard var command = running[key] else { return nil }
                        command.watch = nil
                        command.run += 1
                        running[key] = command
                        return (command.lease, command.run)
                    }
                    guard let (lease, run) = resumed else { continue }
                    group.addTask {
                        let outcome = await self.runner.resume(key, lease: lease, with: result, onResult: self.onResult(key))
                        self.finished(key, run: run, outcome)
                    }
                }
            }
            group.cancelAll()
            // Commands whose task is being polled have no run to cancel: stop their polling and hand them back.
            let watched = active.withLock { running in
                running.compactMap { key, command in command.watch.map { (key, command.lease, $0) } }
            }
            for (key, lease, watch) in watched {
                group.addTask { await self.runner.handBack(key, lease: lease, watch: watch) }
            }
            // Queued commands never started: hand them back.
            let queued = backlog.withLock { backlog in
                defer { backlog.queued = [:] }
                return backlog.queued.values.flatMap { $0 }
            }
            for entry in queued {
                guard let lease = entry.lease else { continue }
                let ledger = self.ledger
                group.addTask { try? await ledger.release(entry.key, lease: lease, notBefore: nil) }
            }
        }
        signal.finish()
    }

    /// Where the outcome of the task of command `key` goes.
    private func onResult(_ key: String) -> CommandRunner.ResultHandler {
        let signal = self.signal
        return { result in signal.yield(.result(key: key, result)) }
    }

    /// Notes how run `run` of command `key` ended.
    private func finished(_ key: String, run: Int, _ outcome: CommandRunner.RunOutcome) {
        switch outcome {
        case .ended:
            active.withLock { running in
                if running[key]?.run == run { running[key] = nil }
            }
            wake()
        case .watching(let watch):
            // Unless the task's outcome came first and a later run is under way.
            active.withLock { running in
                if running[key]?.run == run { running[key]?.watch = watch }
            }
        }
    }

    private func claimAndStart(in group: inout DiscardingTaskGroup) async {
        let capacity = settings.maxActive - activeCount
        guard capacity > 0 else { return }
        let claimed: [LedgerEntry]
        do {
            claimed = try await ledger.claim(
                owner: settings.owner, limit: min(capacity, 500), leaseDuration: settings.leaseDuration, now: Date())
        } catch {
            logger.error("cannot claim commands from the ledger", metadata: ["error": "\(error)"])
            return
        }
        var late = 0
        for entry in claimed {
            let key = entry.key
            guard let lease = entry.lease,
                active.withLock({ running in
                    guard running[key] == nil else {
                        // Our own lease expired before its renewal: the claim extended it under the same version.
                        late += 1
                        return false
                    }
                    running[key] = Running(lease: lease)
                    return true
                })
            else { continue }
            if let provider = runner.submissionProvider(of: entry) {
                backlog.withLock { $0.queued[provider, default: []].append(entry) }
            } else {
                start(entry, in: &group)
            }
        }
        startQueued(in: &group)
        if late > 0 {
            logger.warning(
                "leases of running commands expired before their renewal; the ledger is slow or the lease too short",
                metadata: ["commands": "\(late)", "lease": "\(settings.leaseDuration)"])
        }
        // A full batch means more may be waiting.
        if claimed.count == min(capacity, 500) { wake() }
    }

    /// Starts the first run of a claimed command; `provider`: the one it has yet to be submitted to, whose count
    /// of runs under way it was taken into.
    private func start(_ entry: LedgerEntry, submittingTo provider: GenerationProvider? = nil, in group: inout DiscardingTaskGroup) {
        let key = entry.key
        group.addTask {
            let outcome = await self.runner.run(entry, onResult: self.onResult(key))
            if let provider {
                // Its place goes to the next queued command (a run ending with its task watched wakes no one else).
                self.backlog.withLock { $0.starting[provider, default: 1] -= 1 }
                self.wake()
            }
            self.finished(key, run: 0, outcome)
        }
    }

    /// Starts queued commands while their provider has fewer than ``Settings/startingPerProvider`` runs under way.
    private func startQueued(in group: inout DiscardingTaskGroup) {
        let limit = max(1, settings.startingPerProvider)
        let ready = backlog.withLock { backlog -> [(GenerationProvider, LedgerEntry)] in
            var ready: [(GenerationProvider, LedgerEntry)] = []
            for provider in Array(backlog.queued.keys) {
                guard var queue = backlog.queued[provider] else { continue }
                var starting = backlog.starting[provider, default: 0]
                while starting < limit, let entry = queue.popFirst() {
                    ready.append((provider, entry))
                    starting += 1
                }
                backlog.starting[provider] = starting
                backlog.queued[provider] = queue.isEmpty ? nil : queue
            }
            return ready
        }
        for (provider, entry) in ready { start(entry, submittingTo: provider, in: &group) }
    }

    private func tick() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: settings.pollInterval)
            wake()
        }
    }

    /// Logs which of `unrenewed` another owner holds now, looking at no more than 10 of them, in a task of its own.
    ///
    /// A command's last write (finished, or handed back) clears its lease a moment before the command leaves
    /// `active`, so a key may be unrenewed without being lost: only a lease another owner holds was taken over.
    /// Never in the renewal loop itself: when many leases lapse at once (a starved machine), looking each one up
    /// there delayed the next renewal past the lease, so that every lease lapsed, was taken over back and forth
    /// between instances, and no command got anywhere.
    private func reportTakeovers(among unrenewed: [String]) {
        let ledger = self.ledger, owner = settings.owner, logger = self.logger
        Task {
            var lost: [String] = []
            for key in unrenewed.prefix(10) {
                if let holder = try? await ledger.entry(key)?.lease?.owner, holder != owner { lost.append(key) }
            }
            guard !lost.isEmpty else { return }
            logger.warning(
                "some leases were taken over",
                metadata: [
                    "unrenewed": "\(unrenewed.count)", "taken.over.of.first.10": "\(lost.count)",
                    "asset.ids": "\(lost.joined(separator: ","))",
                ])
        }
    }

    private func renewLeases() async {
        let interval = settings.leaseDuration / 3
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let keys = active.withLock { Array($0.keys) }
            guard !keys.isEmpty, !Task.isCancelled else { continue }
            do {
                let held = try await ledger.renew(
                    keys: keys, owner: settings.owner, leaseDuration: settings.leaseDuration, now: Date())
                let unrenewed = active.withLock { running in keys.filter { running[$0] != nil && !held.contains($0) } }
                if !unrenewed.isEmpty { reportTakeovers(among: unrenewed) }
            } catch {
                logger.error("cannot renew leases", metadata: ["error": "\(error)"])
            }
        }
    }
}
