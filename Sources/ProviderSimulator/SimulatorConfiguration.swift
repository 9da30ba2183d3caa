import Foundation

/// Everything the simulator can be told: credentials it accepts, task timings and injected faults.
///
/// Decodes from JSON (the `--faults FILE` of `assetforge simulate` and `POST /_sim/config`); every key is
/// optional and a missing key keeps its default.
public struct SimulatorConfiguration: Sendable, Equatable, Codable {
    /// The credentials the simulated vendors accept.
    public var credentials = SimulatorCredentials()
    /// Faults applied to every simulated service unless ``serviceFaults`` overrides them.
    public var faults = FaultProfile()
    /// Per-service fault profiles by service name (`wanx`, `qwen`, `kling`, `hailuo`, `jimeng`), replacing ``faults``.
    public var serviceFaults: [String: FaultProfile] = [:]
    /// How long tasks take per service, in seconds (the time from creation to the terminal state); ±20 % jitter.
    /// Defaults: wanx 4, jimeng 3, kling 20, hailuo 25.
    public var taskSeconds: [String: Double] = ["wanx": 4, "jimeng": 3, "kling": 20, "hailuo": 25]
    /// Share of a task's duration spent queued (`PENDING`, `submitted`, `Preparing`/`Queueing`, `in_queue`) before it
    /// runs. Default 0.2.
    public var queuedFraction: Double = 0.2
    /// When set, tasks advance by queries instead of time: this many queries see the queued state, as many more the
    /// running state, and the next one the terminal state (deterministic state sequences for tests). Default `nil`.
    public var queriesPerPhase: Int?
    /// Seconds a result URL stays valid. Default 3600 (vendors: 24 h for images, less for some videos).
    public var resultURLLifetimeSeconds: Double = 3600
    /// Seconds a task record is kept before queries answer "unknown/not found". Default 86 400 (DashScope: ~24 h).
    public var taskRetentionSeconds: Double = 86_400
    /// Long side of the PNG results, in pixels (the requested aspect ratio is kept). Default 256.
    public var resultImageMaxSide: Int = 256
    /// Seed of the random generator behind faults and latencies. Default 1.
    public var seed: UInt64 = 1
    /// Text that, when found in a prompt, makes the vendor reject it as a content-safety violation. Default `FORBIDDEN`.
    public var moderationTrigger: String = "FORBIDDEN"
    /// The most tasks per service that may be unfinished at once before submits get the vendor's 429; `nil` = unlimited.
    public var maxConcurrentTasks: [String: Int] = [:]

    /// The defaults.
    public init() {}

    /// The fault profile in force for `service`.
    public func faults(for service: SimulatedService) -> FaultProfile {
        serviceFaults[service.rawValue] ?? faults
    }

    enum CodingKeys: String, CodingKey {
        case credentials, faults, serviceFaults, taskSeconds, queuedFraction, queriesPerPhase, resultURLLifetimeSeconds
        case taskRetentionSeconds
        case resultImageMaxSide, seed, moderationTrigger, maxConcurrentTasks
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        try update(from: decoder)
    }

    /// Overwrites the settings present in `decoder`, keeping the others.
    public mutating func update(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let v = try c.decodeIfPresent(SimulatorCredentials.self, forKey: .credentials) { credentials = v }
        if let v = try c.decodeIfPresent(FaultProfile.self, forKey: .faults) { faults = v }
        if let v = try c.decodeIfPresent([String: FaultProfile].self, forKey: .serviceFaults) { serviceFaults = v }
        if let v = try c.decodeIfPresent([String: Double].self, forKey: .taskSeconds) {
            taskSeconds.merge(v) { _, new in new }
        }
        if let v = try c.decodeIfPresent(Double.self, forKey: .queuedFraction) { queuedFraction = min(max(v, 0), 1) }
        if c.contains(.queriesPerPhase) { queriesPerPhase = try c.decodeIfPresent(Int.self, forKey: .queriesPerPhase) }
        if let v = try c.decodeIfPresent(Double.self, forKey: .resultURLLifetimeSeconds) { resultURLLifetimeSeconds = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .taskRetentionSeconds) { taskRetentionSeconds = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: .resultImageMaxSide) { resultImageMaxSide = max(8, v) }
        if let v = try c.decodeIfPresent(UInt64.self, forKey: .seed) { seed = v }
        if let v = try c.decodeIfPresent(String.self, forKey: .moderationTrigger) { moderationTrigger = v }
        if let v = try c.decodeIfPresent([String: Int].self, forKey: .maxConcurrentTasks) { maxConcurrentTasks = v }
    }

