import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ProviderSimulator
import Providers

// Image tasks per second through the provider actors versus a plain AsyncHTTPClient loop making the same HTTP
// exchanges (submit, poll until SUCCEEDED, download the PNG) against the same in-process simulator at zero latency.
// Usage: ProvidersBenchmark [tasks] [concurrency] [rounds]

let arguments = CommandLine.arguments
let tasks = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
let concurrency = arguments.count > 2 ? Int(arguments[2]) ?? 32 : 32
let rounds = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
let requiredRatio = 0.5

var logger = Logger(label: "assetforge.benchmark")
logger.logLevel = .error

var simulatorConfiguration = SimulatorConfiguration()
simulatorConfiguration.taskSeconds["wanx"] = 0
simulatorConfiguration.resultImageMaxSide = 64
let simulator = try await ProviderSimulator.start(configuration: simulatorConfiguration, logger: logger)
let base = simulator.baseURL.absoluteString
let apiKey = simulatorConfiguration.credentials.dashscopeAPIKey
let http = HTTPClient.makeForProviders(connectionsPerHost: concurrency)

/// Runs `count` jobs with `concurrency` workers; returns tasks per second.
func measure(_ job: @escaping @Sendable (Int) async throws -> Void) async throws -> Double {
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        let next = Counter()
        for _ in 0..<concurrency {
            group.addTask {
                while let index = next.take(below: tasks) { try await job(index) }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    return Double(tasks) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

final class Counter: @unchecked Sendable {
    // Guarded by `lock`.
    private var value = 0
    private let lock = NSLock()
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

// MARK: Plain AsyncHTTPClient loop

@Sendable func plainTask(_ index: Int) async throws {
    var submit = HTTPClientRequest(url: base + "/api/v1/services/aigc/text2image/image-synthesis")
    submit.method = .POST
    submit.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
    submit.headers.add(name: "Content-Type", value: "application/json")
    submit.headers.add(name: "X-DashScope-Async", value: "enable")
    submit.headers.add(name: "X-AssetForge-Idempotency-Key", value: "plain-\(index)")
    let body: [String: Any] = [
        "model": "wanx2.1-t2i-turbo", "input": ["prompt": "product \(index)"], "parameters": ["size": "1024*1024", "n": 1],
    ]
    submit.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
    let submitted = try await http.execute(submit, timeout: .seconds(30))
    let answer = try JSONSerialization.jsonObject(with: Data(buffer: try await submitted.body.collect(upTo: 1 << 20))) as? [String: Any]
    guard let taskID = (answer?["output"] as? [String: Any])?["task_id"] as? String else { throw BenchmarkError.unexpected }
    while true {
        var poll = HTTPClientRequest(url: base + "/api/v1/tasks/\(taskID)")
        poll.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        poll.headers.add(name: "X-AssetForge-Idempotency-Key", value: "plain-\(index)")
        let response = try await http.execute(poll, timeout: .seconds(30))
        let json = try JSONSerialization.jsonObject(with: Data(buffer: try await response.body.collect(upTo: 1 << 20))) as? [String: Any]
        let output = json?["output"] as? [String: Any]
        if output?["task_status"] as? String == "SUCCEEDED",
            let url = ((output?["results"] as? [[String: Any]])?.first?["url"]) as? String
        {
            let file = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            _ = try await file.body.collect(upTo: 1 << 24)
            return
        }
    }
}

enum BenchmarkError: Error { case unexpected }

// MARK: Through the actors

var providers = AssetForgeConfiguration.Providers()
providers[account: .dashscope].baseURL = simulator.baseURL
providers[account: .dashscope].apiKey = Secret(apiKey)
var options = ProviderFleetOptions()
var wanx = ProviderWorkerConfiguration(
    maxInFlight: concurrency, submitsPerSecond: 1_000_000, submitBurst: 1_000_000,
    imagePolling: PollingSchedule(firstPoll: .zero, interval: .zero, maxInterval: .zero),
    videoPolling: PollingSchedule(firstPoll: .zero, interval: .zero, maxInterval: .zero))
wanx.breaker.failureThreshold = 1_000
options.workers[.wanx] = wanx
let fleet = ProviderFleet.live(providers: providers, httpClient: http, options: options, logger: logger)

@Sendable func actorTask(_ index: Int) async throws {
    let result = try await fleet.generate(.textToImage(TextToImageCommand(prompt: "product \(index)")), assetID: "actor-\(index)")
    _ = try await fleet.download(result.urls[0])
}

// MARK: Run

print("Provider actors benchmark: \(tasks) image tasks, concurrency \(concurrency), \(rounds) rounds, release build")
_ = try await measure(plainTask)  // warm-up: connections, caches
_ = try await measure(actorTask)
var plainRates: [Double] = []
var actorRates: [Double] = []
for round in 1...rounds {
    simulator.reset()
    plainRates.append(try await measure(plainTask))
    simulator.reset()
    actorRates.append(try await measure(actorTask))
    print(String(format: "round %d: plain %.0f tasks/s, actors %.0f tasks/s", round, plainRates.last!, actorRates.last!))
}
let plain = plainRates.sorted()[plainRates.count / 2]
let actors = actorRates.sorted()[actorRates.count / 2]
let ratio = actors / plain
print(String(format: "median: plain %.0f tasks/s, actors %.0f tasks/s, ratio %.2f (required ≥ %.2f)", plain, actors, ratio, requiredRatio))
try await http.shutdown()
await simulator.shutdown()
if ratio < requiredRatio {
    print("FAIL: the actors reach less than \(Int(requiredRatio * 100)) % of the plain loop")
    exit(1)
}
