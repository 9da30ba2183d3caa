import AsyncHTTPClient
import Foundation
import Kafka
import Ledger
import Logging

/// Many video commands in flight through the whole service: an `assetforge run` child process (the release executable,
/// with its ledger, scheduler, command runner, fleet, object store and producer) consumes `--commands` `sku.promoted`
/// events and drives each video through the provider simulator (a second child) to `asset.ready`. Reports the
/// service's peak resident memory, its CPU per poll and per completed task, and what the simulator saw.
struct ServiceVideoBenchmark {
    let options: BenchmarkOptions
    let logger: Logger

    /// How long the whole run may take before it is declared stuck.
    private var bound: Duration { .seconds(max(900, options.taskSeconds * 10 + options.commands / 10)) }

    func run() async throws {
        guard !options.brokers.isEmpty else {
            throw BenchmarkFailure(
                "--workload service-video needs a broker: --brokers HOST:PORT or ASSETFORGE_KAFKA_BROKERS "
                    + "(Benchmarks/run-pipeline-benchmark.sh starts one)")
        }
        let binary = options.assetforgeBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchmarkFailure(
                "no assetforge executable at \(binary): build it with `swift build -c release --package-path "
                    + "Benchmarks/Pipeline --product assetforge` or name one with --assetforge PATH")
        }
        let directory = FileManager.default.temporaryDirectory.appending(
            path: "assetforge-service-video-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let simulator = try SimulatorProcess.start(taskSeconds: options.taskSeconds)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await measure(binary: binary, simulator: simulator, directory: directory, http: http)
        } catch {
            simulator.stop()
            try? await http.shutdown()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        simulator.stop()
        try await http.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    private func measure(binary: String, simulator: SimulatorProcess, directory: URL, http: HTTPClient) async throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let topics = Topics(suffix: String(suffix))
        let events = try promotions(sceneImage: simulator.baseURL.appending(path: "samples/earbuds-scene.png"))
        try await publish(events, topics: topics)

        // The benchmark creates the ledger file (schema and WAL) and reads its state counts while the service runs;
        // several processes sharing the file is supported.
        let ledgerPath = directory.appending(path: "ledger.db").path
        let ledger = try await SQLiteLedgerStore.open(path: ledgerPath, logger: logger)
        let statsBefore = try await simulator.stats(http: http).services["kling"]
        let service = try ServiceProcess.start(
            binary: binary,
            environment: environment(
                topics: topics, simulator: simulator, ledgerPath: ledgerPath,
                store: directory.appending(path: "assets").path))
        print(
            "service-video: \(options.commands) sku.promoted events (5 s videos from the simulator's sample scene "
                + "image), Kling tasks \(options.taskSeconds) s, Kling's default polling cadence; "
                + "assetforge pid \(service.pid)")

        let start = ContinuousClock.now
        var sampledPeak = 0
        var finished = 0
        var counts: [LedgerState: Int] = [:]
        var lastReport = ContinuousClock.now
        do {
            while finished < options.commands {
                guard service.isRunning else {
                    throw BenchmarkFailure("assetforge exited early:\n\(service.output.suffix(3000))")
                }
                guard ContinuousClock.now - start < bound else {
                    throw BenchmarkFailure(
                        "not done within \(bound): ledger \(describe(counts)); last log lines:\n"
                            + "\(service.output.suffix(3000))")
                }
                try await Task.sleep(for: .seconds(1))
                sampledPeak = max(sampledPeak, ProcessCPU.residentBytes(pid: service.pid))
                counts = try await ledger.countsByState()
                finished = (counts[.published] ?? 0) + (counts[.failed] ?? 0)
                if ContinuousClock.now - lastReport >= .seconds(15) {
                    lastReport = ContinuousClock.now
                    print(
                        String(
                            format: "  %.0f s: RSS %.1f MiB; ledger %@", (ContinuousClock.now - start).seconds,
                            Double(ProcessCPU.residentBytes(pid: service.pid)) / 1_048_576, describe(counts)))
                }
            }
        } catch {
            _ = service.terminate()
            await ledger.close()
            throw error
        }
        let elapsed = (ContinuousClock.now - start).seconds
        // Read before it exits: /proc/PID goes with the process.
        let peak = ProcessCPU.peakResidentBytes(pid: service.pid)
        let cpu = ProcessCPU.seconds(pid: service.pid)
        let stats = try await simulator.stats(http: http).services["kling"]
        let status = service.terminate()
        await ledger.close()

        let polls = (stats?.queries ?? 0) - (statsBefore?.queries ?? 0)
        let created = (stats?.tasksCreated ?? 0) - (statsBefore?.tasksCreated ?? 0)
        let published = counts[.published] ?? 0
        print(
            String(
                format: "elapsed %.1f s; ledger %@; simulator: %d Kling tasks created, %d polls, most in flight %d",
                elapsed, describe(counts), created, polls, stats?.maxTasksInFlight ?? 0))
        print(
            String(
                format: "assetforge: peak RSS (VmHWM) %.1f MiB (most sampled each second: %.1f MiB); CPU %.1f s = "
                    + "%.0f µs per poll, %.0f µs per published video; the simulator's process peaked at %.1f MiB; "
                    + "exit status after SIGTERM %d",
                Double(peak) / 1_048_576, Double(sampledPeak) / 1_048_576, cpu, cpu * 1e6 / Double(max(polls, 1)),
                cpu * 1e6 / Double(max(published, 1)), Double(simulator.peakResidentBytes) / 1_048_576, status))
        guard published == options.commands, created == options.commands else {
            throw BenchmarkFailure(
                "expected \(options.commands) published videos from as many Kling tasks; got \(published) published "
                    + "and \(created) tasks created")
        }
    }

