/// A value kept behind one shared reference and copied only when a shared copy is changed.
///
/// For large values passed through many async frames while thousands of tasks wait (an async frame holds every
/// value of its function for as long as it is suspended): a copy of the box is 8 bytes, whatever the value's size.
public struct CopyOnWriteBox<Value: Sendable & Hashable>: Sendable, Hashable {
    @usableFromInline
    final class Storage: @unchecked Sendable {
        // Changed only through `value`'s setter, when no other box shares it.
        @usableFromInline var value: Value
        @usableFromInline init(_ value: Value) { self.value = value }
    }

    @usableFromInline var storage: Storage

    /// A box holding `value`.
    @inlinable public init(_ value: Value) { storage = Storage(value) }

    /// The value; setting it copies the storage first when another box shares it.
    @inlinable public var value: Value {
        get { storage.value }
        set {
            if isKnownUniquelyReferenced(&storage) {
                storage.value = newValue
            } else {
                storage = Storage(newValue)
            }
        }
    }

    @inlinable public static func == (lhs: CopyOnWriteBox, rhs: CopyOnWriteBox) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.value == rhs.storage.value
    }

    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(storage.value) }
}
