import AssetForgeConfiguration
import EventIntake
import Foundation
import Kafka
import Ledger
import Logging
import Pipeline

/// One AssetForge intake path, as one instance of the service has it: its own ledger store (so its own PostgreSQL
/// connection pool), producer, consumer in the run's group, ``EventPlanner`` (republish on replay) and
/// ``EventIntake``. Each handled delivery is counted on the run's shared ``HandledCounter``.
struct ReplayInstance {
    let ledger: any LedgerStore
    let producer: KafkaProducer
    let consumer: KafkaConsumer
    let eventPlanner: EventPlanner
    let intake: EventIntake

    /// Opens the ledger, connects the clients and subscribes to `inputTopic` in `group`; nothing is consumed until
    /// `intake` runs.
    static func connect(
        brokers: String, inputTopic: String, group: String, ledger location: LedgerLocation, scratch: URL,
        progress: HandledCounter, logger: Logger
    ) async throws -> ReplayInstance {
        let ledger = try await SeededLedger.open(location, logger: logger)
        let producer: KafkaProducer
        let consumer: KafkaConsumer
        do {
            producer = try await KafkaProducer.connect(
                configuration: KafkaProducerConfiguration(bootstrapServers: [brokers]), logger: logger)
            var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: [brokers], groupID: group)
            consumerConfiguration.offsetReset = .earliest
            consumerConfiguration.sessionTimeout = .seconds(6)
            do {
                consumer = try await KafkaConsumer.connect(
                    configuration: consumerConfiguration, topics: [inputTopic], logger: logger)
            } catch {
                await producer.close()
                throw error
            }
        } catch {
            await ledger.close()
            throw error
        }
        let eventPlanner = EventPlanner(
            planner: Planner(), ledger: ledger, publisher: AssetPublisher(producer: producer), republishOnReplay: true,
            maxUnfinished: 10_000, consumer: consumer, logger: logger, onPlanned: {})
        var intakeConfiguration = EventIntakeConfiguration()
        intakeConfiguration.topics = [inputTopic: .productListed]
        intakeConfiguration.deadLetterTopic = inputTopic + ".dlq"
        let intake = EventIntake(
            consumer: consumer, deadLetterProducer: producer,
            archive: FileDeadLetterArchive(directory: scratch.appending(path: "dlq")),
            configuration: intakeConfiguration, logger: logger,
            batchHandler: { deliveries in
                let failures = try await eventPlanner.handle(deliveries)
                progress.handled(deliveries.count)
                return failures
            })
        return ReplayInstance(
            ledger: ledger, producer: producer, consumer: consumer, eventPlanner: eventPlanner, intake: intake)
    }

    /// Closes the consumer (leaving the group), the producer and the ledger.
    func close() async {
        try? await consumer.close()
        await producer.close()
        await ledger.close()
    }
}
