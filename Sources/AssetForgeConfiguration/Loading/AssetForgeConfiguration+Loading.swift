import Configuration
import Foundation

extension AssetForgeConfiguration {
    /// Loads the configuration: defaults, then the file, then environment overrides; validated, with every
    /// problem collected into one ``ConfigurationError``.
    ///
    /// - Parameters:
    ///   - configFile: The path given by `--config FILE`; when `nil`, `ASSETFORGE_CONFIG` from `environment`
    ///     is used; when neither is set, no file is read. The format follows the extension: `.yaml`/`.yml`
    ///     or `.json`. A file that is empty (or, for YAML, only comments) sets nothing. Keys may be nested
    ///     (`kafka: {brokers: …}`) or dotted (`kafka.brokers: …`); an empty value, or a YAML null (`~`,
    ///     `null`), counts as unset. Lists may be given as lists or as comma-separated strings.
    ///   - environment: The environment variables to read; defaults to the process environment. Pass a
    ///     dictionary in tests. A variable set to an empty string counts as unset.
    /// - Throws: ``ConfigurationError`` listing every problem: an unsupported extension, a missing or
    ///   unparsable file, unknown file keys, invalid values, incomplete credentials.
    public static func load(
        configFile: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(ConfigurationError) -> AssetForgeConfiguration {
        try await ConfigurationLoader(environment: environment).load(configFile: configFile)
    }
}

/// Reads the file and the environment through swift-configuration providers and applies the setting catalogue.
struct ConfigurationLoader {
    private let catalog = Setting.catalog
    private let environment: [String: String]
    private var issues: [ConfigurationError.Issue] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    /// A parsed configuration file.
    private struct LoadedFile {
        var path: String
        /// Reads the file's values; `nil` for an empty file.
        var reader: ConfigReader?
        /// Every leaf key in the file.
        var keys: Set<String>
        var format: FileFormat
    }

    private enum FileFormat {
        case yaml, json
    }

    consuming func load(configFile: String?) async throws(ConfigurationError) -> AssetForgeConfiguration {
        let secretVariables = Set(catalog.filter(\.isSecret).map(\.environmentVariable))
        let environmentProvider = EnvironmentVariablesProvider(
            environmentVariables: environment, secretsSpecifier: .specific(secretVariables))
        let variableByKey = Dictionary(uniqueKeysWithValues: catalog.map { ($0.key, $0.environmentVariable) })
        // Setting keys are file keys; look each one up under its own environment variable name.
        let environmentReader = ConfigReader(
            provider: KeyMappingProvider(upstream: environmentProvider) { key in
                variableByKey[key.description].map { AbsoluteConfigKey([$0]) } ?? key
            })

        let path =
            configFile
            ?? (try? environmentProvider.environmentValue(
                forName: AssetForgeConfiguration.configFileEnvironmentVariable))
        var file: LoadedFile?
        if let path, !path.isEmpty {
            file = await openFile(at: path, givenByFlag: configFile != nil)
        }

        var configuration = AssetForgeConfiguration()
        configuration.configFile = file?.path
        if let file { reportUnknownKeys(in: file) }

        for setting in catalog {
            let found: (value: RawSettingValue, source: SettingSource)
            if let text = environmentReader.string(forKey: ConfigKey(setting.key), isSecret: setting.isSecret)?
                .trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
            {
                found = (.scalar(text), .environment)
            } else if let file,
                let value = fileValue(setting.key, shape: setting.shape, isSecret: setting.isSecret, in: file)
            {
                found = (value, .file)
            } else {
                continue
            }
            do throws(InvalidValue) {
                try setting.apply(found.value, &configuration)
                configuration.sources[setting.key] = found.source
            } catch {
                issues.append(
                    .init(
                        code: .invalidValue, key: setting.key, environmentVariable: setting.environmentVariable,
                        value: found.value.display(isSecret: setting.isSecret), source: found.source,
                        message: error.message))
            }
        }
        if let file { applyKafkaProperties(from: file, to: &configuration) }
        checkCredentialPairs(configuration)
        checkPollIntervals(configuration)

        guard issues.isEmpty else { throw ConfigurationError(issues: issues) }
        return configuration
    }

