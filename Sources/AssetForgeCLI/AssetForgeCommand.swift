import ArgumentParser

/// The `assetforge` executable.
@main
struct AssetForgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assetforge",
        abstract: "Turns product events on Kafka into AI-generated marketing assets.",
        subcommands: [RunCommand.self, DemoCommand.self, SmokeCommand.self, ConfigCommand.self, SimulateCommand.self]
    )
}
