import NIOCore

/// An in-memory body for ``ObjectStore/put(_:body:contentType:expectedSize:)`` and ``AssetTransfer``: an
/// `AsyncSequence` of one buffer.
public struct SingleBufferBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    /// The whole body.
    public let buffer: ByteBuffer

    /// A body of `buffer`.
    public init(_ buffer: ByteBuffer) {
        self.buffer = buffer
    }

    /// A body of `bytes`.
    public init(bytes: [UInt8]) {
        self.init(ByteBuffer(bytes: bytes))
    }

    /// Yields the buffer once.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var buffer: ByteBuffer?

        /// The buffer, then `nil`.
        public mutating func next() async -> ByteBuffer? {
            defer { buffer = nil }
            return buffer
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
}