    // MARK: - The file

    private mutating func openFile(at path: String, givenByFlag: Bool) async -> LoadedFile? {
        let origin = givenByFlag ? "--config" : AssetForgeConfiguration.configFileEnvironmentVariable
        func fail(_ code: ConfigurationError.Code, _ message: String) -> LoadedFile? {
            issues.append(
                .init(
                    code: code, environmentVariable: AssetForgeConfiguration.configFileEnvironmentVariable,
                    message: "configuration file \"\(path)\" (from \(origin)) \(message)"))
            return nil
        }

        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        let format: FileFormat
        switch fileExtension {
        case "yaml", "yml": format = .yaml
        case "json": format = .json
        case "": return fail(.unsupportedFileFormat, "has no extension; use .yaml, .yml or .json")
        default:
            return fail(
                .unsupportedFileFormat, "has unsupported extension \".\(fileExtension)\"; use .yaml, .yml or .json")
        }

        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return fail(.fileNotFound, "does not exist")
        }
        guard !isDirectory.boolValue else { return fail(.unreadableFile, "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            return fail(.unreadableFile, "cannot be read (check its permissions)")
        }
        if Self.isBlank(data, format: format) {
            return LoadedFile(path: path, reader: nil, keys: [], format: format)
        }

        let collector = FileKeyCollector()
        let fileSecretKeys = Set(catalog.filter(\.isSecret).map(\.key))
        let isSecret: @Sendable (String) -> Bool = { key in
            collector.record(key)
            return fileSecretKeys.contains(key)
                || (key.hasPrefix(KafkaProperty.keyPrefix)
                    && KafkaProperty.isSensitive(String(key.dropFirst(KafkaProperty.keyPrefix.count))))
        }
        // FileProvider takes its path from a reader; this avoids depending on swift-system's FilePath.
        let location = ConfigReader(
            provider: InMemoryProvider(
                name: "config-file", values: ["filePath": ConfigValue(.string(path), isSecret: false)]))
        let provider: any ConfigProvider
        do {
            switch format {
            case .yaml:
                provider = try await FileProvider<YAMLSnapshot>(
                    parsingOptions: .init(secretsSpecifier: .dynamic { key, _ in isSecret(key) }), config: location)
            case .json:
                provider = try await FileProvider<JSONSnapshot>(
                    parsingOptions: .init(secretsSpecifier: .dynamic { key, _ in isSecret(key) }), config: location)
            }
        } catch {
            let kind = format == .yaml ? "YAML" : "JSON"
            return fail(.unreadableFile, "is not a valid \(kind) mapping of settings: \(Self.readable(error))")
        }
        return LoadedFile(
            path: path, reader: ConfigReader(provider: provider), keys: collector.recordedKeys, format: format)
    }

    /// An error's most useful text: Foundation's JSON errors keep the detail in their debug description.
    private static func readable(_ error: any Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain, let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String {
            return detail
        }
        return "\(error)"
    }

    /// Whether a file has no content: only whitespace, or for YAML also comments and document markers.
    private static func isBlank(_ data: Data, format: FileFormat) -> Bool {
        let text = String(decoding: data, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).allSatisfy { line in
            let line = line.trimmingCharacters(in: .whitespaces)
            return line.isEmpty || (format == .yaml && (line.hasPrefix("#") || line == "---" || line == "..."))
        }
    }

    /// YAML's spellings of null, which read back as text; such a value counts as unset.
    private static let yamlNulls: Set<String> = ["~", "null", "Null", "NULL"]

