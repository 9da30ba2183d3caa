/// Why one value was rejected: a sentence fragment such as `must be earliest or latest`.
///
/// The loader adds the key, the environment variable, the (redacted) value and its source,
/// and collects it into ``ConfigurationError``.
public struct InvalidValue: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and what is allowed.
    public var message: String

    /// Creates a reason.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