    /// Reads a configuration from JSON.
    public static func decode(_ data: Data) throws -> SimulatorConfiguration {
        try JSONDecoder().decode(SimulatorConfiguration.self, from: data)
    }

    /// Typical task duration for `service`, seconds.
    func taskDuration(for service: SimulatedService) -> Double {
        taskSeconds[service.rawValue] ?? (service.isVideo ? 20 : 4)
    }
}

/// The credentials the simulated vendors accept. Defaults are fixed test values.
public struct SimulatorCredentials: Sendable, Equatable, Codable {
    /// DashScope API key (Wanx, Qwen). Default `sk-sim-dashscope`.
    public var dashscopeAPIKey = "sk-sim-dashscope"
    /// Kling access key (JWT `iss`). Default `AK-SIM-KLING`.
    public var klingAccessKey = "AK-SIM-KLING"
    /// Kling secret key (JWT HS256 key). Default `SK-SIM-KLING`.
    public var klingSecretKey = "SK-SIM-KLING"
    /// MiniMax API key. Default `sim-minimax-key`.
    public var minimaxAPIKey = "sim-minimax-key"
    /// Volcengine access key id. Default `AKSIMVOLC`.
    public var volcengineAccessKey = "AKSIMVOLC"
    /// Volcengine secret access key. Default `SKSIMVOLC`.
    public var volcengineSecretKey = "SKSIMVOLC"

    /// The defaults.
    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let v = try c.decodeIfPresent(String.self, forKey: .dashscopeAPIKey) { dashscopeAPIKey = v }
        if let v = try c.decodeIfPresent(String.self, forKey: .klingAccessKey) { klingAccessKey = v }
        if let v = try c.decodeIfPresent(String.self, forKey: .klingSecretKey) { klingSecretKey = v }
        if let v = try c.decodeIfPresent(String.self, forKey: .minimaxAPIKey) { minimaxAPIKey = v }
        if let v = try c.decodeIfPresent(String.self, forKey: .volcengineAccessKey) { volcengineAccessKey = v }
        if let v = try c.decodeIfPresent(String.self, forKey: .volcengineSecretKey) { volcengineSecretKey = v }
    }
}

/// Faults injected into one service's traffic. Rates are probabilities from 0 to 1, drawn per request
/// (429, 5xx, malformed) or per created task (failed, stuck), from the seeded generator.
public struct FaultProfile: Sendable, Equatable, Codable {
    /// Delay before each vendor API answer.
    public var latency = LatencyDistribution()
    /// Share of API requests answered with the vendor's rate-limit error (HTTP 429, or its in-body code).
    public var rateLimitRate = 0.0
    /// Share of API requests answered with a 500/502/503.
    public var serverErrorRate = 0.0
    /// Share of 2xx answers whose JSON body is cut short.
    public var malformedBodyRate = 0.0
    /// Share of Qwen completions whose *model output* is not the requested JSON.
    public var malformedOutputRate = 0.0
    /// Share of created tasks that end in the vendor's failed state.
    public var failedTaskRate = 0.0
    /// Share of created tasks that never leave the running state.
    public var stuckTaskRate = 0.0
    /// When true the service answers every API request with 503 (a full outage).
    public var unavailable = false
    /// `Retry-After` seconds sent with injected 429s; `nil` sends none (vendors' behaviour is unconfirmed).
    public var retryAfterSeconds: Double?

