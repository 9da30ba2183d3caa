import ArgumentParser
import Foundation
import Logging
import ProviderSimulator

/// `assetforge simulate`: runs the provider simulator (DashScope, Kling, MiniMax, Volcengine APIs) on loopback.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulator of the generation providers' HTTP APIs, with injected faults.",
        discussion: """
            Point ASSETFORGE_DASHSCOPE_BASE_URL, ASSETFORGE_KLING_BASE_URL, ASSETFORGE_MINIMAX_BASE_URL and \
            ASSETFORGE_VOLCENGINE_BASE_URL at http://127.0.0.1:PORT. The simulator accepts the credentials in its \
            configuration (defaults: DASHSCOPE_API_KEY=sk-sim-dashscope, KLING_ACCESS_KEY=AK-SIM-KLING, \
            KLING_SECRET_KEY=SK-SIM-KLING, MINIMAX_API_KEY=sim-minimax-key, VOLCENGINE_ACCESS_KEY=AKSIMVOLC, \
            VOLCENGINE_SECRET_KEY=SKSIMVOLC). GET /_sim/stats for counters, POST /_sim/config to change faults, \
            POST /_sim/reset to start over; sample product photos at /samples/NAME.png.
            """
    )

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: Int = 8090

    @Option(help: "The address to listen on; loopback by default.")
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("A JSON file with simulator settings and faults (see SimulatorConfiguration).", valueName: "file"))
    var faults: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel) is unknown") }
    }

    func run() async throws {
        var logger = Logger(label: "assetforge.simulate")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var configuration = SimulatorConfiguration()
        if let faults {
            do {
                configuration = try SimulatorConfiguration.decode(Data(contentsOf: URL(fileURLWithPath: faults)))
            } catch {
                throw ValidationError("cannot read --faults \(faults): \(error)")
            }
        }
        let host = self.host
        try await ProviderSimulator.run(configuration: configuration, host: host, port: port, logger: logger) { bound in
            let line = "simulate: provider simulator listening on http://\(host):\(bound) (stats at /_sim/stats)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
