import NIOCore
import Synchronization

/// One part's bytes as a request body that stops referencing the part's buffer once it has handed out the last
/// slice.
///
/// The multipart uploader refills a part's buffer in place for a later part once the part is acknowledged. A
/// request body that still referenced the buffer then (the HTTP client keeps a finished request for a moment)
/// would share its storage, and the refill would have to allocate a new part-sized buffer instead. The slices
/// share the buffer's storage, not copies, and are released as they are written.
struct PartUploadBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    /// Bytes per slice handed to the HTTP client.
    static let sliceSize = 256 << 10

    private let source: Source

    /// A body of `part`'s readable bytes. Make a new one for each attempt.
    init(_ part: ByteBuffer) {
        source = Source(part)
    }

    /// The bytes not yet handed out.
    var remainingBytes: Int { source.remainingBytes }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: source) }

    struct AsyncIterator: AsyncIteratorProtocol {
        let source: Source

        mutating func next() async -> ByteBuffer? { source.nextSlice() }
    }

    /// Holds the rest of the part until the last slice is out.
    final class Source: Sendable {
        private let rest: Mutex<ByteBuffer?>

        init(_ part: ByteBuffer) {
            rest = Mutex(part.readableBytes > 0 ? part : nil)
        }

        var remainingBytes: Int { rest.withLock { $0?.readableBytes ?? 0 } }

        func nextSlice() -> ByteBuffer? {
            rest.withLock { rest -> ByteBuffer? in
                guard var remaining = rest.take() else { return nil }
                let slice = remaining.readSlice(length: Swift.min(PartUploadBody.sliceSize, remaining.readableBytes))
                if remaining.readableBytes > 0 { rest = remaining }
                return slice
            }
        }
    }
}
