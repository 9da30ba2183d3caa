/// One setting: its file key, its environment variable, how to parse it into the configuration,
/// and how to show its effective value.
struct Setting: Sendable {
    /// Whether the file may give a list.
    enum Shape: Sendable {
        case scalar
        case list
    }

    /// The nested camelCase file key, e.g. `kafka.brokers`.
    let key: String
    /// The environment variable, e.g. `ASSETFORGE_KAFKA_BROKERS`.
    let environmentVariable: String
    /// Whether the value is a secret, never shown.
    let isSecret: Bool
    let shape: Shape
    /// Parses a (non-empty) value and stores it.
    let apply: @Sendable (RawSettingValue, inout AssetForgeConfiguration) throws(InvalidValue) -> Void
    /// The effective value for display, or `nil` when unset. Secrets render as `<redacted>`.
    let render: @Sendable (AssetForgeConfiguration) -> String?
}

extension Setting {
    /// A single-valued setting stored at `keyPath`.
    static func scalar<Value>(
        _ key: String, _ environmentVariable: String, secret: Bool = false,
        at keyPath: WritableKeyPath<AssetForgeConfiguration, Value> & Sendable,
        parse: @escaping @Sendable (String) throws(InvalidValue) -> Value,
        render: @escaping @Sendable (Value) -> String?
    ) -> Setting {
        Setting(
            key: key, environmentVariable: environmentVariable, isSecret: secret, shape: .scalar,
            apply: { raw, configuration throws(InvalidValue) in
                configuration[keyPath: keyPath] = try parse(try raw.singleValue())
            },
            render: { configuration in render(configuration[keyPath: keyPath]) })
    }

    /// A secret stored at `keyPath`.
    static func secret(
        _ key: String, _ environmentVariable: String,
        at keyPath: WritableKeyPath<AssetForgeConfiguration, Secret?> & Sendable
    ) -> Setting {
        scalar(key, environmentVariable, secret: true, at: keyPath, parse: Parse.secret) { $0?.description }
    }

    /// A list setting stored at `keyPath`: a comma-separated string, or a list in the file.
    /// Blank entries are ignored; every bad entry is reported.
    static func list<Element>(
        _ key: String, _ environmentVariable: String,
        at keyPath: WritableKeyPath<AssetForgeConfiguration, [Element]> & Sendable,
        minimumCount: Int = 0,
        parseElement: @escaping @Sendable (String) throws(InvalidValue) -> Element,
        render: @escaping @Sendable (Element) -> String
    ) -> Setting {
        Setting(
            key: key, environmentVariable: environmentVariable, isSecret: false, shape: .list,
            apply: { raw, configuration throws(InvalidValue) in
                let items: [String]
                switch raw {
                case .scalar(let text): items = text.split(separator: ",").map(String.init)
                case .list(let list): items = list
                case .unsupported:
                    throw InvalidValue("must be a list of strings or a comma-separated string")
                }
                var values: [Element] = []
                var problems: [String] = []
                for item in items.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !item.isEmpty {
                    do throws(InvalidValue) {
                        values.append(try parseElement(item))
                    } catch {
                        problems.append(error.message)
                    }
                }
                guard problems.isEmpty else { throw InvalidValue(problems.joined(separator: "; ")) }
                guard values.count >= minimumCount else {
                    throw InvalidValue("must list at least \(minimumCount) entr\(minimumCount == 1 ? "y" : "ies")")
                }
                configuration[keyPath: keyPath] = values
            },
            render: { configuration in configuration[keyPath: keyPath].map(render).joined(separator: ",") })
    }
}
