/// What a replay needs of a recorded command: its state, where it was resolved to, and the outcome event to
/// republish. Read without the rest of the entry (specification, progress, lease), so a replay stays cheap.
public struct RecordedOutcome: Sendable, Hashable {
    /// The command's key.
    public var key: String
    /// Its state.
    public var state: LedgerState
    /// For ``LedgerState/resolved``: the key whose asset stands for this one.
    public var resolvedTo: String?
    /// The `asset.ready` or `asset.failed` event once one was recorded.
    public var envelope: LedgerEnvelope?

    /// An outcome.
    public init(key: String, state: LedgerState, resolvedTo: String? = nil, envelope: LedgerEnvelope? = nil) {
        self.key = key
        self.state = state
        self.resolvedTo = resolvedTo
        self.envelope = envelope
    }
}
