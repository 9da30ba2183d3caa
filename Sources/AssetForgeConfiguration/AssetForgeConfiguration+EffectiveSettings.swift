/// One row of `assetforge config`: a setting's effective value and where it came from.
public struct EffectiveSetting: Sendable, Equatable {
    /// The file key, e.g. `kafka.brokers` or `kafka.properties.security.protocol`.
    public var key: String
    /// The environment variable, or `nil` for file-only settings (`kafka.properties.*`).
    public var environmentVariable: String?
    /// The value as text, secrets shown as `<redacted>`, unset optional values as `(not set)`.
    public var value: String
    /// Where the value came from.
    public var source: SettingSource
}

extension AssetForgeConfiguration {
    /// The text shown for optional settings that have no value.
    public static let notSetPlaceholder = "(not set)"

    /// Every setting with its environment variable, effective value (secrets redacted) and source,
    /// in a stable order; `kafka.properties.*` entries come last.
    ///
    /// Values are read from this configuration as it is now; sources are those recorded by
    /// ``load(configFile:environment:)`` (`default` for a configuration built in code).
    public func effectiveSettings() -> [EffectiveSetting] {
        var rows = Setting.catalog.map { setting in
            EffectiveSetting(
                key: setting.key, environmentVariable: setting.environmentVariable,
                value: setting.render(self) ?? Self.notSetPlaceholder,
                source: sources[setting.key] ?? .default)
        }
        for (name, value) in kafka.properties.sorted(by: { $0.key < $1.key }) {
            let key = KafkaProperty.keyPrefix + name
            rows.append(
                EffectiveSetting(
                    key: key, environmentVariable: nil,
                    value: KafkaProperty.isSensitive(name) ? Secret.redactedPlaceholder : value,
                    source: sources[key] ?? .default))
        }
        return rows
    }

    /// ``effectiveSettings()`` as an aligned text table with a header (`KEY ENV VALUE SOURCE`), for printing.
    public func effectiveSettingsTable() -> String {
        let rows =
            [["KEY", "ENV", "VALUE", "SOURCE"]]
            + effectiveSettings().map { [$0.key, $0.environmentVariable ?? "-", $0.value, $0.source.rawValue] }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                + "  " + row[3]
        }.joined(separator: "\n")
    }
}
