/// Where a command is in its life. The order of the cases is the order of the steps.
///
/// ```
/// planned ─┬─▶ submitting ─▶ submitted ─▶ fetched ─▶ stored ─▶ publishing ─▶ published
///          └─▶ deferred ─┘                                        │
///  (any unfinished state) ──────────────────────────────────────▶ publishing ─▶ failed
///  planned (a promotion waiting for its scene image) ─▶ resolved
/// ```
public enum LedgerState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Recorded from an event; nothing sent to a provider yet.
    case planned
    /// Waiting for a provider's daily budget to allow it.
    case deferred
    /// A submit request is (or was, when the process died) in flight; no task id known.
    case submitting
    /// The provider accepted it: ``LedgerEntry/provider`` and ``LedgerEntry/providerTaskID`` are set.
    case submitted
    /// The provider's result is known (temporary result URLs, cost).
    case fetched
    /// The result is in the object store (``LedgerEntry/stored``).
    case stored
    /// The outcome event (``LedgerEntry/envelope``) is recorded and being published.
    case publishing
    /// `asset.ready` is published. Final.
    case published
    /// `asset.failed` is published. Final.
    case failed
    /// A promotion that waited for its SKU's scene image became the video command ``LedgerEntry/resolvedTo``. Final.
    case resolved

    /// Whether nothing more happens to the command.
    public var isFinished: Bool { self == .published || self == .failed || self == .resolved }

    /// The unfinished states.
    public static let unfinished: [LedgerState] = allCases.filter { !$0.isFinished }

    public var description: String { rawValue }
}
