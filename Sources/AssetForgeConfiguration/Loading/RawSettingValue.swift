/// The text of one setting as found in the file or the environment, before parsing.
enum RawSettingValue: Sendable, Equatable {
    /// A single value (environment variables are always this).
    case scalar(String)
    /// A list from the file (YAML sequence, JSON array).
    case list([String])
    /// A file value of a type no setting accepts, such as a JSON array of numbers.
    case unsupported

    /// The value for an error message, secrets and URL passwords redacted.
    func display(isSecret: Bool) -> String {
        if isSecret { return Secret.redactedPlaceholder }
        switch self {
        case .scalar(let text): return HTTPBaseURL.redactingPassword(text)
        case .list(let items): return items.map(HTTPBaseURL.redactingPassword).joined(separator: ",")
        case .unsupported: return "(unsupported value)"
        }
    }

    /// The text of a single value; throws for lists and unsupported values.
    func singleValue() throws(InvalidValue) -> String {
        switch self {
        case .scalar(let text): return text
        case .list: throw InvalidValue("must be a single value, not a list")
        case .unsupported: throw InvalidValue("must be a single value (text, a number or a boolean)")
        }
    }
}
