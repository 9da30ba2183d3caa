import Foundation

/// A change to one claimed entry. `nil` members are left as they are.
public struct LedgerUpdate: Sendable, Hashable {
    /// The new state.
    public var state: LedgerState
    /// Adds to ``LedgerEntry/attempts``.
    public var addAttempts: Int = 0
    /// See ``LedgerEntry/provider``.
    public var provider: String?
    /// See ``LedgerEntry/providerTaskID``.
    public var providerTaskID: String?
    /// See ``LedgerEntry/progress``.
    public var progress: [UInt8]?
    /// See ``LedgerEntry/stored``.
    public var stored: StoredResult?
    /// See ``LedgerEntry/costCNY``.
    public var costCNY: Decimal?
    /// See ``LedgerEntry/envelope``.
    public var envelope: LedgerEnvelope?
    /// See ``LedgerEntry/failureReason``.
    public var failureReason: String?
    /// See ``LedgerEntry/failureMessage``.
    public var failureMessage: String?
    /// See ``LedgerEntry/resolvedTo``.
    public var resolvedTo: String?
    /// Replaces ``LedgerEntry/notBefore`` (`nil` clears it).
    public var notBefore: Date?
    /// Whether the claim ends with this update (the lease is cleared). Finished states always release.
    public var release: Bool = false

    /// An update to `state`.
    public init(state: LedgerState) {
        self.state = state
    }
}
