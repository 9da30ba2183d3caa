import Foundation

/// One task the simulator created.
struct SimulatedTask: Sendable {
    enum Outcome: Sendable, Equatable {
        case success
        /// Ends failed with a vendor code and message.
        case failure(code: String, message: String)
        /// Never leaves the running state.
        case stuck
    }

    enum Payload: Sendable, Equatable {
        /// `count` PNG images of the given size.
        case images(count: Int, width: Int, height: Int)
        /// One MP4 of the given duration.
        case video(seconds: Int, width: Int, height: Int)
    }

    enum Phase: Sendable, Equatable {
        case queued, running, succeeded, failed, expired
    }

    let id: String
    let service: SimulatedService
    /// Seconds since the simulator started.
    let created: Double
    /// Unix seconds.
    let createdWall: Double
    let duration: Double
    let outcome: Outcome
    let payload: Payload
    let externalID: String?
    let idempotencyKey: String?
    /// The request's `req_key` (Jimeng) or model name, echoed in answers.
    let model: String
    /// Share of ``duration`` spent queued.
    let queuedFraction: Double
    /// When set, the task advances by queries (see ``SimulatorConfiguration/queriesPerPhase``).
    let queriesPerPhase: Int?
    /// Queries answered so far (only counted when ``queriesPerPhase`` is set).
    var queries = 0

    func phase(at now: Double, retention: Double) -> Phase {
        let elapsed = now - created
        if elapsed > retention { return .expired }
        if let perPhase = queriesPerPhase {
            if queries <= perPhase { return .queued }
            if outcome == .stuck || queries <= 2 * perPhase { return .running }
            return outcome == .success ? .succeeded : .failed
        }
        if elapsed < duration * queuedFraction { return .queued }
        if outcome == .stuck || elapsed < duration { return .running }
        return outcome == .success ? .succeeded : .failed
    }

    /// For Hailuo's two queued states: whether the task is in the first half of its queued phase.
    func isPreparing(at now: Double) -> Bool {
        if let perPhase = queriesPerPhase { return queries * 2 <= perPhase }
        return now - created < duration * queuedFraction / 2
    }

    /// The unix time the task finished (or would have).
    var endWall: Double { createdWall + duration }
}

/// Counters for one simulated service, as `GET /_sim/stats` reports them.
public struct ServiceStats: Sendable, Codable, Equatable {
    /// Task-creating requests received (after the body arrived).
    public var submitsReceived = 0
    /// Task-creating requests the simulator produced an answer for.
    public var submitsAnswered = 0
    /// Task-creating requests whose client disconnected before the answer was ready.
    public var submitsAbandoned = 0
    /// Tasks created.
    public var tasksCreated = 0
    /// Tasks created that will end failed (injected).
    public var tasksFailing = 0
    /// Tasks created that will never finish (injected).
    public var tasksStuck = 0
    /// Tasks not yet in a terminal state, now.
    public var tasksInFlight = 0
    /// The most tasks that were unfinished at once.
    public var maxTasksInFlight = 0
    /// Task queries (polls, result calls, file retrievals).
    public var queries = 0
    /// Answers that were injected 429s (or in-body rate-limit codes).
    public var rateLimited = 0
    /// Answers that were injected 5xx.
    public var serverErrors = 0
    /// Answers refused because the service was configured unavailable.
    public var unavailable = 0
    /// Answers whose body was cut short on purpose (including malformed model output).
    public var malformed = 0
    /// Requests refused for bad credentials, tokens or signatures.
    public var authenticationFailures = 0
    /// Requests refused as invalid input.
    public var rejectedInputs = 0
    /// Requests refused by content moderation.
    public var moderationRejections = 0
    /// Result files downloaded.
    public var downloads = 0
    /// Result downloads refused because the URL had expired.
    public var expiredDownloads = 0
    /// Chat completions answered (Qwen).
    public var completions = 0

    public init() {}
}

/// What `GET /_sim/stats` returns.
public struct SimulatorStats: Sendable, Codable, Equatable {
    /// Counters per service name.
    public var services: [String: ServiceStats]
    /// Tasks created per vendor name.
    public var tasksCreatedPerVendor: [String: Int]
    /// API requests per vendor name.
    public var requestsPerVendor: [String: Int]
    /// Paid generations (tasks created, and Qwen completions) per `X-AssetForge-Idempotency-Key` value (requests
    /// without the header are not counted).
    public var tasksPerIdempotencyKey: [String: Int]
    /// Keys for which more than one task was created.
    public var duplicateIdempotencyKeys: [String]
    /// Task-creating requests received but not (yet) answered.
    public var submitsUnanswered: Int

    /// The counters of `service` (zeros if it saw no traffic).
    public subscript(service: SimulatedService) -> ServiceStats { services[service.rawValue] ?? ServiceStats() }
}

/// The simulator's mutable state; lives in a `Mutex` inside ``SimulatorCore``.
struct SimulatorState: Sendable {
    var configuration: SimulatorConfiguration
    var random: SeededRandom
    var tasks: [String: SimulatedTask] = [:]
    var externalIndex: [String: String] = [:]
    var active: [SimulatedService: Set<String>] = [:]
    var counters: [SimulatedService: ServiceStats] = [:]
    var vendorRequests: [String: Int] = [:]
    var vendorTasks: [String: Int] = [:]
    var keyCounts: [String: Int] = [:]
    var serial = 0

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        self.random = SeededRandom(seed: configuration.seed)
    }

    mutating func count(_ service: SimulatedService, _ update: (inout ServiceStats) -> Void) {
        update(&counters[service, default: ServiceStats()])
    }

    /// Drops finished tasks from the active set of `service` and returns how many remain.
    mutating func pruneActive(_ service: SimulatedService, now: Double) -> Int {
        let retention = configuration.taskRetentionSeconds
        var set = active[service] ?? []
        set = set.filter { id in
            guard let task = tasks[id] else { return false }
            let phase = task.phase(at: now, retention: retention)
            return phase == .queued || phase == .running
        }
        active[service] = set
        return set.count
    }

    mutating func nextID(prefix: String) -> String {
        serial += 1
        let noise = random.next() & 0xFFFF_FFFF
        return "\(prefix)\(String(serial, radix: 10))-\(String(noise, radix: 16))"
    }

    func stats(now: Double) -> SimulatorStats {
        var services: [String: ServiceStats] = [:]
        var unanswered = 0
        for service in SimulatedService.allCases {
            var stats = counters[service] ?? ServiceStats()
            let retention = configuration.taskRetentionSeconds
            stats.tasksInFlight = (active[service] ?? []).reduce(0) { total, id in
                guard let phase = tasks[id]?.phase(at: now, retention: retention) else { return total }
                return phase == .queued || phase == .running ? total + 1 : total
            }
            unanswered += stats.submitsReceived - stats.submitsAnswered - stats.submitsAbandoned
            services[service.rawValue] = stats
        }
        return SimulatorStats(
            services: services,
            tasksCreatedPerVendor: vendorTasks,
            requestsPerVendor: vendorRequests,
            tasksPerIdempotencyKey: keyCounts,
            duplicateIdempotencyKeys: keyCounts.filter { $0.value > 1 }.map(\.key).sorted(),
            submitsUnanswered: unanswered)
    }
}
