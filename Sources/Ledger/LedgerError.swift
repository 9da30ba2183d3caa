/// A ledger failure.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable, Hashable {
        /// The ledger cannot be opened or created (path, permissions, server unreachable).
        case unavailable
        /// A statement failed.
        case queryFailed
        /// The claim was taken over by another owner (or never held): stop working on the command.
        case leaseLost
        /// No entry has that key.
        case notFound
        /// The stored data cannot be read (a schema from a newer AssetForge, a damaged file).
        case corrupt
    }

    /// What went wrong.
    public var code: Code
    /// What happened and what to do.
    public var message: String

    /// An error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "ledger \(code.rawValue): \(message)" }
}