    /// No faults, no latency.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case latency, rateLimitRate, serverErrorRate, malformedBodyRate, malformedOutputRate, failedTaskRate
        case stuckTaskRate, unavailable, retryAfterSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let v = try c.decodeIfPresent(LatencyDistribution.self, forKey: .latency) { latency = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .rateLimitRate) { rateLimitRate = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .serverErrorRate) { serverErrorRate = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .malformedBodyRate) { malformedBodyRate = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .malformedOutputRate) { malformedOutputRate = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .failedTaskRate) { failedTaskRate = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .stuckTaskRate) { stuckTaskRate = v }
        if let v = try c.decodeIfPresent(Bool.self, forKey: .unavailable) { unavailable = v }
        retryAfterSeconds = try c.decodeIfPresent(Double.self, forKey: .retryAfterSeconds)
    }
}

/// A latency distribution in milliseconds.
public struct LatencyDistribution: Sendable, Equatable, Codable {
    /// The shape of the distribution.
    public enum Kind: String, Sendable, Codable {
        /// Always ``LatencyDistribution/minMilliseconds``.
        case fixed
        /// Uniform between min and max.
        case uniform
        /// min + an exponential with mean ``LatencyDistribution/meanMilliseconds``, capped at max (a long tail).
        case exponential
    }

    /// Shape. Default `fixed`.
    public var kind: Kind = .fixed
    /// Lower bound (and the fixed value). Default 0.
    public var minMilliseconds: Double = 0
    /// Upper bound. Default 0.
    public var maxMilliseconds: Double = 0
    /// Mean of the exponential part. Default 0.
    public var meanMilliseconds: Double = 0

    /// Zero latency.
    public init() {}

    /// A distribution.
    public init(kind: Kind, minMilliseconds: Double, maxMilliseconds: Double = 0, meanMilliseconds: Double = 0) {
        self.kind = kind
        self.minMilliseconds = minMilliseconds
        self.maxMilliseconds = maxMilliseconds
        self.meanMilliseconds = meanMilliseconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .fixed
        minMilliseconds = try c.decodeIfPresent(Double.self, forKey: .minMilliseconds) ?? 0
        maxMilliseconds = try c.decodeIfPresent(Double.self, forKey: .maxMilliseconds) ?? minMilliseconds
        meanMilliseconds = try c.decodeIfPresent(Double.self, forKey: .meanMilliseconds) ?? 0
    }

    /// Draws one delay, in seconds.
    func sample(_ random: inout SeededRandom) -> Double {
        switch kind {
        case .fixed:
            return minMilliseconds / 1000
        case .uniform:
            return (minMilliseconds + random.nextDouble() * max(0, maxMilliseconds - minMilliseconds)) / 1000
        case .exponential:
            let tail = -meanMilliseconds * log(max(1e-12, 1 - random.nextDouble()))
            let value = minMilliseconds + tail
            return (maxMilliseconds > minMilliseconds ? min(value, maxMilliseconds) : value) / 1000
        }
    }
}

/// A simulated service: one provider of one vendor.
public enum SimulatedService: String, Sendable, Codable, CaseIterable {
    /// DashScope Wanx image tasks.
    case wanx
    /// DashScope Qwen chat completions.
    case qwen
    /// Kling image-to-video.
    case kling
    /// MiniMax Hailuo video generation.
    case hailuo
    /// Volcengine Jimeng visual tasks.
    case jimeng

    /// The vendor name: `dashscope`, `kling`, `minimax`, `volcengine`.
    public var vendor: String {
        switch self {
        case .wanx, .qwen: "dashscope"
        case .kling: "kling"
        case .hailuo: "minimax"
        case .jimeng: "volcengine"
        }
    }

    var isVideo: Bool { self == .kling || self == .hailuo }
}
