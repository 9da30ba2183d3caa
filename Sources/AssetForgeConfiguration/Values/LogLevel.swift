/// The minimum severity that is logged. The cases and their order match swift-log's `Logger.Level`.
public enum LogLevel: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Very detailed tracing.
    case trace
    /// Debugging information.
    case debug
    /// Informational messages.
    case info
    /// Normal but significant conditions.
    case notice
    /// Warnings.
    case warning
    /// Errors.
    case error
    /// Critical conditions.
    case critical

    /// The level's name, as accepted in `ASSETFORGE_LOG_LEVEL`.
    public var description: String { rawValue }

    /// Orders levels by severity, `trace` lowest.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
