import ArgumentParser

/// `assetforge config`: validates the configuration and prints every setting with its source.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate the configuration and print the effective settings (secrets redacted)."
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try await options.load()
        print(configuration.effectiveSettingsTable())
    }
}
