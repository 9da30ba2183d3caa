extension String {
    /// Calls `body` with the string's UTF-8 bytes: directly for a native string, through a copy otherwise.
    ///
    /// Pattern checks run on the buffer; iterating `utf8` element by element costs several times more.
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(utf8).withUnsafeBufferPointer(body)
    }

    /// Whether the UTF-8 bytes start with those of `prefix` (no Unicode normalization).
    func hasUTF8Prefix(_ prefix: StaticString) -> Bool {
        withUTF8Bytes { bytes in bytes.hasPrefix(prefix) }
    }

    /// Whether the two strings have the same UTF-8 bytes (no Unicode normalization). `==` first: it is fast and
    /// never false for equal bytes.
    func hasSameUTF8(as other: String) -> Bool {
        self == other && utf8.elementsEqual(other.utf8)
    }
}

extension UnsafeBufferPointer<UInt8> {
    func hasPrefix(_ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { hasPrefix($0) }
    }

    func hasPrefix(_ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count >= prefix.count else { return false }
        for index in 0..<prefix.count where self[index] != prefix[index] { return false }
        return true
    }
}
