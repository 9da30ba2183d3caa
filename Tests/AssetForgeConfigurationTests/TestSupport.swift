import AssetForgeConfiguration
import Foundation
import Testing

/// Writes `contents` to a uniquely named file under the temporary directory, runs `body` with its path,
/// and removes the file.
func withConfigFile<T>(
    _ contents: String, extension fileExtension: String, _ body: (String) async throws -> T
) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("assetforge-config-test-\(UUID().uuidString).\(fileExtension)")
    try Data(contents.utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}

/// Loads with `environment` only: no file, and nothing from the real process environment.
func load(configFile: String? = nil, environment: [String: String] = [:]) async throws -> AssetForgeConfiguration {
    try await AssetForgeConfiguration.load(configFile: configFile, environment: environment)
}

/// The error of a load that is expected to fail; records a test failure when it succeeds.
func loadError(
    configFile: String? = nil, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
) async -> ConfigurationError? {
    do {
        _ = try await AssetForgeConfiguration.load(configFile: configFile, environment: environment)
        Issue.record("expected the configuration to be rejected", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The single issue of a load that is expected to fail with exactly one problem.
func singleIssue(
    configFile: String? = nil, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
) async throws -> ConfigurationError.Issue {
    let error = try #require(
        await loadError(configFile: configFile, environment: environment, sourceLocation: sourceLocation),
        sourceLocation: sourceLocation)
    try #require(error.issues.count == 1, "issues: \(error.issues)", sourceLocation: sourceLocation)
    return error.issues[0]
}

extension AssetForgeConfiguration {
    /// The effective row for `key`.
    func row(_ key: String) -> EffectiveSetting? {
        effectiveSettings().first { $0.key == key }
    }
}
