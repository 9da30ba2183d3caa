/// Everything wrong with the configuration, found at start: all problems, not just the first.
///
/// Each ``Issue`` names the file key and the environment variable, shows the offending value (secrets
/// as `<redacted>`) and where it came from, and says what is allowed.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, in a stable order: the file first, then unknown keys, then settings in catalogue order.
    public var issues: [Issue]

    /// Creates an error from its issues.
    public init(issues: [Issue]) {
        self.issues = issues
    }

    /// A readable report, one problem per line.
    public var description: String {
        let count = issues.count == 1 ? "1 problem" : "\(issues.count) problems"
        return "Invalid AssetForge configuration (\(count)):\n"
            + issues.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension ConfigurationError {
    /// One problem.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// What kind of problem this is.
        public var code: Code
        /// The file key, e.g. `http.port`, or `nil` when the problem is not about one setting.
        public var key: String?
        /// The environment variable of the setting (or `ASSETFORGE_CONFIG` for file problems), if any.
        public var environmentVariable: String?
        /// The offending value as given, with secrets replaced by `<redacted>`; `nil` when there is none.
        public var value: String?
        /// Where ``value`` came from.
        public var source: SettingSource?
        /// What is wrong and what is allowed.
        public var message: String
        /// A close known key, for ``Code/unknownKey``.
        public var suggestion: String?

        /// Creates an issue.
        public init(
            code: Code, key: String? = nil, environmentVariable: String? = nil, value: String? = nil,
            source: SettingSource? = nil, message: String, suggestion: String? = nil
        ) {
            self.code = code
            self.key = key
            self.environmentVariable = environmentVariable
            self.value = value
            self.source = source
            self.message = message
            self.suggestion = suggestion
        }

        /// E.g. `http.port (ASSETFORGE_HTTP_PORT): value "70000" from env: must be a whole number from 0 to 65535`.
        public var description: String {
            var subject: String
            switch (key, environmentVariable) {
            case (let key?, let variable?): subject = "\(key) (\(variable))"
            case (let key?, nil): subject = key
            case (nil, let variable?): subject = variable
            case (nil, nil): subject = "configuration"
            }
            if let value {
                subject += ": value \"\(value)\"" + (source.map { " from \($0)" } ?? "")
            }
            var text = "\(subject): \(message)"
            if let suggestion { text += "; did you mean \(suggestion)?" }
            return text
        }
    }

    /// A stable, extensible classification of issues; match on the static constants.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidValue, missingValue, unknownKey, unsupportedFileFormat, fileNotFound, unreadableFile
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A value is malformed or out of range.
        public static let invalidValue = Code(.invalidValue)
        /// A value that another setting requires is missing (e.g. one half of a key pair).
        public static let missingValue = Code(.missingValue)
        /// The file has a key that is not a setting (a typo, usually).
        public static let unknownKey = Code(.unknownKey)
        /// The file's extension is not `.yaml`, `.yml` or `.json`.
        public static let unsupportedFileFormat = Code(.unsupportedFileFormat)
        /// The file does not exist.
        public static let fileNotFound = Code(.fileNotFound)
        /// The file exists but cannot be read or parsed.
        public static let unreadableFile = Code(.unreadableFile)

        /// The code's name.
        public var description: String { base.rawValue }
    }
}
