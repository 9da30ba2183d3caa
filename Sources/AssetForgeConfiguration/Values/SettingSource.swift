/// Where the effective value of a setting came from.
public enum SettingSource: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The built-in default (or, for `http.publicBaseURL`, derived from other settings).
    case `default`
    /// The configuration file (`--config FILE` or `ASSETFORGE_CONFIG`).
    case file
    /// An environment variable, which wins over the file.
    case environment = "env"

    /// `default`, `file` or `env`.
    public var description: String { rawValue }
}
