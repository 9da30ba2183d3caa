/// The text of one setting as found in the file or the environment, before parsing.
enum RawSettingValue: Sendable, Equatable {
    /// A single value (environment variables are always this).
    case scalar(String)
    /// A list from the file (YAML sequence, JSON array).
    case list([String])

    /// The value for an error message, secrets and URL passwords redacted.
    func display(isSecret: Bool) -> String {
        if isSecret { return Secret.redactedPlaceholder }
        switch self {
        case .scalar(let text): return HTTPBaseURL.redactingPassword(text)
        case .list(let items): return items.map(HTTPBaseURL.redactingPassword).joined(separator: ",")
        }
    }
}
