/// A credential or other sensitive string that must never be printed.
///
/// `description`, `debugDescription`, string interpolation and `dump` all show `<redacted>`.
/// Read the real value only where it is sent to the service that needs it, through
/// ``unredactedValue``, so every such place is easy to find.
public struct Secret: Sendable, Equatable {
    /// The text shown wherever a secret would otherwise be printed.
    public static let redactedPlaceholder = "<redacted>"

    /// The secret itself. Never log or print it.
    public let unredactedValue: String

    /// Wraps a sensitive value.
    public init(_ value: String) {
        self.unredactedValue = value
    }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Always `<redacted>`.
    public var description: String { Self.redactedPlaceholder }

    /// Always `<redacted>`.
    public var debugDescription: String { Self.redactedPlaceholder }

    /// A mirror without children, so `dump` and reflection-based printers cannot reach the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