    /// Reads one key from the file as text, whatever its JSON/YAML type; `nil` when absent, empty or null.
    private func fileValue(_ key: String, shape: Setting.Shape, isSecret: Bool, in file: LoadedFile)
        -> RawSettingValue?
    {
        guard let reader = file.reader, file.keys.contains(key) else { return nil }
        let configKey = ConfigKey(key)
        if shape == .list, let list = reader.stringArray(forKey: configKey, isSecret: isSecret) {
            return .list(list)
        }
        // YAML scalars read as strings whatever they look like; JSON numbers and booleans do not.
        let scalar =
            reader.string(forKey: configKey, isSecret: isSecret)
            ?? reader.int(forKey: configKey, isSecret: isSecret).map { String($0) }
            ?? reader.double(forKey: configKey, isSecret: isSecret).map { String($0) }
            ?? reader.bool(forKey: configKey, isSecret: isSecret).map { String($0) }
        if let scalar {
            let trimmed = scalar.trimmingCharacters(in: .whitespacesAndNewlines)
            let isNull = file.format == .yaml && Self.yamlNulls.contains(trimmed)
            return trimmed.isEmpty || isNull ? nil : .scalar(trimmed)
        }
        if let list = reader.stringArray(forKey: configKey, isSecret: isSecret) {
            return .list(list)  // Rejected by scalar settings with "must be a single value".
        }
        return .unsupported
    }

    private mutating func reportUnknownKeys(in file: LoadedFile) {
        let knownKeys = catalog.map(\.key)
        let known = Set(knownKeys)
        for key in file.keys.sorted() where !known.contains(key) && !key.hasPrefix(KafkaProperty.keyPrefix) {
            if key + "." == KafkaProperty.keyPrefix {
                issues.append(
                    .init(
                        code: .invalidValue, key: key, source: .file,
                        message:
                            "must be a mapping of librdkafka property names to values, e.g. security.protocol: SASL_SSL"
                    ))
            } else if let example = knownKeys.first(where: { $0.hasPrefix(key + ".") }) {
                issues.append(
                    .init(
                        code: .invalidValue, key: key, source: .file,
                        message: "is a section and must be a mapping of settings such as \(example)"))
            } else {
                issues.append(
                    .init(
                        code: .unknownKey, key: key, source: .file,
                        message: "is not a known setting in \(file.path)",
                        suggestion: KeySuggestion.closest(to: key, among: knownKeys + ["kafka.properties"])))
            }
        }
    }

    // MARK: - kafka.properties

    private mutating func applyKafkaProperties(from file: LoadedFile, to configuration: inout AssetForgeConfiguration) {
        for key in file.keys.sorted() where key.hasPrefix(KafkaProperty.keyPrefix) {
            let name = String(key.dropFirst(KafkaProperty.keyPrefix.count))
            let isSecret = KafkaProperty.isSensitive(name)
            func report(_ message: String, value: RawSettingValue?) {
                issues.append(
                    .init(
                        code: .invalidValue, key: key, value: value?.display(isSecret: isSecret), source: .file,
                        message: message))
            }
            do throws(InvalidValue) {
                try KafkaProperty.validateName(name)
            } catch {
                report(error.message, value: nil)
                continue
            }
            if let setting = KafkaProperty.managed[name] {
                let variable = catalog.first { $0.key == setting }?.environmentVariable ?? ""
                report("is managed by AssetForge; set \(setting) (\(variable)) instead", value: nil)
                continue
            }
            switch fileValue(key, shape: .scalar, isSecret: isSecret, in: file) {
            case .scalar(let value):
                configuration.kafka.properties[name] = value
                configuration.sources[key] = .file
            case .list(let items):
                report("must be a single value, not a list", value: .list(items))
            case .unsupported:
                report("must be a single value (text, a number or a boolean)", value: nil)
            case nil:
                report("must not be empty", value: nil)
            }
        }
    }

    // MARK: - Cross-setting checks

