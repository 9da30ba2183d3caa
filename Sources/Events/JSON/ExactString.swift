/// A string that compares and hashes by its Unicode scalars, as JSON and Python do.
///
/// Swift's `String` equality is canonical equivalence ("é" precomposed equals "e" + U+0301), but JSON object
/// member names and `uniqueItems` compare code point sequences: two such strings are different values.
struct ExactString: Hashable {
    let string: String

    static func == (lhs: ExactString, rhs: ExactString) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let hashed: Void? = string.utf8.withContiguousStorageIfAvailable {
            hasher.combine(bytes: UnsafeRawBufferPointer($0))
        }
        if hashed == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
    }
}
