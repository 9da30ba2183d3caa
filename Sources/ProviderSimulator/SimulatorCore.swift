import Crypto
import Foundation
import Logging
import Synchronization

/// The simulator's shared state and the decisions every vendor handler needs: faults, tasks, result URLs.
final class SimulatorCore: Sendable {
    let state: Mutex<SimulatorState>
    /// Rendered sample photos by name and size: rendering one takes a while, and tests ask for the same few often.
    private let samples = Mutex<[String: [UInt8]]>([:])
    let logger: Logger
    private let started = ContinuousClock.now
    /// Signs result URLs so they can expire like the vendors' presigned links.
    private let urlKey: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }
    /// MP4 fixtures by duration in seconds.
    let videos: [Int: [UInt8]]

    init(configuration: SimulatorConfiguration, logger: Logger) {
        self.state = Mutex(SimulatorState(configuration: configuration))
        self.logger = logger
        self.videos = Self.loadVideos()
    }

    /// Seconds since the simulator started (monotonic).
    var now: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    var configuration: SimulatorConfiguration { state.withLock { $0.configuration } }

    // MARK: Faults

    enum FaultDecision: Equatable {
        case none
        case unavailable
        case rateLimited(retryAfter: Double?)
        case serverError(status: Int)
    }

    /// Counts the request and draws its latency and its fault.
    func admit(_ service: SimulatedService) -> (latency: Double, fault: FaultDecision) {
        state.withLock { state in
            state.vendorRequests[service.vendor, default: 0] += 1
            let profile = state.configuration.faults(for: service)
            let latency = profile.latency.sample(&state.random)
            if profile.unavailable {
                state.count(service) { $0.unavailable += 1 }
                return (latency, .unavailable)
            }
            if state.random.chance(profile.rateLimitRate) {
                state.count(service) { $0.rateLimited += 1 }
                return (latency, .rateLimited(retryAfter: profile.retryAfterSeconds))
            }
            if state.random.chance(profile.serverErrorRate) {
                state.count(service) { $0.serverErrors += 1 }
                let statuses = [500, 502, 503]
                return (latency, .serverError(status: statuses[Int(state.random.next() % 3)]))
            }
            return (latency, .none)
        }
    }

    /// Whether to cut this 2xx answer short.
    func shouldMalform(_ service: SimulatedService) -> Bool {
        state.withLock { state in
            let malformed = state.random.chance(state.configuration.faults(for: service).malformedBodyRate)
            if malformed { state.count(service) { $0.malformed += 1 } }
            return malformed
        }
    }

    /// Whether this Qwen completion's model output should not be the requested JSON.
    func shouldMalformOutput() -> Bool {
        state.withLock { state in
            let malformed = state.random.chance(state.configuration.faults(for: .qwen).malformedOutputRate)
            if malformed { state.count(.qwen) { $0.malformed += 1 } }
            return malformed
        }
    }

    func count(_ service: SimulatedService, _ update: @Sendable (inout ServiceStats) -> Void) {
        state.withLock { $0.count(service, update) }
    }

    /// The sample photo `name` at `width` × `height` (rendered once, then kept; at most 64 are kept).
    func sample(named name: String, width: Int, height: Int) -> [UInt8] {
        let key = "\(name)@\(width)x\(height)"
        if let cached = samples.withLock({ $0[key] }) { return cached }
        let rendered = ResultFiles.sample(named: name, width: width, height: height)
        samples.withLock { cache in
            if cache.count >= 64 { cache.removeAll() }
            cache[key] = rendered
        }
        return rendered
    }

    /// Counts a paid generation that has no task (a Qwen completion) against its idempotency key.
    func countSubmission(idempotencyKey: String?) {
        guard let idempotencyKey else { return }
        state.withLock { $0.keyCounts[idempotencyKey, default: 0] += 1 }
    }

    func moderationTriggered(_ texts: String?...) -> Bool {
        let trigger = configuration.moderationTrigger
        guard !trigger.isEmpty else { return false }
        return texts.contains { $0?.localizedCaseInsensitiveContains(trigger) == true }
    }

    // MARK: Tasks

    /// Creates a task, or returns `nil` when the service's concurrent-task limit is reached.
    func createTask(
        _ service: SimulatedService, payload: SimulatedTask.Payload, model: String, externalID: String? = nil,
        idempotencyKey: String?, failure: (code: String, message: String)
    ) -> SimulatedTask? {
        let now = self.now
        let wall = Date().timeIntervalSince1970
        return state.withLock { state -> SimulatedTask? in
            let inFlight = state.pruneActive(service, now: now)
            if let limit = state.configuration.maxConcurrentTasks[service.rawValue], inFlight >= limit {
                state.count(service) { $0.rateLimited += 1 }
                return nil
            }
            let profile = state.configuration.faults(for: service)
            let outcome: SimulatedTask.Outcome
            if state.random.chance(profile.stuckTaskRate) {
                outcome = .stuck
            } else if state.random.chance(profile.failedTaskRate) {
                outcome = .failure(code: failure.code, message: failure.message)
            } else {
                outcome = .success
            }
            let base = state.configuration.taskDuration(for: service)
            let duration = base * (0.8 + 0.4 * state.random.nextDouble())
            let task = SimulatedTask(
                id: state.nextID(prefix: service.taskIDPrefix), service: service, created: now, createdWall: wall,
                duration: duration, outcome: outcome, payload: payload, externalID: externalID,
                idempotencyKey: idempotencyKey, model: model, queuedFraction: state.configuration.queuedFraction,
                queriesPerPhase: state.configuration.queriesPerPhase)
            state.tasks[task.id] = task
            if let externalID { state.externalIndex[externalID] = task.id }
            state.active[service, default: []].insert(task.id)
            state.vendorTasks[service.vendor, default: 0] += 1
            if let idempotencyKey { state.keyCounts[idempotencyKey, default: 0] += 1 }
            let current = inFlight + 1
            state.count(service) { stats in
                stats.tasksCreated += 1
                stats.maxTasksInFlight = max(stats.maxTasksInFlight, current)
                if outcome == .stuck { stats.tasksStuck += 1 }
                if case .failure = outcome { stats.tasksFailing += 1 }
            }
            return task
        }
    }

    /// The task and its phase now, or `nil` if unknown.
    func lookup(_ id: String, service: SimulatedService) -> (task: SimulatedTask, phase: SimulatedTask.Phase)? {
        let now = self.now
        return state.withLock { state in
            state.count(service) { $0.queries += 1 }
            guard var task = state.tasks[id], task.service == service else { return nil }
            if task.queriesPerPhase != nil {
                task.queries += 1
                state.tasks[id] = task
            }
            return (task, task.phase(at: now, retention: state.configuration.taskRetentionSeconds))
        }
    }

    func taskID(forExternalID external: String) -> String? {
        state.withLock { $0.externalIndex[external] }
    }

    func externalIDExists(_ external: String) -> Bool { taskID(forExternalID: external) != nil }

    // MARK: Result files

    /// A signed, expiring URL for a result file served at `/_sim/files/NAME`.
    func resultURL(host: String, taskID: String, index: Int, fileExtension: String) -> String {
        let expires = Int(Date().timeIntervalSince1970 + configuration.resultURLLifetimeSeconds)
        let name = "\(taskID)-\(index).\(fileExtension)"
        return "http://\(host)/_sim/files/\(name)?Expires=\(expires)&Signature=\(sign(name, expires))"
    }

    func sign(_ name: String, _ expires: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(name)\n\(expires)".utf8), using: SymmetricKey(data: urlKey))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Stats and control

    func stats() -> SimulatorStats {
        let now = self.now
        return state.withLock { $0.stats(now: now) }
    }

    /// Forgets all tasks and counters and reseeds the generator; keeps the configuration.
    func reset() {
        state.withLock { state in
            state = SimulatorState(configuration: state.configuration)
        }
    }

    func update(with data: Data) throws {
        var configuration = self.configuration
        try JSONDecoder().decode(ConfigurationPatch.self, from: data).apply(to: &configuration)
        let updated = configuration
        state.withLock { state in
            let reseed = state.configuration.seed != updated.seed
            state.configuration = updated
            if reseed { state.random = SeededRandom(seed: updated.seed) }
        }
        logger.info("simulator configuration updated")
    }

    /// The MP4 fixtures (320×568, 10 fps, H.264), made once with Debian's ffmpeg:
    /// `ffmpeg -f lavfi -i testsrc=size=320x568:rate=10:duration=S -c:v libx264 -preset veryslow -crf 38
    /// -pix_fmt yuv420p -movflags +faststart -map_metadata -1 -fflags +bitexact -flags:v +bitexact video-Ss.mp4`
    /// for S = 5, 6 and 10.
    private static func loadVideos() -> [Int: [UInt8]] {
        var videos: [Int: [UInt8]] = [:]
        for seconds in [5, 6, 10] {
            if let url = Bundle.module.url(forResource: "video-\(seconds)s", withExtension: "mp4", subdirectory: "Fixtures"),
                let data = try? Data(contentsOf: url)
            {
                videos[seconds] = [UInt8](data)
            }
        }
        return videos
    }

    /// The fixture closest to `seconds`.
    func video(seconds: Int) -> [UInt8] {
        if let exact = videos[seconds] { return exact }
        let best = videos.keys.min { abs($0 - seconds) < abs($1 - seconds) }
        return best.flatMap { videos[$0] } ?? []
    }
}

/// Decodes a partial configuration onto the current one (missing keys keep their values).
private struct ConfigurationPatch: Decodable {
    let decoder: any Decoder
    init(from decoder: any Decoder) throws { self.decoder = decoder }
    func apply(to configuration: inout SimulatorConfiguration) throws { try configuration.update(from: decoder) }
}

extension SimulatedService {
    var taskIDPrefix: String {
        switch self {
        case .wanx: "wx-"
        case .qwen: "chatcmpl-"
        case .kling: "kl-"
        case .hailuo: "mm-"
        case .jimeng: "jm-"
        }
    }
}
