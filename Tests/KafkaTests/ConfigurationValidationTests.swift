import Testing
import Kafka

@Suite("Bad configuration fails at creation, naming the property")
struct ConfigurationValidationTests {
    private func producerError(_ change: (inout KafkaProducerConfiguration) -> Void) -> KafkaError? {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:9"])
        change(&configuration)
        do {
            _ = try KafkaProducer(configuration: configuration)
            return nil
        } catch {
            return error
        }
    }

    private func consumerError(_ change: (inout KafkaConsumerConfiguration) -> Void) -> KafkaError? {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:9"], groupID: "g")
        change(&configuration)
        do {
            _ = try KafkaConsumer(configuration: configuration)
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownPropertyIsNamed() throws {
        let error = try #require(producerError { $0.client.properties["no.such.property"] = "1" })
        #expect(error.code == .invalidConfiguration)
        #expect(error.property == "no.such.property")
        #expect(error.message.contains("no.such.property"))
    }

    @Test func badValueIsNamed() throws {
        let error = try #require(consumerError { $0.client.properties["fetch.wait.max.ms"] = "soon" })
        #expect(error.code == .invalidConfiguration)
        #expect(error.property == "fetch.wait.max.ms")
    }

    @Test func conflictFoundByLibrdkafkaNamesTheProperty() throws {
        // librdkafka itself refuses acks=1 with idempotence at rd_kafka_new time.
        let error = try #require(producerError { $0.client.properties["acks"] = "1" })
        #expect(error.code == .invalidConfiguration)
        #expect(error.property == "acks", "message was: \(error.message)")
    }

    @Test func typedConflictIsNamed() throws {
        let error = try #require(producerError { $0.acks = .leader })
        #expect(error.property == "acks")
    }

    @Test(arguments: ["enable.auto.commit", "enable.auto.offset.store"])
    func autoCommitCannotBeTurnedOn(property: String) throws {
        let error = try #require(consumerError { $0.client.properties[property] = "true" })
        #expect(error.code == .invalidConfiguration)
        #expect(error.property == property)
    }

    @Test(arguments: [[String](), ["localhost"], ["host:notaport"], ["host:70000"]])
    func badBootstrapServersAreNamed(servers: [String]) throws {
        let error = try #require(producerError { $0.client.bootstrapServers = servers })
        #expect(error.property == "bootstrap.servers")
    }

    @Test func saslWithoutCredentialsIsNamed() throws {
        let error = try #require(consumerError {
            $0.client.security = KafkaSecurity(transport: .saslSSL, saslMechanism: .plain, saslUsername: "user")
        })
        #expect(error.property == "sasl.password")
    }

    @Test func validConfigurationWithPassThroughCreatesClients() async throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:9"], groupID: "g")
        configuration.client.properties["fetch.wait.max.ms"] = "50"
        configuration.client.properties["enable.auto.commit"] = "false"
        let consumer = try KafkaConsumer(configuration: configuration)
        try await consumer.close()
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:9"]))
        await producer.close()
    }
}