    /// The topics of one invocation.
    struct Topics {
        let promoted, listed, ready, failed, deadLetter: String

        init(suffix: String) {
            promoted = "bench.sku.promoted.\(suffix)"
            listed = "bench.product.listed.\(suffix)"
            ready = "bench.asset.ready.\(suffix)"
            failed = "bench.asset.failed.\(suffix)"
            deadLetter = "bench.dlq.\(suffix)"
        }
    }

    /// The contract's promotion example with a scene image, one per command: a distinct id and SKU, a 5 s video
    /// (the default duration), the scene image served by the simulator.
    private func promotions(sceneImage: URL) throws -> [(key: [UInt8], value: [UInt8])] {
        let url = URL(fileURLWithPath: options.examples).appending(
            path: "sku.promoted/valid/wireless-earbuds-scene-image-10s-16x9.json")
        guard var template = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
            var data = template["data"] as? [String: Any], var video = data["video"] as? [String: Any]
        else { throw BenchmarkFailure("\(url.path) is not the sku.promoted example this benchmark expects") }
        video["durationSeconds"] = 5
        data["video"] = video
        data["sceneImageUrl"] = sceneImage.absoluteString
        var events: [(key: [UInt8], value: [UInt8])] = []
        events.reserveCapacity(options.commands)
        for index in 0..<options.commands {
            let sku = String(format: "EAR-BENCH-%07d", index)
            data["sku"] = sku
            template["data"] = data
            template["id"] = String(format: "5d1e0c3a-7b2f-4c9e-9a41-%012d", index)
            let value = try JSONSerialization.data(withJSONObject: template, options: [.withoutEscapingSlashes])
            events.append((Array(sku.utf8), Array(value)))
        }
        return events
    }

    private func publish(_ events: [(key: [UInt8], value: [UInt8])], topics: Topics) async throws {
        let admin = try KafkaAdminClient(configuration: KafkaClientConfiguration(bootstrapServers: [options.brokers]))
        try await admin.createTopics(
            [topics.promoted, topics.listed, topics.ready, topics.failed, topics.deadLetter].map {
                .init(name: $0, partitions: options.partitions)
            })
        await admin.close()
        try await ReplayTopic.publish(
            keys: events.map(\.key), values: events.map(\.value), to: topics.promoted, brokers: options.brokers,
            logger: logger)
        print("published \(events.count) sku.promoted events to \(topics.promoted) (\(options.partitions) partitions)")
    }

    /// The service's environment: everything on loopback, Kling allowed `--commands` tasks in flight with no pacing
    /// that would spread the submissions out, every other setting its default (Kling's polling cadence included).
    private func environment(
        topics: Topics, simulator: SimulatorProcess, ledgerPath: String, store: String
    ) -> [String: String] {
        let base = simulator.baseURL.absoluteString
        let credentials = SimulatorProcess.credentials
        return [
            "ASSETFORGE_KAFKA_BROKERS": options.brokers,
            "ASSETFORGE_KAFKA_GROUP": "bench-service-video-\(topics.promoted)",
            "ASSETFORGE_KAFKA_OFFSET_RESET": "earliest",
            "ASSETFORGE_TOPIC_PRODUCT_LISTED": topics.listed,
            "ASSETFORGE_TOPIC_SKU_PROMOTED": topics.promoted,
            "ASSETFORGE_TOPIC_ASSET_READY": topics.ready,
            "ASSETFORGE_TOPIC_ASSET_FAILED": topics.failed,
            "ASSETFORGE_TOPIC_DLQ": topics.deadLetter,
            "ASSETFORGE_LEDGER_URL": "sqlite://" + ledgerPath,
            "ASSETFORGE_STORE_URL": "file://" + store,
            "ASSETFORGE_HTTP_PORT": "0",
            "ASSETFORGE_LOG_LEVEL": "warning",
            "ASSETFORGE_FETCH_ALLOWLIST": "127.0.0.1",
            "ASSETFORGE_MAX_UNFINISHED_COMMANDS": "\(options.commands)",
            "ASSETFORGE_KLING_BASE_URL": base,
            "KLING_ACCESS_KEY": credentials.klingAccessKey,
            "KLING_SECRET_KEY": credentials.klingSecretKey,
            "ASSETFORGE_KLING_MAX_IN_FLIGHT": "\(options.commands)",
            "ASSETFORGE_KLING_SUBMITS_PER_SECOND": "\(options.commands)",
            "ASSETFORGE_KLING_SUBMIT_BURST": "\(options.commands)",
            "ASSETFORGE_KLING_BREAKER_FAILURES": "\(options.commands)",
        ]
    }

    private func describe(_ counts: [LedgerState: Int]) -> String {
        let nonzero = counts.filter { $0.value > 0 }.sorted { $0.key.rawValue < $1.key.rawValue }
        return nonzero.isEmpty ? "empty" : nonzero.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
    }
}
