import AssetForgeConfiguration
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A successful (2xx) response of ``SafeFetcher``; read ``body`` inside the handler.
public struct FetchResponse: Sendable {
    /// The URL that answered (after redirects).
    public var url: URL
    /// The HTTP status.
    public var status: Int
    /// The response headers. Do not trust `Content-Type`: sniff the body.
    public var headers: HTTPHeaders
    /// The announced length, if any.
    public var contentLength: Int64?
    /// The address connected to (checked against the policy before connecting).
    public var connectedAddress: IPAddress
    /// The body, in chunks as they arrive, capped at the size limit.
    public var body: FetchBody
}

/// The response body as an async sequence of buffers. Throws ``FetchError`` with
/// ``FetchError/Code/tooLarge`` past the limit and ``FetchError/Code/truncated`` when it ends
/// before the announced Content-Length.
public struct FetchBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    let source: HTTPClientResponse.Body
    let limit: Int64
    let expectedLength: Int64?
    let url: String

    public func makeAsyncIterator() -> Iterator {
        Iterator(source: source.makeAsyncIterator(), limit: limit, expectedLength: expectedLength, url: url)
    }

    /// Iterates the body.
    public struct Iterator: AsyncIteratorProtocol {
        var source: HTTPClientResponse.Body.AsyncIterator
        let limit: Int64
        let expectedLength: Int64?
        let url: String
        var received: Int64 = 0

        public mutating func next() async throws -> ByteBuffer? {
            let chunk: ByteBuffer?
            do {
                chunk = try await source.next()
            } catch is CancellationError {
                throw FetchError(.cancelled, "the download was cancelled", url: url)
            } catch {
                throw FetchError(
                    .transport, "the download broke off after \(received) bytes; retry it", url: url, underlying: error)
            }
            guard let chunk else {
                if let expectedLength, received != expectedLength {
                    throw FetchError(
                        .truncated, "the body ended after \(received) of \(expectedLength) announced bytes; retry it",
                        url: url)
                }
                return nil
            }
            received += Int64(chunk.readableBytes)
            if received > limit {
                throw FetchError(
                    .tooLarge, "the body is larger than the limit of \(limit) bytes (ASSETFORGE_FETCH_MAX_BYTES)",
                    url: url)
            }
            return chunk
        }
    }
}