    private mutating func checkCredentialPairs(_ configuration: AssetForgeConfiguration) {
        for spec in ProviderVendor.catalog where spec.credentials == .accessKeyPair {
            let account = configuration.providers[account: spec.vendor]
            let prefix = "providers.\(spec.vendor.rawValue)"
            requirePair(
                (account.accessKey, "\(prefix).accessKey", "\(spec.environmentStem)_ACCESS_KEY"),
                (account.secretKey, "\(prefix).secretKey", "\(spec.environmentStem)_SECRET_KEY"),
                owner: spec.displayName, required: false)
        }

        let store = configuration.store
        var needsOSS = false
        var needsAWS = false
        switch store.location {
        case .file: break
        case .oss: needsOSS = true
        case .s3: needsAWS = true
        }
        requirePair(
            (store.ossAccessKeyID, "store.oss.accessKeyId", "OSS_ACCESS_KEY_ID"),
            (store.ossAccessKeySecret, "store.oss.accessKeySecret", "OSS_ACCESS_KEY_SECRET"),
            token: (store.ossSessionToken, "store.oss.sessionToken", "OSS_SESSION_TOKEN"),
            owner: needsOSS ? "An oss:// store" : "OSS", required: needsOSS)
        requirePair(
            (store.awsAccessKeyID, "store.aws.accessKeyId", "AWS_ACCESS_KEY_ID"),
            (store.awsSecretAccessKey, "store.aws.secretAccessKey", "AWS_SECRET_ACCESS_KEY"),
            token: (store.awsSessionToken, "store.aws.sessionToken", "AWS_SESSION_TOKEN"),
            owner: needsAWS ? "An s3:// store" : "AWS", required: needsAWS)
    }

    /// Reports a provider whose longest poll interval is shorter than its poll interval. Skipped when either
    /// value was already reported as invalid.
    private mutating func checkPollIntervals(_ configuration: AssetForgeConfiguration) {
        for provider in GenerationProvider.allCases {
            let pacing = configuration.providers[pacing: provider]
            guard pacing.maxPollIntervalSeconds < pacing.pollIntervalSeconds else { continue }
            let prefix = "providers.\(provider.rawValue)"
            let (intervalKey, maxKey) = ("\(prefix).pollIntervalSeconds", "\(prefix).maxPollIntervalSeconds")
            guard !issues.contains(where: { $0.key == intervalKey || $0.key == maxKey }) else { continue }
            let catalog = catalog
            let variable = { (key: String) in catalog.first { $0.key == key }?.environmentVariable }
            let interval = Parse.format(pacing.pollIntervalSeconds)
            let intervalSource = configuration.sources[intervalKey] ?? .default
            issues.append(
                .init(
                    code: .invalidValue, key: maxKey, environmentVariable: variable(maxKey),
                    value: Parse.format(pacing.maxPollIntervalSeconds),
                    source: configuration.sources[maxKey] ?? .default,
                    message:
                        "is less than the poll interval \(intervalKey) (\(variable(intervalKey) ?? "")), "
                        + "\(interval) from \(intervalSource); must be at least the poll interval"))
        }
    }

    private typealias CredentialPart = (value: Secret?, key: String, variable: String)

    /// Reports a key pair with one half missing (or both, when `required`), and a session token without its pair.
    private mutating func requirePair(
        _ first: CredentialPart, _ second: CredentialPart, token: CredentialPart? = nil, owner: String, required: Bool
    ) {
        let missing = [first, second].filter { $0.value == nil }
        let needed = "\(owner) needs both \(first.variable) and \(second.variable)"
        if missing.count == 1 || (required && missing.count == 2) {
            let alternative = required ? "" : " (or neither, which disables it)"
            for part in missing {
                issues.append(
                    .init(
                        code: .missingValue, key: part.key, environmentVariable: part.variable,
                        message: "is missing: \(needed)\(alternative)"))
            }
        } else if missing.count == 2, let token, token.value != nil {
            issues.append(
                .init(
                    code: .missingValue, key: token.key, environmentVariable: token.variable,
                    value: Secret.redactedPlaceholder,
                    message: "is set without \(first.variable) and \(second.variable); a session token needs both"))
        }
    }
}
