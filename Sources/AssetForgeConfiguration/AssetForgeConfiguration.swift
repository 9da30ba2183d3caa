/// AssetForge's settings: one configuration file plus environment overrides, validated at start.
///
/// Build it with ``load(configFile:environment:)``; ``init()`` gives the defaults. Every property of the
/// nested sections documents its file key, its environment variable and its default. Precedence is
/// environment over file over default. Secrets are ``Secret`` values that always print as `<redacted>`,
/// and ``description`` / ``redactedDescription`` / ``effectiveSettings()`` redact them.
///
/// Equality compares the settings and also where they were loaded from (``configFile`` and each
/// setting's source), so a loaded configuration equals `AssetForgeConfiguration()` only when nothing was set.
public struct AssetForgeConfiguration: Sendable, Equatable {
    /// The environment variable naming the configuration file when `--config` is not given.
    public static let configFileEnvironmentVariable = "ASSETFORGE_CONFIG"

    /// Kafka connection and consumer settings.
    public var kafka = Kafka()
    /// Topic names.
    public var topics = Topics()
    /// The idempotency ledger.
    public var ledger = Ledger()
    /// The asset store and its credentials.
    public var store = Store()
    /// The HTTP server.
    public var http = HTTP()
    /// Generation providers and vendor accounts.
    public var providers = Providers()
    /// Fetching source images.
    public var fetch = Fetch()
    /// Produced events.
    public var events = Events()
    /// The dead-letter queue.
    public var deadLetter = DeadLetter()
    /// Pipeline limits.
    public var pipeline = Pipeline()
    /// Logging.
    public var logging = Logging()

    /// The configuration file that was read (from `--config` or `ASSETFORGE_CONFIG`), or `nil` when none was.
    public internal(set) var configFile: String?

    /// Where each loaded setting came from, by file key; absent keys are defaults.
    var sources: [String: SettingSource] = [:]

    /// The defaults, as documented on each property.
    public init() {}
}

extension AssetForgeConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// Every setting as `key = value (source)`, one per line, secrets shown as `<redacted>`.
    public var redactedDescription: String {
        effectiveSettings().map { "\($0.key) = \($0.value) (\($0.source))" }.joined(separator: "\n")
    }

    /// The same as ``redactedDescription``.
    public var description: String { redactedDescription }

    /// The same as ``redactedDescription``.
    public var debugDescription: String { redactedDescription }
}
