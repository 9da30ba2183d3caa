import AssetForgeConfiguration
import AssetImaging
import AsyncHTTPClient
import EventIntake
import Events
import Foundation
import Kafka
import Ledger
import ObjectStorage
import Providers
import SafeFetch

@testable import Pipeline

/// The parts of an in-process pipeline below its consumer, for tests that drive a ``CommandRunner`` or a
/// ``CommandScheduler`` themselves: this harness's ledger, a producer, a fleet on the simulator and the runner.
struct RunnerParts {
    let ledger: SQLiteLedgerStore
    let producer: KafkaProducer
    let http: HTTPClient
    let fleet: ProviderFleet
    let runner: @Sendable (_ onPlanned: @escaping @Sendable () -> Void) -> CommandRunner

    func close() async {
        await ledger.close()
        await producer.close()
        try? await http.shutdown()
    }
}

extension PipelineHarness {
    /// ``RunnerParts`` for this harness; `fleetOptions` adjusts the fleet (worker settings, say).
    func runnerParts(fleetOptions: ProviderFleetOptions = ProviderFleetOptions()) async throws -> RunnerParts {
        let configuration = try await AssetForgeConfiguration.load(environment: environment())
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let producer = try await KafkaProducer.connect(
            configuration: KafkaProducerConfiguration(client: configuration.kafkaClient), logger: Self.logger)
        let ledger = try await SQLiteLedgerStore.open(
            path: directory.appendingPathComponent("ledger.db").path, logger: Self.logger)
        let fleet = ProviderFleet.live(
            providers: configuration.providers, httpClient: http, options: fleetOptions, logger: Self.logger)
        let transfer = AssetTransfer(
            store: FileObjectStore(
                path: directory.appendingPathComponent("assets").path,
                publicBaseURL: URL(string: "http://127.0.0.1:1") ?? directory),
            fetcher: SafeFetcher(logger: Self.logger))
        let topics = (self.topics.ready, self.topics.failed)
        let runner: @Sendable (_ onPlanned: @escaping @Sendable () -> Void) -> CommandRunner = { onPlanned in
            CommandRunner(
                ledger: ledger, fleet: fleet, transfer: transfer, publisher: AssetPublisher(producer: producer),
                encoder: EventEncoder(), planner: Planner(), imageInspector: VipsImagePreparer(), topics: topics,
                retry: CommandRunner.RetryPolicy(), logger: Self.logger, onPlanned: onPlanned)
        }
        return RunnerParts(ledger: ledger, producer: producer, http: http, fleet: fleet, runner: runner)
    }
}
