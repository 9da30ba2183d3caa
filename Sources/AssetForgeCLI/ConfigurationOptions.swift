import ArgumentParser
import AssetForgeConfiguration
import Foundation

/// The `--config FILE` option every command shares, and loading of the validated configuration.
struct ConfigurationOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("A YAML or JSON configuration file (default: $ASSETFORGE_CONFIG).", valueName: "file")
    )
    var configFile: String?

    /// Loads the configuration; on invalid settings prints every problem and exits with status 78 (EX_CONFIG).
    func load() async throws -> AssetForgeConfiguration {
        for warning in AssetForgeConfiguration.unknownEnvironmentVariables() {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        do {
            return try await AssetForgeConfiguration.load(configFile: configFile)
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(78)
        }
    }
}
