/// A value kept behind one shared reference and copied only when a shared copy is changed.
///
/// For large values passed through many async frames while thousands of tasks wait (an async frame holds every
/// value of its function for as long as it is suspended): a copy of the box is 8 bytes, whatever the value's size.
struct CopyOnWriteBox<Value: Sendable & Hashable>: Sendable, Hashable {
    private final class Storage: @unchecked Sendable {
        // Changed only through `value`'s setter, when no other box shares it.
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    private var storage: Storage

    init(_ value: Value) { storage = Storage(value) }

    var value: Value {
        get { storage.value }
        set {
            if isKnownUniquelyReferenced(&storage) {
                storage.value = newValue
            } else {
                storage = Storage(newValue)
            }
        }
    }

    static func == (lhs: CopyOnWriteBox, rhs: CopyOnWriteBox) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.value == rhs.storage.value
    }

    func hash(into hasher: inout Hasher) { hasher.combine(storage.value) }
}
