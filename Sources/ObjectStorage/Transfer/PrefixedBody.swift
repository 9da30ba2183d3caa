import NIOCore

/// A byte stream that yields `prefix` and then the rest of an already started iterator; used to put
/// back the bytes read for content sniffing. Iterate once.
struct PrefixedBody<Rest: AsyncIteratorProtocol>: AsyncSequence where Rest.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let prefix: ByteBuffer
    let rest: Rest?

    func makeAsyncIterator() -> Iterator { Iterator(prefix: prefix.readableBytes > 0 ? prefix : nil, rest: rest) }

    struct Iterator: AsyncIteratorProtocol {
        var prefix: ByteBuffer?
        var rest: Rest?

        mutating func next() async throws -> ByteBuffer? {
            if let prefix {
                self.prefix = nil
                return prefix
            }
            guard rest != nil else { return nil }
            return try await rest!.next()
        }
    }
}
