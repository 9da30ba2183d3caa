/// Where a consumer group starts reading a partition that has no committed offset
/// (librdkafka's `auto.offset.reset`).
public enum OffsetReset: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Start at the oldest retained message.
    case earliest
    /// Start at the end: only messages produced from now on.
    case latest

    /// `earliest` or `latest`.
    public var description: String { rawValue }
}
