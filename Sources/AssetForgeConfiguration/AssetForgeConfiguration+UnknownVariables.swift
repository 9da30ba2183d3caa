import Foundation

extension AssetForgeConfiguration {
    /// `ASSETFORGE_*` variables in `environment` that no setting reads (likely typos), each as an issue with
    /// code ``ConfigurationError/Code/unknownKey`` and, when one is close, a suggested variable.
    ///
    /// ``load(configFile:environment:)`` does not reject these, because other tools may share the prefix;
    /// print them as warnings at start.
    public static func unknownEnvironmentVariables(
        in environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [ConfigurationError.Issue] {
        let known = Setting.catalog.map(\.environmentVariable)
        let knownSet = Set(known + [configFileEnvironmentVariable])
        return environment.keys.sorted()
            .filter { $0.hasPrefix("ASSETFORGE_") && !knownSet.contains($0) }
            .map { variable in
                ConfigurationError.Issue(
                    code: .unknownKey, environmentVariable: variable, source: .environment,
                    message: "is not a setting AssetForge reads",
                    suggestion: KeySuggestion.closestVariable(to: variable, among: known))
            }
    }
}
